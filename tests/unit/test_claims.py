"""The claims check: its loader reports problems like the others, and its page escapes data."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from layers.data.claims import ClaimStatus, load_claims
from layers.data.load import DEFAULT_DATA_DIR, load_atlas
from page_support import fragments
from tests.factories import claim, claims_document, event, write_dataset

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "views" / "claims.py")


def _write(root: Path, claims: list[dict], **fields) -> Path:
    return write_dataset(root, events=[event("E01")], claims=claims_document(claims, **fields))


def _check(root: Path):
    return load_claims(load_atlas(root), root)


def test_shipped_claims_load_without_problems():
    atlas = load_atlas(DEFAULT_DATA_DIR)
    check = load_claims(atlas, DEFAULT_DATA_DIR)
    assert check.problems == ()
    assert check.article is not None and check.article.author == "Imran Khalid"
    assert len(check.claims) >= 16


def test_a_valid_claims_file(tmp_path):
    check = _check(_write(tmp_path, [claim()]))
    assert check.problems == ()
    [only] = check.claims
    assert only.status is ClaimStatus.ESTABLISHED and only.event_ids == ["E01"]


def test_unknown_events_and_sources_are_named(tmp_path):
    claims = [claim("C01"), claim("C02", event_ids=["E99"], source_ids=["nowhere"])]
    check = _check(_write(tmp_path, claims))
    found = {(p.index, p.record_id, p.field) for p in check.problems}
    assert found == {(1, "C02", "event_ids"), (1, "C02", "source_ids")}
    assert all(p.file.endswith("claims.json") for p in check.problems)


def test_a_verdict_needs_support_unless_unverified(tmp_path):
    claims = [
        claim("C01", event_ids=[]),
        claim("C02", status="unverified", event_ids=[], evidence="Not addressed."),
    ]
    [problem] = _check(_write(tmp_path, claims)).problems
    assert (problem.record_id, problem.field) == ("C01", "event_ids")
    assert "needs at least one event or source" in problem.message


def test_bad_status_and_brief_item_name_the_field(tmp_path):
    claims = [claim("C01", status="true"), claim("C02", brief_items=[17]), claim("C03")]
    check = _check(_write(tmp_path, claims))
    assert [c.id for c in check.claims] == ["C03"]
    fields = {(p.index, p.record_id, p.field) for p in check.problems}
    assert fields == {(0, "C01", "status"), (1, "C02", "brief_items.0")}


def test_duplicate_claim_ids(tmp_path):
    check = _check(_write(tmp_path, [claim("C01"), claim("C01")]))
    assert any("2 times" in str(p) and "'C01'" in str(p) for p in check.problems)


def test_missing_or_broken_file_is_a_problem_not_a_crash(tmp_path):
    root = write_dataset(tmp_path / "a")
    check = _check(root)
    assert check.claims == () and "cannot read" in str(check.problems[0])
    (root / "claims.json").write_text("[1, 2]", encoding="utf-8")
    assert "expected an object with a list 'claims'" in str(_check(root).problems[0])


def test_the_page_lists_every_claim_with_a_worded_status(monkeypatch):
    monkeypatch.delenv("ATLAS_DATA_DIR", raising=False)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    html = " ".join(fragments(at))
    data = json.loads((DEFAULT_DATA_DIR / "claims.json").read_text(encoding="utf-8"))
    for record in data["claims"]:
        assert f'id="claim-{record["id"]}"' in html
    for label in ("Established", "Partly right", "Unverified"):
        assert f'title="Status: {label}"' in html  # the word, not only a colour
    assert 'href="./?event=E37b" target="_self"' in html  # the card, in the same tab
    assert "Points of the research brief the article does not make" in [h.value for h in at.header]


def test_the_page_escapes_hostile_data(tmp_path, monkeypatch):
    hostile = '<script>alert("claims")</script>'
    root = _write(
        tmp_path,
        [claim("C01", topic=hostile, quote=hostile, evidence=hostile, event_ids=["E01", "E77"])],
        not_in_article=[{"item": 6, "topic": hostile, "note": hostile}],
    )
    monkeypatch.setenv("ATLAS_DATA_DIR", str(root))
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    html = " ".join(fragments(at))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "E77 (not loaded)" in html and "is not among the loaded events" in html
