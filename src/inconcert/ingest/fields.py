"""Small, strict converters for values read from input records.

Readers use these so that a wrong type or an impossible value becomes `BadRecord` with a
reason (and the record goes to quarantine) instead of a crash or a silent wrong value;
`optional` turns that into "unknown" for the fields a record can do without.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")
_UTC = dt.timezone.utc
_EPOCH_MIN, _EPOCH_MAX = -62_135_596_800, 253_402_300_799  # years 1 .. 9999


class BadRecord(ValueError):
    """The record cannot be used; the message is the reason kept in quarantine."""


def optional(convert: Callable[[Any], T | None], value: object) -> T | None:
    """An optional field: a value of the wrong type becomes None, never the whole record.

    The converters here say so with BadRecord (a ValueError); other callables used on
    optional fields (`json.loads` on a cell that should hold JSON) raise ValueError or
    TypeError, which mean the same.
    """
    try:
        return convert(value)
    except (ValueError, TypeError):
        return None


def as_dict(value: object) -> dict:
    """A nested object, or an empty one when the field is missing or of another type, so
    that looking further into it needs no checks."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    """A nested list, or an empty one when the field is missing or of another type."""
    return value if isinstance(value, list) else []


def nonempty_strings(values: object) -> list[str]:
    """The strings of a list that are not blank; anything else in it, or a field that
    is no list, gives nothing."""
    return [v for v in values if isinstance(v, str) and v.strip()] if isinstance(values, list) else []


def text(value: object) -> str | None:
    """A string field; numbers are accepted as ids are (twitter `id` vs `id_str`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int)):
        out = str(value)
        return out if out.strip() else None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    raise BadRecord(f"expected text, found {type(value).__name__}")


def required_text(record: Mapping, *keys: str) -> str:
    """The first of `keys` present with a non-empty value, or BadRecord naming them."""
    for key in keys:
        value = text(record.get(key))
        if value is not None:
            return value
    raise BadRecord(f"missing {' or '.join(repr(k) for k in keys)}")


def integer(value: object) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadRecord("expected a number, found true/false")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadRecord("expected a number, found NaN/inf")
        return int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(",", "")
        if not cleaned:
            return None
        try:
            return int(float(cleaned)) if any(c in cleaned for c in ".eE") else int(cleaned)
        except ValueError:
            raise BadRecord(f"expected a number, found {value[:40]!r}") from None
    raise BadRecord(f"expected a number, found {type(value).__name__}")


def boolean(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "t", "yes", "y", "1"):
            return True
        if lowered in ("false", "f", "no", "n", "0"):
            return False
    raise BadRecord(f"expected true/false, found {str(value)[:40]!r}")


def from_epoch(value: object, unit_seconds: float = 1.0) -> dt.datetime:
    """Unix time (seconds, or another unit) as a naive UTC datetime."""
    if isinstance(value, str):
        value = value.strip()
        try:
            value = float(value) if any(c in value for c in ".eE") else int(value)
        except ValueError:
            raise BadRecord(f"expected a Unix time, found {value[:40]!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRecord(f"expected a Unix time, found {type(value).__name__}")
    seconds = value * unit_seconds
    if not _EPOCH_MIN <= seconds <= _EPOCH_MAX:
        raise BadRecord(f"time out of range ({value})")
    whole = int(seconds // 1)
    micros = round((seconds - whole) * 1_000_000) if isinstance(seconds, float) else 0
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=whole, microseconds=micros)


def to_utc_naive(moment: dt.datetime) -> dt.datetime:
    """Aware datetimes are converted to UTC; naive ones are taken to be UTC already."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(_UTC).replace(tzinfo=None)
    return moment


_ISO_Z = re.compile(r"[zZ]$")
_FRACTION = re.compile(r"(\.\d{6})\d+")
# The exact forms APIs write, read without the general parsers: millions of these make
# their regular expressions (ISO) or `strptime` (v1.1) most of a reader's time.
_API_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3}|\.\d{6})?Z", re.ASCII)
_API_TWITTER_V1 = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d\d) "
    r"(\d\d:\d\d:\d\d) \+0000 (\d{4})",
    re.ASCII,
)
_MONTH_NUMBERS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}


def iso_time(value: object) -> dt.datetime | None:
    """ISO 8601 and the near-ISO forms found in exports: `2021-03-01 12:00[:00][.fff][Z|+hh:mm]`
    and plain dates. Returns naive UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord(f"expected a date-time, found {type(value).__name__}")
    return _api_iso_time(value) or _any_iso_time(value)


def _api_iso_time(value: str) -> dt.datetime | None:
    """`2022-11-20T10:15:30[.000|.000000]Z` (Twitter v2, Mastodon, Bluesky), or None for
    any other form, or an impossible date, which the general parser then judges."""
    if _API_ISO.fullmatch(value) is None:
        return None
    try:
        return dt.datetime.fromisoformat(value[:-1])
    except ValueError:
        return None


def _any_iso_time(value: str) -> dt.datetime:
    cleaned = _FRACTION.sub(r"\1", _ISO_Z.sub("+00:00", value.strip()))
    try:
        return to_utc_naive(dt.datetime.fromisoformat(cleaned))
    except ValueError:
        raise BadRecord(f"not a date-time: {value[:40]!r}") from None


def twitter_v1_time(value: object) -> dt.datetime | None:
    """Twitter API v1.1 times look like `Wed Oct 10 20:19:24 +0000 2018`; ISO forms are
    accepted too."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord(f"expected a date-time, found {type(value).__name__}")
    return _api_twitter_v1_time(value) or _any_twitter_v1_time(value)


def _api_twitter_v1_time(value: str) -> dt.datetime | None:
    """The API's own `Wed Oct 10 20:19:24 +0000 2018`, or None for any other spelling, or
    an impossible date, which `strptime` then judges."""
    match = _API_TWITTER_V1.fullmatch(value)
    if match is None:
        return None
    month, day, clock, year = match.groups()
    try:
        return dt.datetime.fromisoformat(f"{year}-{_MONTH_NUMBERS[month]}-{day}T{clock}")
    except ValueError:
        return None


def _any_twitter_v1_time(value: str) -> dt.datetime:
    try:
        return to_utc_naive(dt.datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y"))
    except ValueError:
        return _any_iso_time(value)


def any_time(value: object) -> dt.datetime | None:
    """A time given as Unix seconds/milliseconds, ISO 8601 or the v1 Twitter form."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_epoch(value, 0.001 if abs(value) > 1e11 else 1.0)
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"-?\d+(\.\d+)?", stripped):
            number = float(stripped)
            return from_epoch(stripped, 0.001 if abs(number) > 1e11 else 1.0)
        if stripped[:3].isalpha():
            return twitter_v1_time(stripped)
        return iso_time(stripped)
    raise BadRecord(f"expected a date-time, found {type(value).__name__}")


def string_list(value: object) -> list[str]:
    """A list written in a CSV cell: `[a, b]`, `['a', 'b']`, a JSON array, or `a, b` / `a b`."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v is not None and str(v).strip()]
    if not isinstance(value, str):
        raise BadRecord(f"expected a list, found {type(value).__name__}")
    cell = value.strip()
    if not cell or cell in ("[]", "None", "nan", "NaN", "null"):
        return []
    if cell.startswith("["):
        for parse in (json.loads, ast.literal_eval):
            try:
                parsed = parse(cell)
            except (ValueError, SyntaxError, RecursionError, MemoryError):
                continue
            if isinstance(parsed, list):
                return [str(v).strip() for v in parsed if v is not None and str(v).strip()]
        cell = cell[1:-1] if cell.endswith("]") else cell[1:]
    separator = "," if "," in cell else None
    items = cell.split(separator)
    return [item.strip().strip("'\"").strip() for item in items if item.strip().strip("'\"").strip()]
