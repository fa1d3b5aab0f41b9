"""A small hostile workspace for the report and web tests: accounts that co-retweet
within seconds (so there is a network with evidence), whose handles, post texts, URLs
and articles carry script-injection payloads that must stay inert text everywhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import assert_clean_exit, ingest, run_cli

HANDLE_PAYLOAD = '<img src=x onerror="window.__pwned=1">'
TEXT_PAYLOAD = '</script><script>window.__pwned=2</script><!-- <b>bold?</b>'
URL_PAYLOAD = "javascript:window.__pwned=3"
TITLE_PAYLOAD = '<svg onload="window.__pwned=4">Council vote</svg>'
ARTICLE_PAYLOAD = 'The council said </script><img src=x onerror="window.__pwned=5"> the vote was "final".'
ARTICLE_URL_PAYLOAD = "javascript:window.__pwned=6"
PAYLOADS = (HANDLE_PAYLOAD, TEXT_PAYLOAD, TITLE_PAYLOAD, ARTICLE_PAYLOAD)

COLUMNS = ["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"]
START = 1_700_000_000
ORIGINALS = 10
BYSTANDERS = 30


def write_messages(path: Path) -> None:
    """Four accounts retweet ten originals within seconds of each other (a flagged
    cluster); bystanders retweet some of them hours later."""
    rows = []
    handles = {"u1": HANDLE_PAYLOAD, "u2": "plain_bob", "u3": "carol", "u4": "dave"}
    for n in range(ORIGINALS):
        original = f"{900 + n}"
        t0 = START + n * 7200
        rows.append([original, "src", "source_account", "", "", f"Original {n}: {TEXT_PAYLOAD}", t0, URL_PAYLOAD])
        for k, (user, handle) in enumerate(handles.items()):
            rows.append([f"{1000 + n * 10 + k}", user, handle, original, "", f"RT {n} {TEXT_PAYLOAD}", t0 + 5 + k * 3, ""])
    for k in range(BYSTANDERS):
        original = 900 + k % ORIGINALS
        rows.append([f"{2000 + k}", f"b{k}", f"bystander{k}", f"{original}", "", "late retweet",
                     START + (original - 900) * 7200 + 1800 + k * 97, ""])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def write_articles(path: Path) -> None:
    docs = [
        {"id": "hostile-1", "outlet": "Outlet <i>A</i>", "url": ARTICLE_URL_PAYLOAD, "published": "2023-11-15T08:00:00Z",
         "title": TITLE_PAYLOAD, "text": f"{ARTICLE_PAYLOAD}\n\nAt least 40 people were killed, officials said."},
        {"id": "plain-2", "outlet": "Outlet B", "url": "https://outlet-b.example/story", "published": "2023-11-15T09:00:00Z",
         "title": "Council vote", "text": "The council said the vote was final. About 12 people were hurt, the ministry said."},
    ]
    path.write_text("".join(json.dumps(doc) + "\n" for doc in docs), encoding="utf-8")


def build_hostile_workspace(root: Path) -> Path:
    """Ingested and with the coordination analysis run (window 60 s, retweets)."""
    root.mkdir(parents=True, exist_ok=True)
    messages, articles, workspace = root / "messages.csv", root / "articles.jsonl", root / "ws"
    write_messages(messages)
    write_articles(articles)
    assert_clean_exit(ingest(workspace, "cnt-csv", messages))
    assert_clean_exit(ingest(workspace, "articles", articles))
    assert_clean_exit(run_cli("coordination", "--workspace", workspace, "--window", 60, "--kind", "retweet", "--out", root / "coordination"))
    return workspace
