"""Opening input files: transparent decompression, byte counting for progress, and the
record iterators (JSON lines, JSON documents, CSV) that most readers share.

Iterators yield `(number, payload)` for records that parsed and `Malformed` for those
that did not, so a reader never stops at the first bad line.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Union

import ijson
import msgspec
import zstandard

from inconcert.errors import UnusableFile

RAW_EXCERPT_CHARS = 500
_JSON = msgspec.json.Decoder()


class Malformed(msgspec.Struct):
    """A record the file holds but that could not be parsed."""

    number: int | None
    reason: str
    raw: str | None = None


Record = Union[tuple[int, object], Malformed]
ByteCounter = Callable[[int], None]


def excerpt(raw: object) -> str:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    elif not isinstance(raw, str):
        raw = msgspec.json.encode(raw).decode("utf-8", errors="replace") if raw is not None else ""
    return raw[:RAW_EXCERPT_CHARS]


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


def _until_broken(records: Iterator[Record]) -> Iterator[Record]:
    """Records up to the point where compressed data is cut off or corrupt; the break
    itself becomes one quarantined entry, so the records before it are kept."""
    try:
        yield from records
    except DECOMPRESSION_ERRORS as error:
        yield Malformed(None, f"the compressed data is cut off or corrupt here ({one_line(error)})")


DECOMPRESSION_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error, lzma.LZMAError, zstandard.ZstdError, OSError)


def _first_significant_byte(stream: BinaryIO) -> bytes:
    peek = stream.peek(4096) if hasattr(stream, "peek") else b""  # type: ignore[attr-defined]
    return peek.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]


def json_records(path: Path, on_bytes: ByteCounter | None = None, array_path: str = "item") -> Iterator[Record]:
    """Records of a JSON-lines file, or of a JSON array document (streamed with ijson).

    Line numbers are 1-based; for an array document the number is the item's index + 1.
    """
    with open_binary(path, on_bytes) as stream:
        if not hasattr(stream, "peek"):
            stream = io.BufferedReader(stream)  # type: ignore[arg-type, assignment]
        try:
            is_array = _first_significant_byte(stream) == b"["
        except DECOMPRESSION_ERRORS as error:
            raise UnusableFile(f"{path}: the compressed data is corrupt ({error}).") from None
        records = _json_array_items(path, stream, array_path) if is_array else _json_lines(stream)
        yield from _until_broken(records)


def _json_lines(stream: BinaryIO) -> Iterator[Record]:
    for number, line in enumerate(stream, start=1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        try:
            yield number, _JSON.decode(line)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as error:
            yield Malformed(number, f"not valid JSON ({one_line(error)})", excerpt(line))


def _json_array_items(path: Path, stream: BinaryIO, array_path: str) -> Iterator[Record]:
    if stream.peek(3)[:3] == b"\xef\xbb\xbf":  # type: ignore[attr-defined]
        stream.read(3)  # ijson rejects a byte-order mark
    number = 0
    try:
        for number, item in enumerate(ijson.items(stream, array_path, use_float=True), start=1):
            yield number, item
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, RecursionError) as error:
        yield Malformed(number + 1, f"JSON document breaks off after record {number} ({one_line(error)})")


def one_line(error: BaseException) -> str:
    """An error message fit for one line of stderr or one quarantine reason."""
    return " ".join(str(error).split())[:300]


def json_document(path: Path, on_bytes: ByteCounter | None = None) -> object:
    """A whole JSON document, for small files whose structure matters more than streaming."""
    with open_binary(path, on_bytes) as stream:
        try:
            data = stream.read()
        except DECOMPRESSION_ERRORS as error:
            raise UnusableFile(f"{path}: the compressed data is cut off or corrupt ({error}).") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
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
    csv.field_size_limit(1 << 30)
    yield from _until_broken(_csv_rows(path, required, on_bytes, format_name))


def _csv_rows(
    path: Path,
    required: tuple[str, ...] | Callable[[list[str]], bool],
    on_bytes: ByteCounter | None,
    format_name: str,
) -> Iterator[Record]:
    with open_binary(path, on_bytes) as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8", errors="surrogateescape", newline="")
        reader = csv.reader(text)
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
            if _has_surrogates(joined):
                yield Malformed(number, "bytes that are not UTF-8 text", excerpt(_repair(joined)))
                continue
            if len(row) > width:
                yield Malformed(number, f"{len(row)} fields where the header has {width}", excerpt(joined))
                continue
            yield number, dict(zip(header, row + [""] * (width - len(row))))


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
