"""`inconcert text` in worker processes gives the same tables as in one process, and the
flag that sets them is checked."""

from __future__ import annotations

import shutil

from conftest import assert_clean_exit, ingest, query, run_cli
from inconcert.simulate import write_scenario
from inconcert.store.workspace import Workspace
from inconcert.text.run import CHUNK, SCHEMAS, TextParams, run_text

# Tables that describe the analysed articles; `text_reuse` comes from its own package.
TABLES = sorted(SCHEMAS)


def test_worker_processes_give_the_same_tables_as_one_process(tmp_path):
    write_scenario(tmp_path / "scenario", seed=11)
    # The same articles twice over under other ids, so that there are several chunks per
    # worker and some lines that recur between articles (encoded once, used twice).
    articles = (tmp_path / "scenario" / "articles.jsonl").read_text(encoding="utf-8")
    (tmp_path / "copies.jsonl").write_text(articles.replace('"id": "', '"id": "copy-'), encoding="utf-8")
    serial = tmp_path / "serial"
    assert_clean_exit(ingest(serial, "articles", tmp_path / "scenario" / "articles.jsonl", tmp_path / "copies.jsonl"))
    parallel = tmp_path / "parallel"
    shutil.copytree(serial, parallel)

    summaries = {}
    for folder, processes in ((serial, 1), (parallel, 2)):
        with Workspace.open(folder) as workspace:
            summaries[processes] = run_text(workspace, folder / "out", TextParams(n_process=processes))

    assert summaries[2].analysed == summaries[1].analysed > 4 * CHUNK
    assert summaries[2].counts == summaries[1].counts
    assert summaries[1].counts["text_techniques"] and summaries[1].counts["text_disagreements"]
    for table in TABLES:
        rows = query(serial, f"SELECT * FROM {table} ORDER BY ALL")
        assert query(parallel, f"SELECT * FROM {table} ORDER BY ALL") == rows, table
    for name in ("quantities.csv", "labels.csv", "techniques.csv", "disagreements.csv"):
        assert (parallel / "out" / name).read_bytes() == (serial / "out" / name).read_bytes(), name


def test_a_negative_process_count_is_a_user_error(tmp_path):
    run = run_cli("text", "--workspace", tmp_path / "ws", "--out", tmp_path / "out", "--processes", "-1")
    assert run.returncode == 2 and "--processes -1" in run.stderr and "Traceback" not in run.stderr
