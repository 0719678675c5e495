"""The linear chronology lanes, the caps on extra files and uploads, the parse-worker
queue and the rerun throttle (issue 16): behaviour on small inputs, and growth counted
in operations, not wall time."""

from __future__ import annotations

import json
import math
import random
import threading

import pytest

from factories import event, layer, schema_events_layer, site_feature, source
from layers.data.problems import Problem
from layers.extra import read_extra
from layers.extra import workers as worker_queue
from layers.extra.caps import (
    MAX_EVENTS_PER_FILE,
    MAX_PROBLEMS_PER_FILE,
    admit_uploads,
    capped_problems,
)
from layers.extra.model import ExtraFile
from layers.render import lanes
from layers.ui.rerun_throttle import BURST_RUNS, RUNS_PER_S, Bucket


def scan_lanes(xs: list[float], width: float) -> list[int]:
    """The former lane rule, as a brute-force reference: earlier xs within ``width``."""
    return [sum(1 for other in xs[:i] if abs(other - x) < width) for i, x in enumerate(xs)]


@pytest.mark.parametrize("seed", range(20))
def test_lanes_are_those_of_the_scan(seed):
    rng = random.Random(seed)
    n = rng.randint(0, 60)
    # few distinct values, so ties and exact-width gaps (the edge cases) are common
    xs = [
        190 + rng.choice([0, 3.5, 7, 13.999, 14, 14.0001, 28, 100]) + rng.randint(0, 3) * 14
        for _ in range(n)
    ]
    assert lanes.crowding(xs, 14) == scan_lanes(xs, 14)


def test_lanes_of_floats_at_the_boundary_match_the_scan():
    xs = [0.1 + 0.2, 0.3, 14.3, 14.300000000000001, 0.30000000000000004 + 14, -13.7]
    assert lanes.crowding(xs, 14) == scan_lanes(xs, 14)


def test_lane_work_grows_as_n_log_n(monkeypatch):
    """Steps (bisection probes and Fenwick tree reads and writes) for n marks in one row,
    all in one year (the review's worst case): at most ~6·n·log2(n), where the scan
    made n²/2 comparisons."""
    steps = {"n": 0}

    class Counting(list):
        def __getitem__(self, i):
            steps["n"] += 1
            return super().__getitem__(i)

        def __setitem__(self, i, v):
            steps["n"] += 1
            super().__setitem__(i, v)

    original_init, original_bisect = lanes._Fenwick.__init__, lanes.bisect_left

    def init(self, size):
        original_init(self, size)
        self.tree = Counting(self.tree)

    def bisect(seq, value, key):
        def counted(v):
            steps["n"] += 1
            return key(v)

        return original_bisect(seq, value, key=counted)

    monkeypatch.setattr(lanes._Fenwick, "__init__", init)
    monkeypatch.setattr(lanes, "bisect_left", bisect)
    counts = {}
    for n in (1_000, 16_000):
        steps["n"] = 0
        lanes.crowding([500.0 + (i % 7) for i in range(n)], 14)
        counts[n] = steps["n"]
        assert counts[n] <= 6 * n * math.log2(n), (n, counts[n])
    # 16× the marks: about 16 · log(16,000)/log(1,000) ≈ 22× the steps, far from 256×
    assert counts[16_000] <= 25 * counts[1_000]


def test_an_extra_file_over_the_event_cap_is_refused_naming_the_file():
    raw = schema_events_layer(MAX_EVENTS_PER_FILE + 1)
    result = read_extra(raw, "huge-chronology.geojson", isolate=False)
    assert result.kind == "invalid"
    (problem,) = result.problems
    text = str(problem)
    assert "huge-chronology.geojson" in text
    assert f"{MAX_EVENTS_PER_FILE + 1:,} events" in text and "at most" in text


def test_an_extra_file_at_the_event_cap_is_read():
    document = layer("extra-capped", site_feature("S9001"))
    document["sources"] = [source("src-capped")]
    document["events"] = [
        event(f"E{900001 + i}", ["S9001"], source_ids=["src-capped"]) for i in range(50)
    ]
    result = read_extra(json.dumps(document).encode(), "small.geojson", isolate=False)
    assert result.kind == "schema" and len(result.schema.events) == 50


def test_a_plain_file_over_the_feature_cap_is_refused(monkeypatch):
    monkeypatch.setattr("layers.extra.caps.MAX_FEATURES_PER_FILE", 3)
    points = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [36.3, 33.5]},
            "properties": {},
        }
        for _ in range(4)
    ]
    raw = json.dumps({"type": "FeatureCollection", "features": points}).encode()
    result = read_extra(raw, "many-points.geojson", isolate=False)
    assert result.kind == "invalid"
    assert "many-points.geojson" in str(result.problems[0])
    assert "4 features" in str(result.problems[0])


def test_problems_of_a_file_are_capped_with_a_count():
    many = [Problem("f.geojson", f"bad {i}") for i in range(MAX_PROBLEMS_PER_FILE + 7)]
    kept = capped_problems(many, "f.geojson")
    assert len(kept) == MAX_PROBLEMS_PER_FILE + 1
    assert "7 more problem(s)" in str(kept[-1])


def test_uploads_over_the_session_caps_are_named_and_not_read():
    files = [("a.geojson", 10), ("b.geojson", 60), ("c.geojson", 50), ("d.geojson", 5)]
    admitted, refused = admit_uploads(files, max_files=3, max_bytes=100)
    assert admitted == [0, 1, 3]  # c would pass 100 bytes; d still fits
    (problem,) = refused
    assert str(problem).startswith("c.geojson")
    files = [(f"{i}.geojson", 1) for i in range(4)]
    admitted, refused = admit_uploads(files, max_files=3, max_bytes=100)
    assert admitted == [0, 1, 2]
    assert "3.geojson" in str(refused[0]) and "3 files" in str(refused[0])


def test_parse_workers_are_bounded_and_the_rest_wait(monkeypatch):
    monkeypatch.setattr(worker_queue, "_slots", threading.BoundedSemaphore(1))
    inside = threading.Event()
    release = threading.Event()
    waited: list[int] = []

    def slow() -> ExtraFile:
        inside.set()
        release.wait(10)
        return ExtraFile("first.geojson")

    first = threading.Thread(target=worker_queue.queued, args=("first.geojson", slow))
    first.start()
    assert inside.wait(10)
    # the only slot is taken: the second read says it waits, then is refused on timeout
    refused = worker_queue.queued(
        "second.geojson", lambda: ExtraFile("second.geojson"), waited.append, timeout=0.2
    )
    assert waited == [0]
    assert "busy" in str(refused.problems[0]) and "second.geojson" in str(refused.problems[0])
    release.set()
    first.join(10)
    # the slot is free again: no wait
    again = worker_queue.queued("third.geojson", lambda: ExtraFile("third.geojson"), waited.append)
    assert again.name == "third.geojson" and waited == [0]


def test_the_rerun_throttle_lets_a_burst_through_then_spaces_runs():
    bucket = Bucket(float(BURST_RUNS), 0.0)
    now, waits = 0.0, []
    for _ in range(BURST_RUNS + 8):  # a request every 20 ms, as a flood sends them
        wait = bucket.take(now)
        waits.append(wait)
        now += wait + 0.02
    assert waits[:BURST_RUNS] == [0.0] * BURST_RUNS
    assert all(0 < w <= 1 / RUNS_PER_S for w in waits[BURST_RUNS:])
    # sustained, over 10 s of requests every 20 ms: the burst, then RUNS_PER_S a second
    flood, now, started = Bucket(float(BURST_RUNS), 0.0), 0.0, 0
    while now < 10:
        now += flood.take(now)
        started += 1
        now += 0.02
    assert started <= BURST_RUNS + RUNS_PER_S * 10 + 1
    # a person's pace (one change a second) never waits
    person = Bucket(float(BURST_RUNS), 0.0)
    assert all(person.take(float(t)) == 0.0 for t in range(30))


def test_process_values_survive_a_clients_clear_cache():
    """What Streamlit's clear_cache empties (st.cache_data, st.cache_resource) does not
    hold the atlas: it is built once per process, even by concurrent first calls."""
    import streamlit as st

    from layers.ui.process_cache import once_per_process

    built: list[str] = []

    @once_per_process()
    def load(root: str) -> list[str]:
        built.append(root)
        return [root]

    threads = [threading.Thread(target=load, args=("geodata",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    first = load("geodata")
    st.cache_data.clear()
    st.cache_resource.clear()
    assert load("geodata") is first
    assert built == ["geodata"]
