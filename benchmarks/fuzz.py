"""The long fuzz session: hostile variants of every format's fixtures through ingest, for a
time budget, counting inputs tried and outcomes; any crash is saved for replay and makes
the script exit 1.

    .venv/bin/python benchmarks/fuzz.py [--minutes 10] [--formats twitter-v2,telegram]

The bounded session that runs in CI is tests/test_fuzz_readers.py (30 inputs per format).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from inconcert.ingest import FORMATS  # noqa: E402
from inconcert.ingest.fuzzing import ingest_hostile, mutate  # noqa: E402

FIXTURES = ROOT / "tests" / "data"
CRASHES = ROOT / "benchmarks" / ".work" / "fuzz-crashes"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.minutes * 60
    per_format: dict[str, Counter] = {fmt: Counter() for fmt in formats}
    crashes = 0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sources = {fmt: sorted(p for p in (FIXTURES / fmt).rglob("*") if p.is_file()) for fmt in formats}
        number = 0
        while time.monotonic() < deadline:
            for fmt in formats:
                source = rng.choice(sources[fmt])
                variant = root / f"v{number}" / source.name
                variant.parent.mkdir()
                variant.write_bytes(mutate(source.read_bytes(), random.Random(rng.getrandbits(64)), rng.randint(1, 8)))
                number += 1
                try:
                    outcome = ingest_hostile(root / f"ws-{fmt}", fmt, variant)
                    per_format[fmt][f"exit {outcome.exit_code}"] += 1
                    per_format[fmt]["records kept"] += outcome.records
                    per_format[fmt]["quarantined"] += outcome.quarantined
                except Exception:  # a crash: keep the input to replay
                    crashes += 1
                    per_format[fmt]["crash"] += 1
                    saved = CRASHES / fmt / f"{number}-{source.name}"
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(variant, saved)
                    print(f"CRASH {fmt} {saved}\n{traceback.format_exc(limit=3)}", file=sys.stderr)
                shutil.rmtree(variant.parent)
    total = sum(c["exit 0"] + c["exit 2"] + c["crash"] for c in per_format.values())
    print(f"{total} hostile inputs in {args.minutes:g} min; crashes: {crashes}")
    print(f"{'format':<12} {'inputs':>7} {'exit 0':>7} {'exit 2':>7} {'crash':>6} {'kept':>9} {'quarantined':>12}")
    for fmt, c in per_format.items():
        inputs = c["exit 0"] + c["exit 2"] + c["crash"]
        print(f"{fmt:<12} {inputs:>7} {c['exit 0']:>7} {c['exit 2']:>7} {c['crash']:>6} {c['records kept']:>9} {c['quarantined']:>12}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
