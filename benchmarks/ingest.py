"""Ingest throughput and memory: rows/s per format, and flat memory on a 5M-row actions CSV.

Runs the real `inconcert ingest` command in a subprocess per input and reports wall time,
rows per second and the child's peak resident memory. Inputs are generated under
benchmarks/.work (not committed) with fixed seeds.

    .venv/bin/python benchmarks/ingest.py [--rows 5000000] [--skip-formats]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
ROOT = HERE.parent
# With DuckDB capped, peak memory must not depend on the file's size.
CAPPED = "256MB"


def write_actions_csv(path: Path, rows: int, seed: int = 1) -> None:
    """CooRTweet-shaped rows with heavy-tailed object popularity, written in chunks."""
    if path.exists():
        return
    rng = random.Random(seed)
    objects = max(rows // 8, 1)
    accounts = max(rows // 20, 1)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as out:
        out.write("object_id,account_id,content_id,timestamp_share\n")
        chunk: list[str] = []
        for i in range(rows):
            obj = int(objects * rng.paretovariate(1.2)) % objects
            chunk.append(f"obj{obj},acc{rng.randrange(accounts)},c{i},{1_600_000_000 + i // 3}\n")
            if len(chunk) == 100_000:
                out.writelines(chunk)
                chunk.clear()
        out.writelines(chunk)
    tmp.rename(path)


def write_actions_parquet(csv_path: Path) -> Path:
    parquet = csv_path.with_suffix(".parquet")
    if not parquet.exists():
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT * REPLACE (CAST(timestamp_share AS BIGINT) AS timestamp_share) "
            f"FROM read_csv('{csv_path}', all_varchar=true)) TO '{parquet}' (FORMAT parquet)"
        )
    return parquet


def run_ingest(fmt: str, *paths: Path, memory_limit: str | None = None) -> dict:
    """One ingest into a fresh workspace: wall seconds, records and the child's peak RSS.
    With `memory_limit`, DuckDB's memory is capped (INCONCERT_MEMORY_LIMIT)."""
    workspace = WORK / f"ws-{fmt}"
    shutil.rmtree(workspace, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "inconcert.cli", "ingest", "--quiet", "--workspace", str(workspace),
         "--format", fmt, *map(str, paths)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "INCONCERT_MEMORY_LIMIT": memory_limit} if memory_limit else None,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    out = process.stdout.read()
    err = process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"ingest of {fmt} failed: {err}")
    records = int(out.strip().splitlines()[-1].split()[1])
    return {"format": fmt, "records": records, "seconds": wall, "rows_per_s": records / wall,
            "peak_rss_mb": usage.ru_maxrss / 1024}


def report(row: dict, label: str) -> None:
    print(
        f"{label:<34} {row['records']:>10,} records  {row['seconds']:7.2f} s  "
        f"{row['rows_per_s']:>12,.0f} rows/s  peak RSS {row['peak_rss_mb']:7.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows in the big actions CSV")
    parser.add_argument("--skip-formats", action="store_true", help="only the actions memory check")
    parser.add_argument("--only-formats", action="store_true", help="skip the actions memory check")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    if not args.only_formats:
        actions_memory(args.rows)
    if args.skip_formats:
        return
    print("== every format: the scenario at scale 10 for twitter-v2, repeated records for the others ==")
    from benchmarks_formats import format_inputs  # noqa: E402  (kept beside this script)

    for fmt, paths in format_inputs(WORK):
        report(run_ingest(fmt, *paths), fmt)


def actions_memory(rows: int) -> None:

    print("== actions: memory must stay flat as the file grows ==")
    small_rows = max(rows // 5, 1)
    small = WORK / f"actions_{small_rows}.csv"
    big = WORK / f"actions_{rows}.csv"
    write_actions_csv(small, small_rows)
    write_actions_csv(big, rows)
    for limit in (None, CAPPED):
        label = f", DuckDB capped at {limit}" if limit else ", DuckDB's default cap (80% of RAM)"
        small_run = run_ingest("actions", small, memory_limit=limit)
        big_run = run_ingest("actions", big, memory_limit=limit)
        report(small_run, f"actions CSV ({small_rows:,} rows)")
        report(big_run, f"actions CSV ({rows:,} rows)")
        print(f"peak memory ratio big/small: {big_run['peak_rss_mb'] / small_run['peak_rss_mb']:.2f} "
              f"for {rows / small_rows:.0f}x the rows{label}")
    parquet_run = run_ingest("actions", write_actions_parquet(big))
    report(parquet_run, f"actions Parquet ({rows:,} rows)")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
