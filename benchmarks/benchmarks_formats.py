"""Inputs for the per-format ingest benchmark.

twitter-v2 comes from the seeded scenario at a larger scale (real ids, a realistic mix);
telegram is the scenario's export with its messages repeated under new ids. The other
formats repeat their test fixture's records until the file holds about TARGET records:
the reader parses and stages every copy, the merge then keeps one copy of each post, so
the number measured is reading throughput.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data"
TARGET = 100_000
SCENARIO_SCALE = 10.0

# format -> fixture file (line-based: JSON lines or CSV) repeated for the benchmark
REPEATED = {
    "twitter-v1": ("twitter-v1/tweets.jsonl", False),
    "bluesky": ("bluesky/jetstream.jsonl", False),
    "mastodon": ("mastodon/statuses.jsonl", False),
    "cnt-csv": ("cnt-csv/messages.csv", True),
    "crowdtangle": ("crowdtangle/facebook_pages.csv", True),
    "4cat": ("4cat/twitter_export.csv", True),
    "io-archive": ("io-archive/io_tweets.csv", True),
    "articles": ("articles/articles.jsonl", False),
}


def repeated_fixture(work: Path, fmt: str) -> Path:
    relative, has_header = REPEATED[fmt]
    source = FIXTURES / relative
    target = work / f"repeated-{fmt}{source.suffix}"
    if target.exists():
        return target
    data = source.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    header, body = (data.split(b"\n", 1) if has_header else (b"", data))
    copies = max(TARGET // max(body.count(b"\n"), 1), 1)
    with open(target, "wb") as out:
        if has_header:
            out.write(header + b"\n")
        for _ in range(copies):
            out.write(body)
    return target


def repeated_telegram(work: Path, scenario_export: Path) -> Path:
    """The scenario's Telegram export with every chat's messages repeated under new ids."""
    target = work / "repeated-telegram.json"
    if target.exists():
        return target
    export = json.loads(scenario_export.read_text(encoding="utf-8"))
    chats = export["chats"]["list"]
    per_copy = sum(len(chat["messages"]) for chat in chats)
    copies = max(TARGET // max(per_copy, 1), 1)
    for chat in chats:
        originals = chat["messages"]
        chat["messages"] = [
            {**message, "id": copy * 1_000_000 + message["id"]} for copy in range(copies) for message in originals
        ]
    target.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    return target


def format_inputs(work: Path) -> list[tuple[str, list[Path]]]:
    from inconcert.simulate import write_scenario

    manifest = write_scenario(work / f"scenario-x{SCENARIO_SCALE:g}", seed=7, scale=SCENARIO_SCALE)
    by_format = {file.format: file.path for file in manifest.files}
    inputs = [("twitter-v2", [by_format["twitter-v2"]]), ("telegram", [repeated_telegram(work, by_format["telegram"])])]
    inputs += [(fmt, [repeated_fixture(work, fmt)]) for fmt in REPEATED]
    return inputs
