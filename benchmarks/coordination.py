"""inconcert vs the QUT coordination-network-toolkit 1.5.2 on CooRTweet's Russian sample
replicated k times with disjoint ids (so the right answer is exactly k x 6,206 edges).

Both run end to end in one go on the same rows, at W = 60 s, co-retweet, no minimum
weight: the toolkit's CSV preprocess + `compute co_retweet` (in its own virtual
environment, pip-installed by this script), and inconcert's Parquet ingest +
`coordination`. Prints both wall times, their ratio, inconcert's peak memory and checks
the edge count.

    .venv/bin/python benchmarks/coordination.py [--replicas 64] [--skip-peer]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
RUSSIAN = ROOT.parent / "shared" / "data" / "coortweet" / "russian_coord_tweets.parquet"
PEER_VENV = WORK / "cnt-1.5.2"
EDGES_PER_REPLICA = 6206


def replicate(k: int, peer_input: bool) -> tuple[Path, Path]:
    """The sample k times with suffixed ids: as Parquet for inconcert, and as the toolkit's
    CSV when the peer runs."""
    parquet, cnt_csv = WORK / f"russian_x{k}.parquet", WORK / f"russian_x{k}_cnt.csv"
    con = duckdb.connect()
    replicated = f"""
        SELECT object_id || '_r' || i AS object_id, account_id || '_r' || i AS account_id,
               content_id || '_r' || i AS content_id, timestamp_share
        FROM read_parquet('{RUSSIAN}'), range({k}) AS r(i)
    """
    if not parquet.exists():
        con.execute(f"COPY ({replicated}) TO '{parquet}' (FORMAT parquet)")
    if peer_input and not cnt_csv.exists():
        con.execute(
            f"""COPY (SELECT content_id AS message_id, account_id AS user_id, account_id AS username,
                             object_id AS repost_id, '' AS reply_id, '' AS message,
                             timestamp_share AS timestamp, '' AS urls
                      FROM ({replicated})) TO '{cnt_csv}' (FORMAT csv, HEADER true)"""
        )
    return parquet, cnt_csv


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, the child's peak RSS in MB and its CPU seconds (user + system: the
    number to compare on a machine shared with other work)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed: {process.stderr.read()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def run_inconcert(parquet: Path, k: int) -> tuple[float, float, int, float]:
    workspace, out = WORK / f"ws-x{k}", WORK / f"coord-x{k}"
    shutil.rmtree(workspace, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    cli = [sys.executable, "-m", "inconcert.cli"]
    ingest_s, ingest_mb, ingest_cpu = timed([*cli, "ingest", "--quiet", "--workspace", str(workspace), "--format", "actions", str(parquet)])
    coord_s, coord_mb, coord_cpu = timed(
        [*cli, "coordination", "--workspace", str(workspace), "--window", "60", "--kind", "retweet",
         "--no-graph-files", "--out", str(out)]
    )
    with open(out / "edges.csv", newline="") as stream:
        edges = sum(1 for _ in csv.reader(stream)) - 1
    print(f"  ingest {ingest_s:.2f} s ({ingest_cpu:.2f} CPU-s), coordination {coord_s:.2f} s ({coord_cpu:.2f} CPU-s)")
    return ingest_s + coord_s, max(ingest_mb, coord_mb), edges, ingest_cpu + coord_cpu


def run_peer(cnt_csv: Path, k: int) -> tuple[float, float]:
    if not (PEER_VENV / "bin" / "compute_networks").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "--quiet", "coordination-network-toolkit==1.5.2"], check=True)
    database = WORK / f"cnt-x{k}.db"
    database.unlink(missing_ok=True)
    tool = str(PEER_VENV / "bin" / "compute_networks")
    preprocess_s, _, preprocess_cpu = timed([tool, str(database), "preprocess", "--format", "csv", str(cnt_csv)])
    compute_s, _, compute_cpu = timed([tool, str(database), "compute", "co_retweet", "--time_window", "60", "--min_edge_weight", "1"])
    return preprocess_s + compute_s, preprocess_cpu + compute_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=64)
    parser.add_argument("--skip-peer", action="store_true", help="only inconcert (e.g. for 1,024 replicas)")
    args = parser.parse_args()
    if not RUSSIAN.exists():
        raise SystemExit(f"{RUSSIAN} is missing: it sits in ../shared/data beside the project")
    WORK.mkdir(exist_ok=True)
    k = args.replicas
    parquet, cnt_csv = replicate(k, peer_input=not args.skip_peer)
    rows = duckdb.connect().execute(f"SELECT count(*) FROM '{parquet}'").fetchone()[0]
    print(f"Russian sample x{k}: {rows:,} rows, W = 60 s, co-retweet")
    ours, peak_mb, edges, ours_cpu = run_inconcert(parquet, k)
    verdict = "exact" if edges == k * EDGES_PER_REPLICA else f"WRONG (expected {k * EDGES_PER_REPLICA:,})"
    print(f"inconcert (ingest + coordination): {ours:7.2f} s ({ours_cpu:.2f} CPU-s), peak RSS {peak_mb:,.0f} MB, "
          f"{edges:,} edges ({verdict})")
    if args.skip_peer:
        return
    peer, peer_cpu = run_peer(cnt_csv, k)
    print(f"QUT toolkit 1.5.2 (preprocess + co_retweet): {peer:7.2f} s ({peer_cpu:.2f} CPU-s)")
    print(f"ratio: inconcert is {peer / ours:.1f}x faster in wall time, {peer_cpu / ours_cpu:.1f}x in CPU time")


if __name__ == "__main__":
    main()
