"""Event dates at their real precision.

Dates are stored as Extended Date/Time Format strings (EDTF, Library of Congress),
parsed by the `edtf` library, so that "1997", "2008-06", "2001?" (probably 2001),
"2017-02-26/2017-03-05" and "2024-12-08/.." (onward) keep the precision the sources
give. Nothing here invents a day or a month: a year-precision date is shown as a year
and filtered as the whole year.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException
from edtf.parser.parser_classes import Date, Interval, UncertainOrApproximate

Precision = Literal["day", "month", "year"]

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class DateFormatError(ValueError):
    """An event date that is not an EDTF date this project supports."""


@dataclass(frozen=True)
class EventDate:
    """A parsed event date: an instant at day, month or year precision, or a range."""

    text: str
    start: dt.date
    end: dt.date | None  # last day covered; None when the range is open ("onward")
    start_precision: Precision
    end_precision: Precision | None
    is_range: bool
    uncertain: bool

    @property
    def precision(self) -> str:
        """'day', 'month', 'year', or 'range of <precision>'."""
        if self.is_range:
            return f"range ({self.start_precision})"
        return self.start_precision

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """True when any day this date may mean lies within [first, last]."""
        end = self.end or dt.date.max
        return self.start <= last and end >= first

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end or dt.date.max)

    @property
    def start_year(self) -> float:
        """Fractional year of the start, for charts."""
        return _fractional_year(self.start)

    @property
    def end_year(self) -> float:
        """Fractional year just after the last day covered (the present for open ranges)."""
        end = self.end or dt.date.today()
        return _fractional_year(end + dt.timedelta(days=1))

    def label(self) -> str:
        """The date as a reader should see it, never more precise than the source."""
        first = _format(self.start, self.start_precision)
        if not self.is_range:
            text = first
        elif self.end is None:
            text = f"from {first} onward"
        else:
            text = f"{first} – {_format(self.end, self.end_precision or 'day')}"
        return f"{text} (uncertain)" if self.uncertain else text


@lru_cache(maxsize=4096)
def parse_event_date(text: str) -> EventDate:
    """Parse an EDTF string; raise DateFormatError with a readable reason (cached: EDTF
    parsing is slow and the same few hundred dates are formatted on every rerun)."""
    if not isinstance(text, str) or not text.strip():
        raise DateFormatError("expected an EDTF date such as 2007-09-06, 2008-06 or 1997")
    plain = _plain_date_or_range(text.strip())
    return plain if plain is not None else _parse_with_edtf(text)


def _parse_with_edtf(text: str) -> EventDate:
    """Any EDTF date the atlas supports, through the edtf library's grammar."""
    try:
        parsed = parse_edtf(text.strip())
    except EDTFParseException as exc:
        raise DateFormatError(
            f"{text!r} is not an EDTF date (examples: 2007-09-06, 2008-06, 1997, "
            "2001?, 2017-02-26/2017-03-05, 2024-12-08/..)"
        ) from exc
    if isinstance(parsed, Interval):
        lower, upper = parsed.lower, parsed.upper
        start, start_precision, uncertain_lo = _single(lower, text)
        if _is_open(upper):
            return EventDate(text, start, None, start_precision, None, True, uncertain_lo)
        first_of_end, end_precision, uncertain_hi = _single(upper, text)
        end = _last_day(first_of_end, end_precision)
        if end < start:
            raise DateFormatError(f"{text!r}: the range ends before it starts")
        return EventDate(
            text, start, end, start_precision, end_precision, True, uncertain_lo or uncertain_hi
        )
    start, precision, uncertain = _single(parsed, text)
    return EventDate(text, start, _last_day(start, precision), precision, None, False, uncertain)


_PLAIN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _plain(part: str, text: str) -> tuple[dt.date, Precision] | None:
    match = _PLAIN.fullmatch(part)
    if match is None:
        return None
    year, month, day = match.groups()
    precision: Precision = "day" if day else "month" if month else "year"
    try:
        return dt.date(int(year), int(month or 1), int(day or 1)), precision
    except ValueError as exc:
        raise DateFormatError(f"{text!r}: not a calendar date ({exc})") from exc


def _plain_date_or_range(text: str) -> EventDate | None:
    """The common dates (1997, 2008-06, 2007-09-06 and ranges of them) without the EDTF
    grammar, which takes about 10 ms a date: the first load parses every date once.
    Anything else (uncertain, approximate, open) goes through the edtf library."""
    first, _, second = text.partition("/")
    start = _plain(first, text)
    if start is None:
        return None
    if not second:
        day, precision = start
        return EventDate(text, day, _last_day(day, precision), precision, None, False, False)
    end = _plain(second, text)
    if end is None:
        return None
    end_day = _last_day(*end)
    if end_day < start[0]:
        raise DateFormatError(f"{text!r}: the range ends before it starts")
    return EventDate(text, start[0], end_day, start[1], end[1], True, False)


def _single(node: object, text: str) -> tuple[dt.date, Precision, bool]:
    uncertain = False
    if isinstance(node, UncertainOrApproximate):
        uncertain = bool(node.ua)  # Level 1 intervals wrap plain dates too
        node = node.date
    if not isinstance(node, Date):
        raise DateFormatError(f"{text!r}: only plain dates, '?' or '~', and ranges are supported")
    precision = node.precision
    if precision not in ("day", "month", "year"):
        raise DateFormatError(f"{text!r}: precision {precision!r} is not day, month or year")
    try:
        year = int(node.year)
        month = int(node.month) if precision in ("day", "month") else 1
        day = int(node.day) if precision == "day" else 1
        return dt.date(year, month, day), precision, uncertain
    except (TypeError, ValueError) as exc:
        raise DateFormatError(f"{text!r}: not a calendar date ({exc})") from exc


def _is_open(node: object) -> bool:
    strict = getattr(node, "upper_strict", None)
    if callable(strict):
        value = strict()
        return isinstance(value, float) and math.isinf(value)
    return not isinstance(node, Date | UncertainOrApproximate)


def _last_day(first: dt.date, precision: Precision) -> dt.date:
    if precision == "year":
        return dt.date(first.year, 12, 31)
    if precision == "month":
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return first


def _format(day: dt.date, precision: Precision) -> str:
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{_MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _fractional_year(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length
