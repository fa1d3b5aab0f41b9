"""The record iterators readers share: JSON lines and JSON array documents, streamed so
that a broken or hostile file costs its bad records, not the ingest."""

from __future__ import annotations

import gzip
import io
import time

import zstandard

import pytest

from inconcert.ingest.sources import (
    MAX_JSON_DEPTH,
    Malformed,
    json_array_items,
    json_records,
    one_line,
)

BOM = b"\xef\xbb\xbf"


def records(tmp_path, data: bytes, name: str = "data.json") -> list:
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return list(json_records(path))


def test_deeply_nested_array_is_refused_quickly(tmp_path):
    started = time.monotonic()
    found = records(tmp_path, b"[" * 200_000)
    assert time.monotonic() - started < 5
    assert len(found) == 1 and isinstance(found[0], Malformed)
    assert found[0].number == 1
    assert found[0].reason == f"JSON document breaks off after record 0 (nested deeper than {MAX_JSON_DEPTH} levels)"


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def test_items_nested_up_to_the_limit_are_kept():
    found = list(json_array_items(io.BytesIO(b"[" + nested(MAX_JSON_DEPTH) + b"," + nested(MAX_JSON_DEPTH + 1) + b"]")))
    assert found[0][0] == 1
    assert isinstance(found[1], Malformed) and found[1].number == 2
    assert "nested deeper than" in found[1].reason


@pytest.mark.parametrize("name", ["items.json", "items.json.gz"])
def test_array_with_byte_order_mark(tmp_path, name):
    assert records(tmp_path, BOM + b' \n[{"id": 1}, {"id": 2.5, "tags": ["a"]}, null]', name) == [
        (1, {"id": 1}),
        (2, {"id": 2.5, "tags": ["a"]}),
        (3, None),
    ]


def test_array_that_breaks_off_keeps_the_items_before_the_break(tmp_path):
    found = records(tmp_path, b'[{"id": 1}, {"id": 2}, {"id": ')
    assert found[:2] == [(1, {"id": 1}), (2, {"id": 2})]
    assert isinstance(found[2], Malformed) and found[2].number == 3
    assert found[2].reason.startswith("JSON document breaks off after record 2 (")
    assert "\n" not in found[2].reason


def test_a_second_document_after_the_array_is_a_break(tmp_path):
    found = records(tmp_path, b'[{"id": 1}]\n[{"id": 2}]\n')
    assert found[0] == (1, {"id": 1})
    assert isinstance(found[1], Malformed) and found[1].reason.startswith("JSON document breaks off after record 1")


def test_several_documents_one_after_another_when_asked():
    stream = io.BytesIO(BOM + b'[{"id": 1}, {"id": 2}]\n{"id": 3}\n[{"id": 4}]')
    assert list(json_array_items(stream, multiple_values=True)) == [
        (1, {"id": 1}), (2, {"id": 2}), (3, {"id": 3}), (4, {"id": 4}),
    ]


def test_json_lines_numbered_by_line_with_bad_lines_quarantined(tmp_path):
    found = records(tmp_path, BOM + b'{"id": 1}\n\n{"id": \n[1, 2]\n', "lines.jsonl")
    assert found[0] == (1, {"id": 1})
    assert isinstance(found[1], Malformed) and found[1].number == 3
    assert found[1].reason.startswith("not valid JSON (") and found[1].raw == '{"id": \n'
    assert found[2] == (4, [1, 2])


def test_cut_off_compressed_lines_keep_the_records_before_the_cut(tmp_path):
    whole = gzip.compress(b"".join(b'{"id": %d}\n' % i for i in range(2000)))
    path = tmp_path / "lines.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    found = list(json_records(path))
    assert found[0] == (1, {"id": 0})
    assert isinstance(found[-1], Malformed) and found[-1].number is None
    assert found[-1].reason.startswith("the compressed data is cut off or corrupt here (")


def test_one_line_keeps_the_first_line_of_a_parser_message():
    assert one_line(ValueError(b"parse error: premature EOF\n    [{\n   (right here) ------^\n")) == (
        "parse error: premature EOF"
    )
    assert one_line(ValueError("two  spaces\tand a tab")) == "two spaces and a tab"
    assert one_line(EOFError()) == "EOFError"


def long_window_zstd(data: bytes) -> bytes:
    """Compressed like Pushshift's dumps: a 1 GiB window declared in the frame, which
    zstandard's default decompressor (and DuckDB) refuse."""
    params = zstandard.ZstdCompressionParameters.from_level(19, window_log=30, enable_ldm=True, write_content_size=False)
    buffer = io.BytesIO()
    with zstandard.ZstdCompressor(compression_params=params).stream_writer(buffer, closefd=False) as writer:
        writer.write(data)
    return buffer.getvalue()


def test_long_window_zstd_is_read(tmp_path):
    lines = b"".join(b'{"id": %d}\n' % i for i in range(500))
    blob = long_window_zstd(lines)
    with pytest.raises(zstandard.ZstdError):
        zstandard.ZstdDecompressor().stream_reader(io.BytesIO(blob)).read()
    path = tmp_path / "dump.jsonl.zst"
    path.write_bytes(blob)
    records = list(json_records(path))
    assert [payload["id"] for _, payload in records] == list(range(500))


def test_long_window_zstd_ingests_like_the_plain_file(tmp_path):
    from conftest import DATA, ingest, summary_counts

    plain = DATA / "bluesky" / "jetstream.jsonl"
    packed = tmp_path / "jetstream.jsonl.zst"
    packed.write_bytes(long_window_zstd(plain.read_bytes()))
    assert summary_counts(ingest(tmp_path / "a", "bluesky", plain)) == summary_counts(ingest(tmp_path / "b", "bluesky", packed))
