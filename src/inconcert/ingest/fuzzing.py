"""Random hostile variants of real input files, for fuzzing every reader.

Used by the bounded fuzz session in the tests and the long one in `benchmarks/fuzz.py`.
Each variant is a real file of the format with damage of the kinds collected data really
carries: cut short, bytes flipped or dropped, bad encodings, NUL bytes, BOMs, mixed line
ends, wrong-typed and oversized fields, deep nesting, formula cells.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from inconcert.errors import UserError
from inconcert.ingest.pipeline import IngestReport, ingest
from inconcert.store.workspace import Workspace

HOSTILE_TOKENS = (
    b"\x00", b"\xef\xbb\xbf", b"\r", b"\r\n", b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80",
    b'=HYPERLINK("http://evil.example","x")', b"@SUM(1+1)", b"+cmd|' /C calc'!A0", b"-2+3",
    b'"', b",", b"\t", b"{", b"}", b"[", b"]", b":", b"null", b"true", b"-1e309", b"1e400",
    b'"\\ud800"', b"<script>alert(1)</script>", b"javascript:alert(1)", b"\xe2\x80\xae",
    b'{"a":' * 64, b"[" * 1024, b"9" * 400, b"A" * 70_000,
)


@dataclass(frozen=True)
class Outcome:
    """What one ingest of a hostile file ended in."""

    exit_code: int  # 0 ingested (maybe partly), 2 unusable as a whole
    records: int
    quarantined: int
    message: str


def mutate(original: bytes, rng: random.Random, edits: int = 4) -> bytes:
    data = bytearray(original)
    for _ in range(edits):
        choice = rng.randrange(7)
        at = rng.randrange(len(data) + 1)
        if choice == 0:  # cut short
            del data[at:]
        elif choice == 1 and data:  # flip bytes
            for i in range(at, min(len(data), at + rng.randint(1, 8))):
                data[i] = rng.randrange(256)
        elif choice == 2:  # drop a slice
            del data[at:at + rng.randint(1, 64)]
        elif choice == 3:  # insert a hostile token
            data[at:at] = rng.choice(HOSTILE_TOKENS)
        elif choice == 4:  # duplicate a slice (repeated records, repeated keys)
            data[at:at] = data[max(0, at - rng.randint(1, 512)):at]
        elif choice == 5:  # line ends changed throughout
            data = bytearray(bytes(data).replace(b"\n", rng.choice((b"\r\n", b"\r", b"\n\n"))))
        else:  # one field replaced by a value of the wrong type
            data[at:at + rng.randint(0, 16)] = rng.choice((b"null", b"[]", b"{}", b"-1", b'"x"', b"1.5e3", b""))
    return bytes(data)


def ingest_hostile(workspace: Path, fmt: str, path: Path) -> Outcome:
    """The ingest command's work in this process; anything but a report or a UserError
    (the command's exit 2) propagates: that is a crash, the bug fuzzing looks for."""
    try:
        with Workspace.open(workspace) as ws:
            report: IngestReport = ingest(ws, fmt, [path])
    except UserError as error:
        return Outcome(2, 0, 0, str(error))
    if report.errors:
        return Outcome(2, report.records, report.quarantined, " ".join(report.errors))
    return Outcome(0, report.records, report.quarantined, "")
