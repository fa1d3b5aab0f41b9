"""Throughput of the whole `inconcert text` pipeline: articles per second on 800-word news articles.

The articles are, by default, the first `--articles` PTC training articles with 400-1,600 words
(English news and opinion, read in place from ../shared/data/ptc beside the checkout this
script is in, or from `--ptc DIR`; never copied), or, with `--source simulate`, articles of
~800 words put together from the scenario generator's prose (five of its paragraph sets per
article, each from its own seed). A missing PTC folder stops the script rather than timing
other articles; the first line of the output names the corpus used.
They are ingested into a fresh workspace, then `run_text` runs end to end (parse, extraction,
actor unification, disagreements, techniques, reuse, storing the tables and writing the CSV
files) and the script prints articles/s, words/s, wall and CPU seconds (this process and its
worker processes together), CPU seconds per article, and the time of each stage.

    .venv/bin/python benchmarks/text_throughput.py [--articles 200] [--processes 2] [--source ptc|simulate]
        [--ptc DIR] [--no-techniques] [--repeat 1] [--profile FILE]

`--no-techniques` times everything but the persuasion-technique detector (its own model).

On a machine shared with other work, wall time overstates the cost; CPU seconds per article
divided by the cores gives what a dedicated machine would take (10 articles/s on 2 cores
needs at most 0.2 CPU seconds per article).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import random
import resource
import shutil
import sys
import time
from pathlib import Path

from inconcert.ingest.pipeline import ingest
from inconcert.store.workspace import Workspace
from inconcert.text.document import english_pipeline
from inconcert.text.run import TextParams, run_text
from inconcert.text.techniques import detect_techniques_many

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "text_throughput"
# ../shared beside the checkout this script belongs to, wherever it is run from
PTC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ptc" / "ptc_v2_semeval2020_task11"
MIN_WORDS, MAX_WORDS = 400, 1600


def ptc_articles(count: int, ptc: Path = PTC) -> list[dict]:
    articles = []
    for path in sorted(ptc.glob("train-articles/*.txt")):
        text = path.read_text(encoding="utf-8")
        if MIN_WORDS <= len(text.split()) <= MAX_WORDS:
            articles.append({"id": path.name, "text": text, "outlet": "ptc"})
        if len(articles) == count:
            break
    return articles


def simulated_articles(count: int, words: int = 800) -> list[dict]:
    """Articles of about `words` words from the scenario's prose writer: each set of five
    paragraphs comes from a fresh writer (the writer never repeats a sentence, so one writer
    runs out of sentences long before 200 articles)."""
    from inconcert.simulate.narrative import STANCES, ProseWriter, original_paragraphs

    camps = sorted(STANCES)
    articles = []
    for k in range(count):
        paragraphs: list[str] = []
        part = 0
        while sum(len(p.split()) for p in paragraphs) < words:
            writer = ProseWriter(random.Random(k * 1000 + part))
            stance = STANCES[camps[(k + part) % len(camps)]]
            paragraphs += [p.text for p in original_paragraphs(writer, part % 4, stance)]
            part += 1
        articles.append({"id": f"sim-{k:04d}", "text": "\n\n".join(paragraphs), "outlet": f"outlet {k % 6}"})
    return articles


def fresh_workspace(articles: list[dict]) -> Workspace:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    corpus = WORK / "articles.jsonl"
    with corpus.open("w", encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(article) + "\n")
    workspace = Workspace.open(WORK / "ws")
    report = ingest(workspace, "articles", [corpus])
    if report.errors:
        sys.exit(f"ingest failed: {report.errors}")
    return workspace


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--source", choices=("ptc", "simulate"), default="ptc")
    parser.add_argument("--ptc", type=Path, default=PTC, help="the PTC v2 folder (holding train-articles/)")
    parser.add_argument("--no-techniques", action="store_true", help="leave out the persuasion-technique detector")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs, one after another")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the main process's last run here")
    args = parser.parse_args()

    if args.source == "ptc":
        if not (args.ptc / "train-articles").is_dir():
            print(f"--ptc {args.ptc}: no train-articles folder there; pass --ptc with the PTC v2 folder "
                  "or --source simulate.", file=sys.stderr)
            sys.exit(2)
        articles = ptc_articles(args.articles, args.ptc)
        corpus = f"PTC v2 training articles of {MIN_WORDS}-{MAX_WORDS} words from {args.ptc}"
    else:
        articles = simulated_articles(args.articles)
        corpus = "simulated articles from the scenario generator's prose"
    words = sum(len(a["text"].split()) for a in articles)
    print(f"corpus: {corpus}")
    print(f"{len(articles)} articles, {words:,} words ({words / len(articles):.0f} per article); "
          f"{args.processes} processes; techniques {'off' if args.no_techniques else 'on'}")
    workspace = fresh_workspace(articles)
    out = WORK / "out"
    params = TextParams(n_process=args.processes, techniques=not args.no_techniques)

    # Models loaded first, as a long-running process would have them; the timed runs still
    # start their worker processes (and their encoder sessions) afresh each time.
    started = time.perf_counter()
    english_pipeline()
    if params.techniques:
        detect_techniques_many(["Models are loaded before the clock starts."])
    print(f"models loaded in {time.perf_counter() - started:.1f} s wall")

    for run in range(args.repeat):
        profiler = cProfile.Profile() if args.profile and run == args.repeat - 1 else None
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        if profiler:
            profiler.enable()
        summary = run_text(workspace, out, params)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
        n = summary.analysed
        print(f"run {run + 1}: {n} articles in {wall:.2f} s wall, {cpu:.2f} s CPU: "
              f"{n / wall:.1f} articles/s, {summary.words / wall:,.0f} words/s; "
              f"{cpu / n:.3f} CPU s per article ({n / cpu * args.processes:.1f} articles/s on {args.processes} cores if CPU-bound)")
        # getattr: the script also times versions of run_text from before these breakdowns
        stages = "; ".join(f"{name} {seconds:.2f} s" for name, seconds in getattr(summary, "stages", {}).items())
        print(f"  stages, wall: {stages}")
        per_article = "; ".join(f"{name} {seconds / n:.3f} s" for name, seconds in getattr(summary, "cpu_stages", {}).items())
        print(f"  per-article steps, CPU per article (all processes): {per_article}")
        found = ", ".join(f"{table.removeprefix('text_')} {rows}" for table, rows in summary.counts.items())
        print(f"  found: {found}")
    workspace.close()


if __name__ == "__main__":
    main()
