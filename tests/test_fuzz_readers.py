"""A bounded fuzz session over every reader (the long one is benchmarks/fuzz.py): random
hostile variants of each format's real fixtures end in exit 0 (good records kept, the rest
quarantined with a reason) or exit 2 (one sentence naming the file), never a crash."""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA
from inconcert.ingest import FORMATS
from inconcert.ingest.fuzzing import ingest_hostile, mutate

EXAMPLES_PER_FORMAT = 30


def fixture_files(fmt: str) -> list[Path]:
    return sorted(p for p in (DATA / fmt).rglob("*") if p.is_file())


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_hostile_variants_end_cleanly(fmt):
    sources = fixture_files(fmt)
    assert sources, f"no fixture for {fmt}"
    originals = [(p, p.read_bytes()) for p in sources]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        workspace = root / "ws"
        tried = []
        numbers = itertools.count()

        @settings(max_examples=EXAMPLES_PER_FORMAT, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(seed=st.integers(min_value=0, max_value=2**32 - 1), which=st.integers(min_value=0, max_value=len(originals) - 1),
               edits=st.integers(min_value=1, max_value=8))
        def one_variant(seed, which, edits):
            source, original = originals[which]
            variant = root / f"v{next(numbers)}" / source.name  # the reader sees the real file name
            variant.parent.mkdir()
            variant.write_bytes(mutate(original, random.Random(seed), edits))
            outcome = ingest_hostile(workspace, fmt, variant)
            tried.append(outcome)
            assert outcome.exit_code in (0, 2)
            if outcome.exit_code == 2:
                assert "\n" not in outcome.message and outcome.message, outcome
            assert outcome.records >= 0 and outcome.quarantined >= 0

        one_variant()
        assert len(tried) >= EXAMPLES_PER_FORMAT // 2
        if workspace.exists():
            con = duckdb.connect(str(workspace / "inconcert.duckdb"), read_only=True)
            try:  # every quarantined record says why
                assert con.execute("SELECT count(*) FROM quarantine WHERE coalesce(reason, '') = ''").fetchone()[0] == 0
            finally:
                con.close()
