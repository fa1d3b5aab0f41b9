"""The converters readers use for record fields: strict, so that a bad value is a reason
in quarantine, and fast for the exact forms APIs write."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inconcert.ingest.fields import (
    BadRecord,
    as_dict,
    as_list,
    integer,
    iso_time,
    nonempty_strings,
    optional,
    text,
    twitter_v1_time,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MOMENTS = st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59))


def v1_form(moment: dt.datetime, offset: str = "+0000") -> str:
    """How the Twitter v1.1 API writes a time (English names, whatever the locale)."""
    return (
        f"{WEEKDAYS[moment.weekday()]} {MONTHS[moment.month - 1]} {moment.day:02d} "
        f"{moment:%H:%M:%S} {offset} {moment.year:04d}"
    )


def iso_form(moment: dt.datetime, fraction: str = "", zone: str = "Z") -> str:
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}{fraction}{zone}"


# -- ISO 8601 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2022-11-20T10:15:30.123Z", dt.datetime(2022, 11, 20, 10, 15, 30, 123000)),
        ("2022-11-20T10:15:30.123456Z", dt.datetime(2022, 11, 20, 10, 15, 30, 123456)),
        ("2022-11-20T10:15:30Z", dt.datetime(2022, 11, 20, 10, 15, 30)),
        ("2022-11-20T10:15:30.1234567z", dt.datetime(2022, 11, 20, 10, 15, 30, 123456)),
        ("2022-11-20 10:15:30", dt.datetime(2022, 11, 20, 10, 15, 30)),
        (" 2022-11-20T10:15 ", dt.datetime(2022, 11, 20, 10, 15)),
        ("2022-11-20", dt.datetime(2022, 11, 20)),
        ("2022-11-20T12:15:30+02:00", dt.datetime(2022, 11, 20, 10, 15, 30)),
        ("2022-11-20T00:15:30.500-05:30", dt.datetime(2022, 11, 20, 5, 45, 30, 500000)),
        (None, None),
        ("", None),
    ],
)
def test_iso_time_is_naive_utc(raw, expected):
    assert iso_time(raw) == expected


@given(MOMENTS, st.sampled_from(["", ".{:03d}", ".{:06d}"]), st.integers(0, 999))
def test_iso_time_api_form_reads_as_the_general_parser_does(moment, fraction, digits):
    written = fraction.format(digits * 1000 if "06" in fraction else digits)
    fast = iso_time(iso_form(moment, written, "Z"))
    assert fast == iso_time(iso_form(moment, written, "+00:00")) == iso_time(iso_form(moment, written, "z"))
    assert fast == iso_time(iso_form(moment, written, "").replace("T", " "))


@pytest.mark.parametrize(
    "raw",
    [
        "2022-02-30T10:15:30.000Z",  # the API form, but no such day
        "2022-11-20T24:15:30.000Z",
        "0000-11-20T10:15:30.000Z",
        "2022-11-20T10:15:30.-00Z",
        "yesterday",
        "20/11/2022",
    ],
)
def test_iso_time_garbage_is_a_bad_record(raw):
    with pytest.raises(BadRecord, match="not a date-time"):
        iso_time(raw)


@pytest.mark.parametrize("raw", [1668939330, 16.5, ["2022-11-20"], {"t": 1}, True])
def test_iso_time_of_another_type_is_a_bad_record(raw):
    with pytest.raises(BadRecord, match="expected a date-time"):
        iso_time(raw)


# -- Twitter v1.1 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Wed Oct 10 20:19:24 +0000 2018", dt.datetime(2018, 10, 10, 20, 19, 24)),
        ("wed oct 10 20:19:24 +0000 2018", dt.datetime(2018, 10, 10, 20, 19, 24)),
        ("Wed Oct 10 20:19:24 +00:00 2018", dt.datetime(2018, 10, 10, 20, 19, 24)),
        ("  Wed Oct  10 20:19:24 +0000 2018\n", dt.datetime(2018, 10, 10, 20, 19, 24)),
        ("Wed Oct 10 22:19:24 +0200 2018", dt.datetime(2018, 10, 10, 20, 19, 24)),
        ("Tue Oct 09 23:19:24 -2100 2018", dt.datetime(2018, 10, 10, 20, 19, 24)),
        ("2018-10-10T20:19:24.000Z", dt.datetime(2018, 10, 10, 20, 19, 24)),
        (None, None),
        ("", None),
    ],
)
def test_twitter_v1_time_is_naive_utc(raw, expected):
    assert twitter_v1_time(raw) == expected


@given(MOMENTS)
def test_twitter_v1_api_form_reads_as_strptime_does(moment):
    fast = twitter_v1_time(v1_form(moment))
    assert fast == moment.replace(microsecond=0)
    assert fast == twitter_v1_time(v1_form(moment).upper()) == twitter_v1_time(v1_form(moment, "+00:00"))


@pytest.mark.parametrize(
    "raw",
    [
        "Xyz Oct 10 20:19:24 +0000 2018",
        "Wed Oct 10 20:19:24 +0000 18",
        "Wed Feb 30 20:19:24 +0000 2018",
        "Wed Oct 10 25:19:24 +0000 2018",
        "Wed Oct +1 20:19:24 +0000 2018",
        "Wed Oct 10 20:19:24 2018",
        "last Wednesday",
    ],
)
def test_twitter_v1_time_garbage_is_a_bad_record(raw):
    with pytest.raises(BadRecord, match="not a date-time"):
        twitter_v1_time(raw)


def test_twitter_v1_time_of_another_type_is_a_bad_record():
    with pytest.raises(BadRecord, match="expected a date-time, found int"):
        twitter_v1_time(1539202764)


# -- optional fields and nested values ----------------------------------------------------


def test_optional_turns_an_unreadable_value_into_none():
    assert optional(integer, "1,234") == 1234
    assert optional(integer, "many") is None
    assert optional(text, {"not": "text"}) is None
    assert optional(iso_time, "soon") is None
    assert optional(json.loads, "{not json") is None
    assert optional(json.loads, '{"id": 7}') == {"id": 7}


def test_optional_lets_errors_that_are_not_about_the_value_through():
    with pytest.raises(KeyError):
        optional(lambda value: {}[value], "missing")


def test_nested_values_of_the_wrong_type_read_as_empty():
    assert as_dict({"a": 1}) == {"a": 1}
    assert as_dict(["a"]) == {} and as_dict(None) == {}
    assert as_list(["a"]) == ["a"]
    assert as_list({"a": 1}) == [] and as_list("ab") == []
    assert nonempty_strings(["a", "", "  ", None, 3, "b"]) == ["a", "b"]
    assert nonempty_strings("ab") == []
