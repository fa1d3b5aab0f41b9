"""Text reuse and near-duplicate posts: recall, precision, boundaries, time and memory.

Experiments (each runs in its own process, so peak memory is its own):

- `ptc-natural`: the PTC v2 articles (train + dev) as they are. Pairs whose 5-word
  shingle containment is >= 0.5 (exact, via an inverted index) are the natural reuse;
  recall is the share of those pairs with at least one reported passage.
- `ptc-synthetic`: 2-5 consecutive sentences of one PTC article inserted into another at
  a sentence boundary, with 0-15% word-level edits (swaps, insertions, deletions).
  Passage recall (host span overlapping the planted span by at least half, and the source
  span the copied one), precision (a reported passage is right when it is a planted one
  or one the same two unedited articles already share) and the boundary IoU; also the
  recall of the plantings that are not mostly site boilerplate (a copied poll widget is
  kept out of reuse on purpose).
- `ptc-scale`: PTC duplicated x1 and x10 (`--factors`), reuse time and peak memory.
- `generated-articles`: `--articles` articles from a seeded text model with planted
  edited passages; time, memory and passage recall.
- `posts`: `--posts` short posts with planted copypasta (templates pasted with 0-2 word
  edits); time of `create_near_text_shares`, memory, paste recall and group purity, and
  issue 3's measure: the recall of all post pairs whose word-bigram shingle sets have
  Jaccard >= 0.8, against the exact set of such pairs (similar_item_pairs).

Reuse times come with CPU seconds and a split by step (from find_reuse's progress calls).

    .venv/bin/python benchmarks/reuse.py [--only NAME] [--factors 1,10] [--articles 100000] [--posts 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inconcert.ingest.pipeline import ingest
from inconcert.store.workspace import Workspace
from inconcert.text.reuse import find_reuse
from inconcert.text.reuse.posts import create_near_text_shares, post_items

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "reuse"
PTC = HERE.parent.parent / "shared" / "data" / "ptc" / "ptc_v2_semeval2020_task11"
EXPERIMENTS = ("ptc-natural", "ptc-synthetic", "ptc-scale", "generated-articles", "posts")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ptc_articles() -> dict[str, str]:
    if not PTC.exists():
        sys.exit(f"{PTC} is missing: the PTC experiments need the shared research data.")
    paths = sorted(PTC.glob("train-articles/*.txt")) + sorted(PTC.glob("dev-articles/*.txt"))
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def fresh_workspace(name: str, articles: list[dict]) -> Workspace:
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    corpus = folder / "articles.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article) + "\n")
    workspace = Workspace.open(folder / "ws")
    report = ingest(workspace, "articles", [corpus])
    assert not report.errors, report.errors
    return workspace


STAGES: dict[str, float] = {}


def timed_reuse(workspace: Workspace) -> tuple[float, object]:
    """find_reuse's wall time; STAGES gets the wall and CPU seconds of its steps, as far
    as its progress reports tell them apart (the first progress call of a step comes after
    its first batch)."""
    started, cpu = time.perf_counter(), time.process_time()
    last: dict[str, tuple[float, float]] = {}

    def progress(stage: str, _done: int, _total: int) -> None:
        last[stage] = (time.perf_counter(), time.process_time())

    summary = find_reuse(workspace, progress=progress)
    ended, cpu_ended = time.perf_counter(), time.process_time()
    STAGES.clear()
    STAGES["cpu_seconds"] = round(cpu_ended - cpu, 1)
    marks = [("shingling", last.get("shingling")), ("aligning", last.get("aligning"))]
    previous = (started, cpu)
    for name, mark in marks:
        if mark is not None:
            label = "frequencies_and_bands" if name == "shingling" else "candidates_and_alignment"
            STAGES[f"{label}_seconds"] = round(mark[0] - previous[0], 1)
            STAGES[f"{label}_cpu_seconds"] = round(mark[1] - previous[1], 1)
            previous = mark
    STAGES["clusters_and_storing_seconds"] = round(ended - previous[0], 1)
    return ended - started, summary


def reuse_rows(workspace: Workspace) -> list[tuple]:
    return workspace.con.execute("SELECT doc_a, start_a, end_a, doc_b, start_b, end_b FROM text_reuse").fetchall()


# -- natural pairs ------------------------------------------------------------------------

WORD = re.compile(r"\w+")


def shingle_sets(texts: dict[str, str], n: int = 5) -> dict[str, set]:
    out = {}
    for name, text in texts.items():
        words = [w.lower() for w in WORD.findall(text)]
        out[name] = {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}
    return out


def containment_pairs(texts: dict[str, str], minimum: float) -> dict[tuple[str, str], float]:
    sets = shingle_sets(texts)
    index: dict[str, list[str]] = {}
    for name, shingles in sets.items():
        for shingle in shingles:
            index.setdefault(shingle, []).append(name)
    shared: dict[tuple[str, str], int] = {}
    for names in index.values():
        if len(names) > 50:
            continue
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                key = (a, b) if a < b else (b, a)
                shared[key] = shared.get(key, 0) + 1
    return {
        pair: count / min(len(sets[pair[0]]), len(sets[pair[1]]))
        for pair, count in shared.items()
        if count / max(1, min(len(sets[pair[0]]), len(sets[pair[1]]))) >= minimum
    }


def ptc_natural(_args) -> dict:
    texts = ptc_articles()
    pairs = containment_pairs(texts, 0.5)
    workspace = fresh_workspace("ptc-natural", [{"id": k, "text": v} for k, v in texts.items()])
    seconds, summary = timed_reuse(workspace)
    found = {tuple(sorted((r[0], r[3]))) for r in reuse_rows(workspace)}
    return {
        "articles": len(texts), "pairs_containment_ge_0.5": len(pairs),
        "recalled": sum(pair in found for pair in pairs), "reported_pairs": len(found),
        "reported_passages": summary.passages, "reuse_seconds": round(seconds, 2), **STAGES, "peak_mb": round(peak_mb()),
    }


# -- synthetic insertion --------------------------------------------------------------------

def edit_words(rng: random.Random, words: list[str], rate: float, vocabulary: list[str]) -> list[str]:
    out = list(words)
    for _ in range(round(rate * len(words))):
        operation = rng.choice(("swap", "insert", "delete"))
        position = rng.randrange(len(out))
        if operation == "swap":
            out[position] = rng.choice(vocabulary)
        elif operation == "insert":
            out.insert(position, rng.choice(vocabulary))
        elif len(out) > 5:
            del out[position]
    return out


def plant(rng: random.Random, source: str, host: str, vocabulary: list[str]) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
    """Copy 2-5 consecutive non-empty lines of `source` into `host` between two lines;
    returns the new host and the source and host spans of the passage."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", source) if len(m.group().split()) >= 5]
    host_breaks = [m.end() for m in re.finditer(r"\n", host)]
    if len(lines) < 6 or not host_breaks:
        return None
    count = rng.randint(2, 5)
    first = rng.randrange(len(lines) - count)
    span = (lines[first][0], lines[first + count - 1][1])
    passage_lines = [source[s:e] for s, e in lines[first : first + count]]
    edited = [" ".join(edit_words(rng, line.split(), rng.uniform(0, 0.15), vocabulary)) for line in passage_lines]
    copy = "\n".join(edited)
    at = rng.choice(host_breaks)
    new_host = host[:at] + copy + "\n" + host[at:]
    return new_host, span, (at, at + len(copy))


def ptc_synthetic(args) -> dict:
    rng = random.Random(args.seed)
    texts = ptc_articles()
    names = sorted(texts)
    vocabulary = sorted({w for text in texts.values() for w in text.split()})
    baseline_ws = fresh_workspace("ptc-baseline", [{"id": k, "text": v} for k, v in texts.items()])
    find_reuse(baseline_ws)
    baseline = reuse_rows(baseline_ws)
    baseline_ws.close()
    shuffled = rng.sample(names, len(names))
    hosts, sources = shuffled[: args.planted], shuffled[args.planted : 2 * args.planted]
    planted = {}
    modified = dict(texts)
    for host, source in zip(hosts, sources):
        result = plant(rng, texts[source], texts[host], vocabulary)
        if result is not None:
            modified[host], source_span, host_span = result
            planted[(source, host)] = (source_span, host_span)
    workspace = fresh_workspace("ptc-synthetic", [{"id": k, "text": v} for k, v in modified.items()])
    seconds, _ = timed_reuse(workspace)
    rows = reuse_rows(workspace)
    found, ious, correct = set(), [], 0
    for row in rows:
        match = _planted_match(row, planted)
        if match is not None:
            key, iou = match
            if key not in found:
                found.add(key)
                ious.append(iou)
            correct += 1
        elif _natural(row, baseline, planted):
            correct += 1
    # PTC's poll widgets are in ~100 articles: a planted copy of one is boilerplate, kept out
    # of reuse.csv on purpose and listed in reuse_boilerplate.csv instead.
    boilerplate = workspace.con.execute('SELECT doc_id, start, "end" FROM text_reuse_boilerplate').fetchall()
    widget = {key for key, (_, host_span) in planted.items()
              if 2 * sum(_overlap((s, e), host_span) for d, s, e in boilerplate if d == key[1]) >= host_span[1] - host_span[0]}
    rest = len(planted) - len(widget)
    return {
        "planted": len(planted), "recalled": len(found), "recall": round(len(found) / len(planted), 3),
        "planted_mostly_boilerplate": len(widget),
        "recall_of_the_others": round(len(found - widget) / rest, 3) if rest else None,
        "reported": len(rows), "precision": round(correct / len(rows), 3) if rows else None,
        "mean_boundary_iou": round(float(np.mean(ious)), 3) if ious else None,
        "median_boundary_iou": round(float(np.median(ious)), 3) if ious else None,
        "reuse_seconds": round(seconds, 2), **STAGES, "peak_mb": round(peak_mb()),
    }


def _overlap(a, b) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _iou(a, b) -> float:
    return _overlap(a, b) / (max(a[1], b[1]) - min(a[0], b[0]))


def _planted_match(row, planted):
    doc_a, sa, ea, doc_b, sb, eb = row
    for (source, host), (source_span, host_span) in ((k, v) for k, v in planted.items() if {k[0], k[1]} == {doc_a, doc_b}):
        span_source = (sa, ea) if doc_a == source else (sb, eb)
        span_host = (sb, eb) if doc_b == host else (sa, ea)
        if (_overlap(span_host, host_span) * 2 >= host_span[1] - host_span[0]
                and _overlap(span_source, source_span) * 2 >= source_span[1] - source_span[0]):
            return (source, host), (_iou(span_host, host_span) + _iou(span_source, source_span)) / 2
    return None


def _natural(row, baseline, planted) -> bool:
    """The same two articles share this passage without the planted insertion."""
    shift = {host: host_span for (_, host), (_, host_span) in planted.items()}

    def original(doc, start, end):
        if doc not in shift:
            return start, end
        s, e = shift[doc]
        length = e - s + 1
        return tuple(x - length if x >= e else x for x in (start, end))

    doc_a, sa, ea, doc_b, sb, eb = row
    a, b = original(doc_a, sa, ea), original(doc_b, sb, eb)
    for bd_a, bsa, bea, bd_b, bsb, beb in baseline:
        if (bd_a, bd_b) == (doc_a, doc_b) and _overlap(a, (bsa, bea)) > 0 and _overlap(b, (bsb, beb)) > 0:
            return True
        if (bd_a, bd_b) == (doc_b, doc_a) and _overlap(b, (bsa, bea)) > 0 and _overlap(a, (bsb, beb)) > 0:
            return True
    return False


# -- scale ------------------------------------------------------------------------------------

def ptc_scale(args) -> dict:
    texts = ptc_articles()
    factor = args.factor
    articles = [{"id": f"{k}#{copy}", "text": v} for copy in range(factor) for k, v in texts.items()]
    workspace = fresh_workspace(f"ptc-x{factor}", articles)
    seconds, summary = timed_reuse(workspace)
    return {"factor": factor, "articles": len(articles), "candidate_pairs": summary.candidate_pairs,
            "passages": summary.passages, "reuse_seconds": round(seconds, 2), **STAGES, "peak_mb": round(peak_mb())}


class TextModel:
    """Seeded Zipf-distributed words in sentences of 8-30 words."""

    def __init__(self, seed: int, vocabulary: int = 30_000):
        self.rng = np.random.default_rng(seed)
        self.words = np.array([f"w{n}" for n in range(vocabulary)])
        ranks = np.arange(1, vocabulary + 1)
        self.p = (1 / ranks) / (1 / ranks).sum()

    def sentence(self) -> str:
        n = int(self.rng.integers(8, 31))
        words = self.words[self.rng.choice(len(self.words), size=n, p=self.p)]
        return " ".join(words).capitalize() + "."

    def article(self) -> list[str]:
        return [self.sentence() for _ in range(int(self.rng.integers(12, 36)))]


def generated_articles(args) -> dict:
    model = TextModel(args.seed)
    rng = random.Random(args.seed)
    vocabulary = model.words[:5000].tolist()
    sentences = [model.article() for _ in range(args.articles)]
    planted = {}
    hosts = rng.sample(range(args.articles), min(args.planted_generated, args.articles // 2))
    for host in hosts:
        source = rng.randrange(args.articles)
        if source == host or source in planted or host in {s for s, _ in planted.values()}:
            continue
        count = rng.randint(2, 5)
        first = rng.randrange(len(sentences[source]) - count)
        copied = [" ".join(edit_words(rng, s.split(), rng.uniform(0, 0.15), vocabulary)) for s in sentences[source][first : first + count]]
        at = rng.randrange(len(sentences[host]))
        sentences[host][at:at] = copied
        planted[host] = (source, " ".join(copied))
    base = dt.datetime(2024, 1, 1)
    articles = [{"id": f"g{n:07d}", "text": " ".join(s), "outlet": f"outlet{n % 50}",
                 "published": (base + dt.timedelta(minutes=n)).isoformat() + "Z"} for n, s in enumerate(sentences)]
    workspace = fresh_workspace(f"generated-{args.articles}", articles)
    del articles, sentences
    generation_peak = peak_mb()
    workspace.close()
    # find_reuse in a process of its own: this one holds every generated sentence, so its
    # peak would say nothing about the analysis.
    # DuckDB's share (the band join) is capped as a user would cap it; it spills beyond.
    command = [sys.executable, __file__, "--reuse-only", str(workspace.path)]
    environment = {**os.environ, "INCONCERT_MEMORY_LIMIT": args.memory_limit}
    run = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    reuse = {**json.loads(run.stdout.strip().splitlines()[-1]), "duckdb_memory_limit": args.memory_limit}
    workspace = Workspace.open(workspace.path)
    pairs = {(r[0], r[3]) for r in reuse_rows(workspace)} | {(r[3], r[0]) for r in reuse_rows(workspace)}
    recalled = sum((f"g{source:07d}", f"g{host:07d}") in pairs for host, (source, _) in planted.items())
    return {"articles": args.articles, "planted": len(planted), "recalled_pairs": recalled,
            "recall": round(recalled / len(planted), 3), **reuse,
            "generation_and_ingest_peak_mb": round(generation_peak)}


def reuse_only(path: Path) -> dict:
    """`find_reuse` alone on an existing workspace: time, steps and this process's peak."""
    with Workspace.open(path) as workspace:
        seconds, summary = timed_reuse(workspace)
    return {"reported_passages": summary.passages, "candidate_pairs": summary.candidate_pairs,
            "reuse_seconds": round(seconds, 1), **STAGES, "reuse_peak_mb": round(peak_mb())}


def generated_posts(args) -> tuple[pa.Array, np.ndarray]:
    """`--templates` texts pasted 40 times each with 0-2 word edits, the rest organic
    sentences from the same Zipf model; the template of every post (-1: organic)."""
    model = TextModel(args.seed, vocabulary=50_000)
    rng = np.random.default_rng(args.seed)
    py_rng = random.Random(args.seed)
    filler = model.words[:2000].tolist()
    pastes, truth = [], []
    for index in range(args.templates):
        template = model.sentence()
        for _ in range(40):
            words = template.split()
            for _ in range(py_rng.choice((0, 0, 1, 1, 2))):
                operation = py_rng.choice(("swap", "insert", "delete"))
                if operation == "swap":
                    words[py_rng.randrange(len(words))] = py_rng.choice(filler)
                elif operation == "insert":
                    words.insert(py_rng.randrange(len(words)), py_rng.choice(filler))
                else:
                    del words[py_rng.randrange(1, len(words))]
            pastes.append(" ".join(words))
            truth.append(index)
    organic = args.posts - len(pastes)
    lengths = rng.integers(8, 31, organic)
    vocabulary = pa.array(model.words.tolist(), pa.large_string())
    words = vocabulary.take(pa.array(rng.choice(len(model.words), size=int(lengths.sum()), p=model.p)))
    offsets = pa.array(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32))
    sentences = pc.binary_join_element_wise(pc.binary_join(pa.ListArray.from_arrays(offsets, words), pa.scalar(" ", pa.large_string())), pa.scalar(".", pa.large_string()), pa.scalar("", pa.large_string()))
    texts = pa.concat_arrays([pa.array(pastes, pa.string()), sentences.cast(pa.string())])
    return texts, np.concatenate([np.array(truth, np.int64), np.full(organic, -1, np.int64)])


def similar_item_pairs(items, minimum: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Every pair of items whose shingle sets have Jaccard >= minimum, exactly, computed
    without MinHash or anything of posts.py but the shingle sets: prefix filtering
    (Chaudhuri et al. 2006; Bayardo et al. 2007) finds the candidates, DuckDB counts the
    shingles each candidate pair shares. With each set's shingles ordered rarest first,
    two sets with Jaccard >= t share a shingle among the first |s| - ceil(t·|s|) + 1 of
    each. Prefixes hold the rarest shingles, so few items share one (at most 29 at 300k
    posts) and the join stays small. Also returns the number of candidate pairs."""
    values, counts = np.unique(items.shingles, return_counts=True)
    rarity = np.argsort(np.lexsort((values, counts)))  # rank of each distinct shingle, rarest first
    rank = rarity[np.searchsorted(values, items.shingles)]
    sizes = items.sizes()
    owner = np.repeat(np.arange(len(items)), sizes)
    order = np.lexsort((rank, owner))
    position = np.arange(len(order)) - np.repeat(items.starts[:-1], sizes)
    prefix = sizes - np.ceil(minimum * sizes - 1e-9).astype(np.int64) + 1
    in_prefix = position < prefix[owner]
    con = duckdb.connect()
    con.register("prefixes", pa.table({"shingle": pa.array(rank[order][in_prefix]), "item": pa.array(owner[in_prefix])}))
    con.register("shingles", pa.table({"item": pa.array(owner), "shingle": pa.array(rank)}))
    con.register("sizes", pa.table({"item": pa.array(np.arange(len(items))), "size": pa.array(sizes)}))
    con.execute("""
        CREATE TEMP TABLE candidates AS
        SELECT DISTINCT x.item AS a, y.item AS b
        FROM prefixes x JOIN prefixes y ON x.shingle = y.shingle AND x.item < y.item
    """)
    candidates = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
    pairs = con.execute("""
        WITH sides AS (
            -- Each pair's two sets end to end: a shingle there twice is shared (a set
            -- holds each once). Joining the two sets on shingle instead lets the planner
            -- pair every item holding a common shingle with every other.
            SELECT c.a, c.b, s.shingle FROM candidates c JOIN shingles s ON s.item = c.a
            UNION ALL
            SELECT c.a, c.b, s.shingle FROM candidates c JOIN shingles s ON s.item = c.b
        ), shared AS (
            SELECT a, b, count(*) AS shared
            FROM (SELECT a, b, shingle FROM sides GROUP BY a, b, shingle HAVING count(*) = 2)
            GROUP BY a, b
        )
        SELECT s.a, s.b FROM shared s JOIN sizes za ON za.item = s.a JOIN sizes zb ON zb.item = s.b
        WHERE s.shared::DOUBLE / (za.size + zb.size - s.shared) >= ?
    """, [minimum]).fetchnumpy()
    con.close()
    return pairs["a"].astype(np.int64), pairs["b"].astype(np.int64), candidates


def posts(args) -> dict:
    texts, truth = generated_posts(args)
    count = len(texts)
    n_pastes = int((truth >= 0).sum())
    folder = WORK / "posts"
    shutil.rmtree(folder, ignore_errors=True)
    workspace = Workspace.open(folder / "ws")
    rng = np.random.default_rng(args.seed)
    ts = pa.array((np.int64(1_700_000_000_000_000) + rng.integers(0, 86_400_000_000, count)), type=pa.int64()).cast(pa.timestamp("us"))
    post_ids = pc.binary_join_element_wise("p", pa.array(np.arange(count)).cast(pa.string()), "")
    table = pa.table({
        "platform": pa.array(["bench"] * count), "post_id": post_ids,
        "account_id": pc.binary_join_element_wise("a", pa.array(np.arange(count) % 100_000).cast(pa.string()), ""),
        "ts": ts, "text": texts, "kind": pa.array(["post"] * count),
    })
    workspace.con.register("bench_posts", table)
    workspace.con.execute("INSERT INTO posts (platform, post_id, account_id, ts, text, kind, ingest_id) "
                          "SELECT platform, post_id, account_id, ts, text, kind, 0 FROM bench_posts")
    workspace.con.unregister("bench_posts")
    del table
    started, cpu = time.perf_counter(), time.process_time()
    rows = create_near_text_shares(workspace.con)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    memory = peak_mb()
    shares = workspace.con.execute("SELECT content_id, object_id FROM near_text_shares").fetchnumpy()
    object_of_post = np.full(count, -1, np.int64)
    post_numbers = np.array([int(p[1:]) for p in shares["content_id"].tolist()], np.int64)
    _, object_numbers = np.unique(shares["object_id"].astype(str), return_inverse=True)
    object_of_post[post_numbers] = object_numbers
    # Paste campaigns: share of pastes in their template's main group, and impure groups.
    pasted = truth >= 0
    template_groups = {}
    for template, group in zip(truth[pasted].tolist(), object_of_post[pasted].tolist()):
        if group >= 0:
            counts = template_groups.setdefault(template, {})
            counts[group] = counts.get(group, 0) + 1
    in_main_group = sum(max(c.values()) for c in template_groups.values())
    grouped = object_of_post >= 0
    labels_per_group = {}
    for group, label in zip(object_of_post[grouped].tolist(), truth[grouped].tolist()):
        labels_per_group.setdefault(group, set()).add(label)
    impure = sum(1 for labels in labels_per_group.values() if len(labels) > 1)
    # Issue 3's measure: recall of all post pairs with Jaccard >= 0.8 of the same shingles.
    ordered = workspace.con.sql("SELECT post_id, text FROM posts ORDER BY ts, platform, post_id").fetchall()
    order_ids = np.array([int(p[1:]) for p, _ in ordered], np.int64)
    items = post_items(pa.array([t for _, t in ordered], pa.string()))
    item_post = order_ids[items.first_post]
    a, b, candidates = similar_item_pairs(items, 0.8)
    together = (object_of_post[item_post[a]] >= 0) & (object_of_post[item_post[a]] == object_of_post[item_post[b]])
    posts_per_item = np.bincount(items.item_of_post[items.item_of_post >= 0], minlength=len(items))
    weight = posts_per_item[a] * posts_per_item[b]
    identical = posts_per_item * (posts_per_item - 1) // 2
    identical_together = identical * (object_of_post[item_post] >= 0)
    return {
        "posts": count, "pastes": n_pastes, "rows": rows, "seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1),
        "peak_mb": round(memory),
        "paste_recall_in_main_group": round(in_main_group / n_pastes, 3), "groups": len(labels_per_group),
        "groups_mixing_templates_or_organic": impure,
        "item_pairs_jaccard_ge_0.8": len(a), "exact_search_candidate_pairs": candidates, "item_pair_recall": round(float(together.mean()), 4) if len(a) else None,
        "post_pairs_jaccard_ge_0.8": int(weight.sum() + identical.sum()),
        "post_pair_recall": round(float((weight * together).sum() + identical_together.sum()) / max(1, int(weight.sum() + identical.sum())), 4),
    }


RUNNERS = {"ptc-natural": ptc_natural, "ptc-synthetic": ptc_synthetic, "ptc-scale": ptc_scale,
           "generated-articles": generated_articles, "posts": posts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=EXPERIMENTS)
    parser.add_argument("--reuse-only", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--memory-limit", default="2GB",
                        help="INCONCERT_MEMORY_LIMIT for the generated articles' find_reuse (DuckDB spills beyond it)")
    parser.add_argument("--factor", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--factors", default="1,10")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--planted", type=int, default=200, help="synthetic insertions into PTC articles")
    parser.add_argument("--planted-generated", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--templates", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.reuse_only:
        print(json.dumps(reuse_only(args.reuse_only)))
        return
    if args.only:
        print(json.dumps({args.only: RUNNERS[args.only](args)}))
        return
    for name in EXPERIMENTS:
        runs = [["--factor", f] for f in args.factors.split(",")] if name == "ptc-scale" else [[]]
        for extra in runs:
            command = [sys.executable, __file__, "--only", name, *extra,
                       "--articles", str(args.articles), "--posts", str(args.posts), "--seed", str(args.seed),
                       "--planted", str(args.planted), "--planted-generated", str(args.planted_generated),
                       "--templates", str(args.templates), "--memory-limit", args.memory_limit]
            result = subprocess.run(command, capture_output=True, text=True)
            print(result.stdout.strip() or result.stderr.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
