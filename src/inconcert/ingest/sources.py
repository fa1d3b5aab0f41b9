"""Opening input files: transparent decompression, byte counting for progress, and the
record iterators (JSON lines, JSON documents, CSV) that most readers share.

Iterators yield `(number, payload)` for records that parsed and `Malformed` for those
that did not, so a reader never stops at the first bad line. Large JSON documents are
streamed as ijson events (`json_events`), with each record built from them whole
(`whole_value`) and nesting limited, so that hostile input is refused early.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Union

import ijson
import msgspec
import zstandard
from ijson.common import ObjectBuilder

from inconcert.errors import UnusableFile

RAW_EXCERPT_CHARS = 500
_JSON = msgspec.json.Decoder()
_BOM = b"\xef\xbb\xbf"


class Malformed(msgspec.Struct):
    """A record the file holds but that could not be parsed."""

    number: int | None
    reason: str
    raw: str | None = None


Record = Union[tuple[int, object], Malformed]
ByteCounter = Callable[[int], None]


def excerpt(raw: object) -> str:
    """A short, always-storable copy of a rejected record (the quarantine keeps it)."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    elif raw is None:
        raw = ""
    elif not isinstance(raw, str):
        try:
            raw = msgspec.json.encode(raw).decode("utf-8", errors="replace")
        except (UnicodeEncodeError, TypeError, ValueError, OverflowError):
            # CSV cells read with surrogateescape carry lone surrogates that UTF-8 cannot hold.
            raw = json.dumps(raw, ensure_ascii=True, default=repr)
    # A string record may carry lone surrogates too; the database stores only valid UTF-8.
    return raw.encode("utf-8", errors="replace").decode("utf-8")[:RAW_EXCERPT_CHARS]


class _CountingReader(io.RawIOBase):
    """Reports bytes read from the file on disk (before decompression) to a progress bar."""

    def __init__(self, raw: BinaryIO, on_bytes: ByteCounter):
        self._raw = raw
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)
        if n:
            self._on_bytes(n)
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_binary(path: Path, on_bytes: ByteCounter | None = None) -> BinaryIO:
    """Open a file for reading bytes, decompressing .gz, .bz2, .xz and .zst (any window)."""
    try:
        raw: BinaryIO = open(path, "rb")
    except OSError as error:
        raise UnusableFile(f"{path}: cannot be read ({error.strerror}).") from None
    if on_bytes is not None:
        raw = io.BufferedReader(_CountingReader(raw, on_bytes), buffer_size=1 << 20)  # type: ignore[assignment]
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if suffix == ".bz2":
        return bz2.BZ2File(raw)  # type: ignore[return-value]
    if suffix == ".xz":
        return lzma.LZMAFile(raw)  # type: ignore[return-value]
    if suffix in (".zst", ".zstd"):
        # Pushshift dumps use windows up to 2 GiB, beyond the library's default limit.
        reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(raw, closefd=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)  # type: ignore[arg-type, return-value]
    return raw


def data_suffix(path: Path) -> str:
    """The suffix that says what the data is, ignoring a compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".bz2", ".xz", ".zst", ".zstd"):
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def until_broken(records: Iterator[Record]) -> Iterator[Record]:
    """Records up to the point where compressed data is cut off or corrupt; the break
    itself becomes one quarantined entry, so the records before it are kept."""
    try:
        yield from records
    except DECOMPRESSION_ERRORS as error:
        yield Malformed(None, f"the compressed data is cut off or corrupt here ({one_line(error)})")


DECOMPRESSION_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error, lzma.LZMAError, zstandard.ZstdError, OSError)

JsonEvent = tuple[str, str, object]
# Where a streamed JSON document stops being readable: bad syntax, bytes that are not
# UTF-8, nesting past what the parser can follow.
JSON_BREAKS = (ijson.JSONError, UnicodeDecodeError, RecursionError)
# Real records nest a few levels; hostile input nests thousands, and ijson's cost per
# event grows with the depth.
MAX_JSON_DEPTH = 512
# The longest JSON line read as a record: a twarc2 page of 100 tweets with includes is a few MB.
MAX_JSON_LINE = 64 << 20
# The longest CSV field read (a post text is a few kB; a longer field is a crafted one).
MAX_CSV_FIELD = 64 << 20
OPENING_EVENTS = ("start_map", "start_array")
CLOSING_EVENTS = ("end_map", "end_array")
# ijson turns a whole chunk into events before handing any over; small chunks let the
# depth check stop hostile nesting early, and parse no slower.
_CHUNK = 4096


def peekable(stream: BinaryIO) -> BinaryIO:
    """The stream, buffered if it cannot already show what comes next without reading it."""
    return stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore[arg-type, return-value]


def first_significant_byte(stream: BinaryIO) -> bytes:
    """The first byte after a byte-order mark and white space, read ahead, not consumed."""
    return stream.peek(4096).lstrip(_BOM + b" \t\r\n")[:1]  # type: ignore[attr-defined]


def json_records(path: Path, on_bytes: ByteCounter | None = None) -> Iterator[Record]:
    """Records of a JSON-lines file, or of a JSON array document (streamed with ijson).

    Line numbers are 1-based; for an array document the number is the item's index + 1.
    """
    with open_binary(path, on_bytes) as binary:
        stream = peekable(binary)
        try:
            is_array = first_significant_byte(stream) == b"["
        except DECOMPRESSION_ERRORS as error:
            raise UnusableFile(f"{path}: the compressed data is corrupt ({error}).") from None
        yield from until_broken(json_array_items(stream) if is_array else json_lines(stream))


def json_lines(stream: BinaryIO, max_line: int | None = None, first_number: int = 1) -> Iterator[Record]:
    """One record per non-blank line, numbered by line. A line longer than `max_line`
    bytes (default MAX_JSON_LINE) is skipped through without being held in memory and
    quarantined as too long: no real record comes near it, and decoding a line of
    gigabytes would need many times that in memory. `first_number` is the number of the
    stream's first line (a part of a file read on its own starts further on)."""
    max_line = max_line or MAX_JSON_LINE
    number = first_number - 1
    while line := stream.readline(max_line + 1):
        number += 1
        if len(line) > max_line and not line.endswith(b"\n"):
            length = len(line) + _skip_rest_of_line(stream)
            yield Malformed(
                number,
                f"a line of {length} bytes, longer than the {max_line} bytes a record may have; set aside unread",
                excerpt(line[:RAW_EXCERPT_CHARS]),
            )
            continue
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM):]
        if not line.strip():
            continue
        try:
            yield number, _JSON.decode(line)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as error:
            yield Malformed(number, f"not valid JSON ({one_line(error)})", excerpt(line))


def _skip_rest_of_line(stream: BinaryIO) -> int:
    skipped = 0
    while piece := stream.readline(1 << 20):
        skipped += len(piece)
        if piece.endswith(b"\n"):
            break
    return skipped


def json_array_items(stream: BinaryIO, multiple_values: bool = False) -> Iterator[Record]:
    """The items of a top-level JSON array, built one at a time, numbered from 1; where the
    document breaks off, one Malformed entry says so and the items before it are kept.

    With `multiple_values`, of several documents one after another (saved API responses
    appended to one file): the items of each array, and each lone top-level object.
    """
    number = 0
    events = json_events(stream, multiple_values)
    try:
        for prefix, event, value in events:
            if prefix == "item" or (prefix == "" and event == "start_map"):
                item = whole_value(event, value, events)
                number += 1
                yield number, item
    except JSON_BREAKS as error:
        yield Malformed(number + 1, f"JSON document breaks off after record {number} ({one_line(error)})")


def json_events(stream: BinaryIO, multiple_values: bool = False) -> Iterator[JsonEvent]:
    """ijson's `(prefix, event, value)` events for a JSON document (or, with
    `multiple_values`, for several one after another), after any byte-order mark."""
    stream = peekable(stream)
    if stream.peek(len(_BOM)).startswith(_BOM):  # type: ignore[attr-defined]
        stream.read(len(_BOM))  # ijson's parser rejects a byte-order mark
    return ijson.parse(stream, buf_size=_CHUNK, use_float=True, multiple_values=multiple_values)


def whole_value(event: str, value: object, events: Iterator[JsonEvent]) -> object:
    """The value that starts with this event, built from the events that follow it."""
    if event not in OPENING_EVENTS:
        return value
    builder = ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, event, value in events:
        builder.event(event, value)
        if event in OPENING_EVENTS:
            depth = one_level_deeper(depth)
        elif event in CLOSING_EVENTS:
            depth -= 1
            if depth == 0:
                return builder.value
    raise ijson.IncompleteJSONError("the document ends inside a value")


def one_level_deeper(depth: int) -> int:
    """The nesting depth inside a container that opens at `depth`; refused past
    MAX_JSON_DEPTH, which no real record comes near."""
    if depth >= MAX_JSON_DEPTH:
        raise ijson.JSONError(f"nested deeper than {MAX_JSON_DEPTH} levels")
    return depth + 1


def one_line(error: BaseException) -> str:
    """An error message fit for one line of stderr or one quarantine reason. ijson's C
    parser gives its message as bytes and draws a caret under an excerpt of the document
    on further lines; the first line says it all."""
    message = error.args[0] if error.args and isinstance(error.args[0], bytes) else str(error)
    if isinstance(message, bytes):
        message = message.decode("utf-8", errors="replace")
    lines = message.strip().splitlines()
    return " ".join(lines[0].split())[:300] if lines else type(error).__name__


def json_document(path: Path, on_bytes: ByteCounter | None = None) -> object:
    """A whole JSON document, for small files whose structure matters more than streaming."""
    with open_binary(path, on_bytes) as stream:
        try:
            data = stream.read()
        except DECOMPRESSION_ERRORS as error:
            raise UnusableFile(f"{path}: the compressed data is cut off or corrupt ({error}).") from None
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return _JSON.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as error:
        raise UnusableFile(f"{path}: not a valid JSON document ({one_line(error)}).") from None


def csv_records(
    path: Path,
    required: tuple[str, ...] | Callable[[list[str]], bool],
    on_bytes: ByteCounter | None = None,
    format_name: str = "",
) -> Iterator[Record]:
    """Rows of a CSV file as dicts keyed by header names (stripped of BOM and spaces).

    `required` names columns that must all be in the header (or is a predicate over the
    header); without them the file is unusable as a whole. Rows with bytes that are not
    UTF-8 or with more fields than the header are quarantined, the rest kept.
    """
    csv.field_size_limit(MAX_CSV_FIELD)
    yield from until_broken(_csv_rows(path, required, on_bytes, format_name))


def _csv_rows(
    path: Path,
    required: tuple[str, ...] | Callable[[list[str]], bool],
    on_bytes: ByteCounter | None,
    format_name: str,
) -> Iterator[Record]:
    with open_binary(path, on_bytes) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", errors="surrogateescape", newline="")
        reader = csv.reader(_bounded_lines(text, MAX_CSV_FIELD))
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnusableFile(f"{path}: the CSV header cannot be read ({error}).") from None
        header = [h.replace("\ufeff", "").strip() for h in header]
        if not _header_ok(header, required):
            missing = [c for c in required if c not in header] if isinstance(required, tuple) else []
            what = f"missing column(s) {', '.join(missing)}" if missing else "not the expected columns"
            raise UnusableFile(
                f"{path}: not a {format_name or 'recognised'} CSV file ({what}; header starts {', '.join(header[:6])})."
            )
        width = len(header)
        start_line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield Malformed(start_line, f"broken CSV row ({error})")
                start_line = reader.line_num + 1
                continue
            number, start_line = start_line, reader.line_num + 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            joined = ",".join(row)
            if _OVERLONG in joined:
                yield Malformed(number, f"a line longer than the {MAX_CSV_FIELD} characters a record may have; set aside unread")
                continue
            if _has_surrogates(joined):
                yield Malformed(number, "bytes that are not UTF-8 text", excerpt(_repair(joined)))
                continue
            if len(row) > width:
                yield Malformed(number, f"{len(row)} fields where the header has {width}", excerpt(joined))
                continue
            yield number, dict(zip(header, row + [""] * (width - len(row))))


# Stands in for a physical line too long to hold; no real text contains it.
_OVERLONG = "\x00inconcert:overlong-line\x00"


def _bounded_lines(text: io.TextIOBase, limit: int) -> Iterator[str]:
    """The file's lines for the CSV parser, none longer than `limit` characters: a longer
    one is read through in pieces, never held whole, and replaced by a marker line."""
    while line := text.readline(limit + 1):
        if len(line) > limit and not line.endswith(("\n", "\r")):
            while piece := text.readline(1 << 20):
                if piece.endswith(("\n", "\r")):
                    break
            yield _OVERLONG + "\n"
        else:
            yield line


def _header_ok(header: list[str], required: tuple[str, ...] | Callable[[list[str]], bool]) -> bool:
    if callable(required):
        return required(header)
    return all(column in header for column in required)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _repair(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")
