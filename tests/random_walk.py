"""Seeded random walks over a user interface (issue 13 §1's state-machine tests).

A walk draws one action at a time from a seeded ``random.Random``, runs it, and checks
the invariants after it; a failure names the seed and prints every step taken. The same
seed gives the same walk on any machine and after any edit of the test's code (which is
not true of Hypothesis's ``derandomize``, seeded by the test's source), and a walk never
replays itself: Hypothesis's stateful runner replays a failing sequence to report it, and
a browser step that failed once under load then surfaced as a ``FlakyStrategyDefinition``
that hid the failing step.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Draw = Callable[[random.Random], dict[str, Any]]


@dataclass(frozen=True)
class Action:
    """One thing a user does: the machine's method of that name, its arguments as drawn,
    and at most ``cap`` times a walk (for actions that cost seconds, such as a reload)."""

    draw: Draw = field(default=lambda rng: {})
    cap: int | None = None


def walk(
    machine: Any,
    actions: Mapping[str, Action],
    seed: int,
    steps: int,
    check: Callable[[], None],
    *,
    performed: Callable[[], int] | None = None,
    first: tuple[str, Draw] | None = None,
) -> Counter[str]:
    """Run ``steps`` actions on ``machine``, calling ``check`` after each, and return how
    often each ran. With ``performed`` (a count the machine keeps of actions that changed
    something), the walk goes on until ``steps`` were performed, so that actions which
    find nothing to do (a disabled button) do not shorten it; at most 3× ``steps`` draws.
    ``first`` is an action run before the random ones."""
    rng = random.Random(seed)
    ran: Counter[str] = Counter()
    done: list[str] = []
    start = performed() if performed else 0

    def run(name: str, arguments: dict[str, Any]) -> None:
        done.append(f"{name}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})")
        getattr(machine, name)(**arguments)
        ran[name] += 1
        check()

    try:
        check()
        if first is not None:
            run(first[0], first[1](rng))
        for _ in range(steps * 3 if performed else steps):
            if performed and performed() - start >= steps:
                break
            allowed = [n for n, a in actions.items() if a.cap is None or ran[n] < a.cap]
            name = rng.choice(allowed)
            run(name, actions[name].draw(rng))
    except Exception as error:
        sequence = "\n".join(f"  {step}" for step in done)
        raise AssertionError(f"seed {seed}, after these steps:\n{sequence}\n{error}") from error
    return ran
