"""A cap on how many problems of one kind a file reports: a file with 100,000 bad
features gets ten messages and a count, not a page of 100,000 lines."""

from __future__ import annotations

from collections import Counter

from layers.data.problems import Problem
from layers.extra.model import PROBLEMS_PER_KIND

_KIND_TEXT = {
    "swapped": "coordinates that look like [lat, lon]",
    "geometry": "geometry that cannot be drawn",
    "feature": "not a GeoJSON Feature",
    "invalid-polygon": "polygon not valid",
    "properties": "properties not an object",
    "ring": "polygon ring not closed",
}


class ProblemSink:
    """Problems of one file, at most PROBLEMS_PER_KIND per kind; the rest are counted."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.severity: dict[str, str] = {}

    def add(self, kind: str, problem: Problem) -> None:
        self.counts[kind] += 1
        self.severity[kind] = problem.severity
        if self.counts[kind] <= PROBLEMS_PER_KIND:
            self.problems.append(problem)

    def finish(self) -> list[Problem]:
        out = list(self.problems)
        for kind, count in self.counts.items():
            if count > PROBLEMS_PER_KIND:
                out.append(
                    Problem(
                        self.label,
                        f"{count - PROBLEMS_PER_KIND:,} more feature(s) with the same "
                        f"problem ({_KIND_TEXT.get(kind, kind)}) are not listed",
                        severity=self.severity[kind],  # type: ignore[arg-type]
                    )
                )
        return out
