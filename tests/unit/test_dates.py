import datetime as dt

import pytest

from layers.data.dates import DateFormatError, parse_event_date


@pytest.mark.parametrize(
    ("text", "label", "precision", "start", "end"),
    [
        ("1997", "1997", "year", dt.date(1997, 1, 1), dt.date(1997, 12, 31)),
        ("2008-06", "June 2008", "month", dt.date(2008, 6, 1), dt.date(2008, 6, 30)),
        ("2007-09-06", "6 September 2007", "day", dt.date(2007, 9, 6), dt.date(2007, 9, 6)),
        ("2001?", "2001 (uncertain)", "year", dt.date(2001, 1, 1), dt.date(2001, 12, 31)),
        (
            "2017-02-26/2017-03-05",
            "26 February 2017 – 5 March 2017",
            "range (day)",
            dt.date(2017, 2, 26),
            dt.date(2017, 3, 5),
        ),
        (
            "2016-11/2017-02",
            "November 2016 – February 2017",
            "range (month)",
            dt.date(2016, 11, 1),
            dt.date(2017, 2, 28),
        ),
        ("2012/2017", "2012 – 2017", "range (year)", dt.date(2012, 1, 1), dt.date(2017, 12, 31)),
        ("2024-12-08/..", "from 8 December 2024 onward", "range (day)", dt.date(2024, 12, 8), None),
    ],
)
def test_dates_keep_the_precision_of_the_source(text, label, precision, start, end):
    parsed = parse_event_date(text)
    assert parsed.label() == label
    assert parsed.precision == precision
    assert (parsed.start, parsed.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["", "June 2008", "2007-13", "2007-02-30", "2010/2005", "2008-06-?"]
)
def test_bad_dates_are_refused_with_a_reason(text):
    with pytest.raises(DateFormatError):
        parse_event_date(text)


def test_a_year_overlaps_any_part_of_that_year_and_nothing_else():
    year = parse_event_date("1997")
    assert year.overlaps(dt.date(1997, 12, 1), dt.date(1998, 1, 1))
    assert not year.overlaps(dt.date(1998, 1, 1), dt.date(1999, 1, 1))


def test_an_open_range_reaches_the_present():
    onward = parse_event_date("2024-12-08/..")
    assert onward.overlaps(dt.date(2030, 1, 1), dt.date(2030, 12, 31))
    assert not onward.overlaps(dt.date(2024, 1, 1), dt.date(2024, 12, 7))


@pytest.mark.parametrize(
    "text",
    ["1997", "2008-06", "2007-09-06", "2016/2017", "2017-02-26/2017-03-05", "2012-02/2012-03"],
)
def test_the_fast_path_for_plain_dates_agrees_with_the_edtf_grammar(text):
    from layers.data.dates import _parse_with_edtf, _plain_date_or_range

    assert _plain_date_or_range(text) == _parse_with_edtf(text)


@pytest.mark.parametrize("text", ["2017-02-30", "2017-13", "2018/2017"])
def test_the_fast_path_refuses_what_the_grammar_refuses(text):
    with pytest.raises(DateFormatError):
        parse_event_date(text)
