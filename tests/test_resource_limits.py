"""Adversarial sizes are refused record by record, with a reason, and memory stays bounded:
a JSON line of hundreds of megabytes is skipped through unread, a post claiming a hundred
thousand hashtags is set aside instead of becoming a hundred thousand actions."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

from conftest import DATA, Run, assert_clean_exit, ingest, query, summary_counts
from inconcert.ingest.sources import Malformed, json_lines


def test_an_overlong_json_line_is_quarantined_and_its_neighbours_kept():
    stream = io.BufferedReader(io.BytesIO(b'{"a": 1}\n{"b": "' + b"x" * 5000 + b'"}\n{"c": 3}\n'))
    records = list(json_lines(stream, max_line=1000))
    assert [r for r in records if not isinstance(r, Malformed)] == [(1, {"a": 1}), (3, {"c": 3})]
    (too_long,) = [r for r in records if isinstance(r, Malformed)]
    assert too_long.number == 2 and "longer than the 1000 bytes" in too_long.reason


def run_measured(tmp_path, *args: object) -> tuple[int, str, int]:
    """Run `inconcert ARGS` and return (exit code, stdout, peak RSS in KiB of that process).

    The peak is the process's own VmHWM, read while it runs: it starts afresh at exec,
    unlike getrusage's maxrss, which a child inherits from the (large) test process."""
    stdout, stderr = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    peak = 0
    with open(stdout, "w") as out, open(stderr, "w") as err:
        process = subprocess.Popen([sys.executable, "-m", "inconcert.cli", *map(str, args)], stdout=out, stderr=err)
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
    assert "Traceback" not in stderr.read_text(), stderr.read_text()
    return process.returncode, stdout.read_text(), peak


def test_a_600_megabyte_json_line_is_skipped_in_bounded_memory(tmp_path):
    good = (DATA / "twitter-v1" / "tweets.jsonl").read_bytes()
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as out:
        out.write(good)
        out.write(b'{"full_text": "')
        block = b"A" * (1 << 20)
        for _ in range(600):
            out.write(block)
        out.write(b'"}\n')
        out.write(good)
    code, stdout, peak_kib = run_measured(tmp_path, "ingest", "--workspace", tmp_path / "ws", "--format", "twitter-v1", path)
    assert code == 0
    records, _, quarantined = summary_counts(Run(code, stdout, ""))
    assert quarantined >= 1 and records > 0
    reasons = [r[0] for r in query(tmp_path / "ws", "SELECT reason FROM quarantine")]
    assert any("set aside unread" in reason for reason in reasons), reasons
    # The line is never held whole (decoding it would take well over twice its size).
    assert 0 < peak_kib < 450 * 1024, f"peak RSS {peak_kib // 1024} MB"


def test_a_300_megabyte_csv_field_is_skipped_in_bounded_memory(tmp_path):
    lines = next((DATA / "cnt-csv").glob("*.csv")).read_text(encoding="utf-8").splitlines()
    path = tmp_path / "huge.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
        out.write('9999,u9,huge,,,"')
        block = "A" * (1 << 20)  # written in pieces: this process stays small when it forks
        for _ in range(300):
            out.write(block)
        out.write('",1614600000,\n')
        out.write("\n".join(lines[1:]) + "\n")
    code, stdout, peak_kib = run_measured(tmp_path, "ingest", "--workspace", tmp_path / "ws", "--format", "cnt-csv", path)
    assert code == 0
    reasons = [r[0] for r in query(tmp_path / "ws", "SELECT reason FROM quarantine")]
    assert any("longer than the" in reason and "set aside unread" in reason for reason in reasons), reasons
    assert 0 < peak_kib < 450 * 1024, f"peak RSS {peak_kib // 1024} MB"


def test_a_post_with_a_hundred_thousand_hashtags_is_set_aside(tmp_path):
    lines = (DATA / "twitter-v1" / "tweets.jsonl").read_text(encoding="utf-8").splitlines()
    crafted = json.loads(lines[0])
    crafted["id"] = crafted["id_str"] = "999"
    crafted["entities"]["hashtags"] = [{"text": f"tag{i}", "indices": [0, 1]} for i in range(100_000)]
    path = tmp_path / "crafted.jsonl"
    path.write_text("\n".join([*lines, json.dumps(crafted)]) + "\n", encoding="utf-8")
    baseline = summary_counts(ingest(tmp_path / "ws-plain", "twitter-v1", DATA / "twitter-v1" / "tweets.jsonl"))
    run = ingest(tmp_path / "ws", "twitter-v1", path)
    assert_clean_exit(run)
    assert summary_counts(run)[0] == baseline[0] and summary_counts(run)[2] == baseline[2] + 1
    assert query(tmp_path / "ws", "SELECT count(*) FROM actions WHERE content_id = '999'") == [(0,)]
    reasons = [r[0] for r in query(tmp_path / "ws", "SELECT reason FROM quarantine")]
    assert any("links, hashtags, mentions and images, more than the 5000" in reason for reason in reasons), reasons


def test_an_object_shared_by_a_million_accounts_is_set_aside_before_pairing(tmp_path):
    """A million accounts retweeting one post within the same minute would make 5 × 10¹¹
    pairs; the pairing counts them per object first, sets the object aside with its reason
    and still finds the small group that co-shared other posts."""
    import duckdb

    actions = tmp_path / "actions.parquet"
    duckdb.connect().execute(
        f"""
        COPY (
            SELECT 'viral' AS object_id, 'fan' || i AS account_id, 'rt' || i AS content_id,
                   1714564800 + i // 20000 AS timestamp_share
            FROM range(1000000) AS r(i)
            UNION ALL
            SELECT 'post' || p AS object_id, 'bot' || b AS account_id, 'b' || b || '-' || p AS content_id,
                   1714636800 + p * 3600 + b AS timestamp_share
            FROM range(4) AS x(p), range(3) AS y(b)
        ) TO '{actions}' (FORMAT parquet)
        """
    )
    workspace, out = tmp_path / "ws", tmp_path / "out"
    code, _, _ = run_measured(tmp_path, "ingest", "--workspace", workspace, "--format", "actions", actions)
    assert code == 0
    code, stdout, peak_kib = run_measured(
        tmp_path, "coordination", "--workspace", workspace, "--window", "60", "--no-graph-files", "--out", out
    )
    assert code == 0, stdout
    with open(out / "viral_objects.csv", newline="") as stream:
        (viral,) = list(csv.DictReader(stream))
    assert viral["object_id"] == "viral" and viral["n_accounts"] == "1000000"
    assert int(viral["candidate_pairs"]) > 10**11 and "--max-object-pairs" in viral["reason"]
    with open(out / "edges.csv", newline="") as stream:
        edges = {(row["account_a"], row["account_b"]): int(row["weight"]) for row in csv.DictReader(stream)}
    assert edges == {("bot0", "bot1"): 4, ("bot0", "bot2"): 4, ("bot1", "bot2"): 4}
    assert peak_kib < 2 * 1024 * 1024, f"peak {peak_kib} KiB"
