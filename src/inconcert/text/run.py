"""`inconcert text`: every text analysis over the workspace's articles, kept as
`text_*` tables (replaced in one transaction) and exported as the CONTRACT §4 files.

Per article (in worker processes for the parse): language check, then quantities,
attributions, labels, relations and responsibility stances over one spaCy parse. Across
articles: actor names unified, disagreements found, persuasion techniques and reused
passages added by their own packages.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import time
from bisect import bisect_left
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from itertools import repeat
from pathlib import Path

import pyarrow as pa

from inconcert.errors import UserError
from inconcert.store.files import copy_csv
from inconcert.store.tables import table_exists
from inconcert.store.workspace import Workspace
from inconcert.text.actors import (
    ActorIndex, actor_mentions, country_of_adjective, government_aliases, government_links, plain_name,
    stands_for_government,
)
from inconcert.text.attributions import credited_source, extract_attributions
from inconcert.text.disagreements import (
    Disagreement, assertions_in, characterization_disagreements, deed_disagreements, factual_disagreements,
    numeric_disagreements, responsibility_stances, tie_disagreements,
)
from inconcert.text.document import Article, Document, english_pipeline, load_articles, parse_documents
from inconcert.text.labels import extract_labels
from inconcert.text.quantities import extract_quantities, topic_of
from inconcert.text.relations import extract_relations

CONTEXT_TYPES = ("ORG", "PERSON", "NORP", "GPE", "FAC", "LOC", "EVENT")
PLACE_TYPES = ("GPE", "FAC", "LOC")  # where an event happened: figures about one place are about one event

# Each exported file: its name, its table and the columns the CONTRACT names first.
FILES = {
    "quantities.csv": ("text_quantities", "doc_id, start, \"end\", text, value_low, value_high, qualifier, counted, attributed_to, hedged, event, kind, topic, distanced"),
    "attributions.csv": ("text_attributions", "doc_id, start, \"end\", source, text, cue, kind"),
    "labels.csv": ("text_labels", "doc_id, start, \"end\", entity, label, polarity, mention, pattern"),
    "relations.csv": ("text_relations", "doc_id, start, \"end\", subject, relation, object, pattern"),
    "techniques.csv": ("text_techniques", "doc_id, start, \"end\", technique, score, cue"),
    "disagreements.csv": ("text_disagreements", "topic, kind, doc_a, start_a, end_a, doc_b, start_b, end_b, summary, claim_a, claim_b, source_a, source_b"),
    "documents.csv": ("text_documents", "doc_id, outlet, language, analysed, note, words"),
}
SCHEMAS = {
    "text_quantities": pa.schema([("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
                                  ("value_low", pa.float64()), ("value_high", pa.float64()), ("qualifier", pa.string()),
                                  ("counted", pa.string()), ("attributed_to", pa.string()), ("hedged", pa.bool_()),
                                  ("event", pa.string()), ("kind", pa.string()), ("topic", pa.string()),
                                  ("distanced", pa.bool_())]),
    "text_attributions": pa.schema([("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("source", pa.string()),
                                    ("text", pa.string()), ("cue", pa.string()), ("kind", pa.string())]),
    "text_labels": pa.schema([("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("entity", pa.string()),
                              ("label", pa.string()), ("polarity", pa.string()), ("mention", pa.string()), ("pattern", pa.string())]),
    "text_relations": pa.schema([("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("subject", pa.string()),
                                 ("relation", pa.string()), ("object", pa.string()), ("pattern", pa.string())]),
    "text_techniques": pa.schema([("doc_id", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("technique", pa.string()),
                                  ("score", pa.float64()), ("cue", pa.string())]),
    "text_disagreements": pa.schema([("topic", pa.string()), ("kind", pa.string()), ("doc_a", pa.string()), ("start_a", pa.int64()),
                                     ("end_a", pa.int64()), ("doc_b", pa.string()), ("start_b", pa.int64()), ("end_b", pa.int64()),
                                     ("summary", pa.string()), ("claim_a", pa.string()), ("claim_b", pa.string()),
                                     ("source_a", pa.string()), ("source_b", pa.string())]),
    "text_documents": pa.schema([("doc_id", pa.string()), ("outlet", pa.string()), ("language", pa.string()),
                                 ("analysed", pa.bool_()), ("note", pa.string()), ("words", pa.int64())]),
}


# Articles a worker process takes at a time: enough for full encoder batches, few enough
# that two workers finish close together.
CHUNK = 8


@dataclass(frozen=True)
class TextParams:
    n_process: int = 1  # worker processes for the per-article analyses; 0: one per CPU core
    batch_size: int = 16
    techniques: bool = True
    reuse: bool = True

    def validate(self) -> None:
        if self.n_process < 0:
            raise UserError(f"--processes {self.n_process}: must be 0 (one per CPU core) or more.")
        if self.batch_size < 1:
            raise UserError(f"--batch-size {self.batch_size}: must be 1 or more.")

    def resolved_processes(self) -> int:
        if self.n_process:
            return self.n_process
        cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
        return max(len(cores), 1)


@dataclass
class TextSummary:
    documents: int = 0
    analysed: int = 0
    words: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    unsupported: list[tuple[str, str]] = field(default_factory=list)
    techniques_note: str = ""
    reuse_note: str = ""
    stages: dict[str, float] = field(default_factory=dict)  # wall seconds of each step, for benchmarks
    cpu_stages: dict[str, float] = field(default_factory=dict)  # CPU seconds of the per-article steps, all processes

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


@dataclass
class _Findings:
    """What one article gives before actor names are unified across the collection."""

    doc_id: str
    quantities: list = field(default_factory=list)
    attributions: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    relations: list = field(default_factory=list)
    stances: list = field(default_factory=list)
    mentions: list = field(default_factory=list)  # (start, end, name, type)
    people: list = field(default_factory=list)
    paragraphs: list = field(default_factory=list)  # (start, end)
    government_links: list = field(default_factory=list)  # (leader or capital, country) the text ties together
    assertions: list = field(default_factory=list)  # sentences that deny a funding tie, or assert or negate an attack


def run_text(workspace: Workspace, out_dir: Path | None = None, params: TextParams | None = None,
             engine=None) -> TextSummary:
    """Run every text analysis on the workspace's articles, keep the results as `text_*`
    tables and, when `out_dir` is given, write the CONTRACT §4 files there. `engine`
    (inconcert.engines) runs the reuse band join; DuckDB when None."""
    params = params or TextParams()
    params.validate()
    started = time.perf_counter()
    articles = load_articles(workspace.con)
    if not articles:
        raise UserError(
            f"--workspace {workspace.path}: holds no articles to analyse; ingest some first "
            "(`inconcert ingest --format articles FILES`)."
        )
    summary = TextSummary(documents=len(articles))
    clock = _StageClock(summary.stages)
    findings, documents_rows, technique_rows, notes = [], [], [], set()
    for result in _analyse_articles(articles, params):
        documents_rows.append(result.row)
        for stage, seconds in result.cpu.items():
            summary.cpu_stages[stage] = summary.cpu_stages.get(stage, 0.0) + seconds
        if result.findings is None:
            summary.unsupported.append((result.row["doc_id"], result.row["note"]))
            continue
        summary.analysed += 1
        summary.words += result.row["words"]
        findings.append(result.findings)
        technique_rows += result.techniques
        notes.add(result.techniques_note)
    clock.lap("parse, extract and techniques")
    summary.seconds = time.perf_counter() - started
    texts = {a.doc_id: a.text for a in articles}
    tables = _unify_and_compare(findings, [texts[f.doc_id] for f in findings])
    tables["text_documents"] = documents_rows
    tables["text_techniques"] = technique_rows
    summary.techniques_note = "switched off" if not params.techniques else "; ".join(sorted(n for n in notes if n))
    clock.lap("unify and disagreements")
    _store(workspace, tables, params)
    clock.lap("store")
    summary.counts = {name: len(rows) for name, rows in tables.items()}
    if params.reuse:
        summary.reuse_note = _reuse(workspace, out_dir, engine)
        clock.lap("reuse")
    if out_dir is not None:
        write_files(workspace, out_dir, reuse_written=params.reuse)
        clock.lap("write files")
    return summary


@dataclass
class _ArticleResult:
    """Everything one article gives that does not need the other articles: small, plain
    records, so a worker process can send it back cheaply."""

    row: dict  # its text_documents row
    findings: _Findings | None  # None when its language is not analysed
    techniques: list[dict] = field(default_factory=list)
    techniques_note: str = ""
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage, shared out over the chunk's articles


def _analyse_articles(articles: list[Article], params: TextParams) -> Iterator[_ArticleResult]:
    """Each article's own analyses, in the articles' order: in this process, or spread over
    worker processes in chunks when there are enough articles to keep them busy."""
    workers = min(params.resolved_processes(), -(-len(articles) // CHUNK))
    chunks = [articles[k:k + CHUNK] for k in range(0, len(articles), CHUNK)]
    if workers <= 1:
        for chunk in chunks:
            yield from _analyse_chunk(chunk, params.techniques, params.batch_size)
        return
    # Forked workers inherit the loaded spaCy pipeline instead of loading it again; where
    # fork is not available each worker loads it once.
    if "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")
        english_pipeline()
    else:
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_started) as pool:
        for results in pool.map(_analyse_chunk, chunks, repeat(params.techniques), repeat(params.batch_size)):
            yield from results


def _worker_started() -> None:
    # One thread each for the encoder and numpy's BLAS in a worker: the workers already
    # occupy the cores, and idle BLAS threads spin for CPU time the other worker needs.
    from threadpoolctl import threadpool_limits

    os.environ.setdefault("INCONCERT_THREADS", "1")
    threadpool_limits(1)


def _analyse_chunk(articles: list[Article], techniques: bool, batch_size: int) -> list[_ArticleResult]:
    cpu = _cpu_clock()
    results = []
    for document in parse_documents(articles, n_process=1, batch_size=batch_size):
        row = {"doc_id": document.doc_id, "outlet": document.article.outlet, "language": document.language.code,
               "analysed": document.language.supported, "note": document.language.note, "words": len(document.text.split())}
        cpu.lap("parse")
        results.append(_ArticleResult(row, _analyse(document) if document.language.supported else None))
        cpu.lap("extract")
    english = [r for r in results if r.findings is not None]
    if techniques and english:
        texts = [(r.findings.doc_id, a.text) for r, a in zip(results, articles) if r.findings is not None]
        rows, note = _techniques(texts)
        by_document: dict[str, list[dict]] = {}
        for row in rows:
            by_document.setdefault(row["doc_id"], []).append(row)
        for result in english:
            result.techniques = by_document.get(result.findings.doc_id, [])
            result.techniques_note = note
        cpu.lap("techniques")
    for result in results:
        result.cpu = {stage: seconds / len(results) for stage, seconds in cpu.stages.items()}
    return results


class _StageClock:
    """Seconds since the previous lap, recorded under each stage's name: wall time, or with
    `time.process_time` the CPU time of this process."""

    def __init__(self, stages: dict[str, float] | None = None, clock=time.perf_counter):
        self.stages = {} if stages is None else stages
        self.clock = clock
        self.last = clock()

    def lap(self, name: str) -> None:
        now = self.clock()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now


def _cpu_clock() -> _StageClock:
    return _StageClock(clock=time.process_time)


def _analyse(document: Document) -> _Findings:
    doc, text = document.doc, document.text
    found = _Findings(document.doc_id)
    found.attributions = extract_attributions(document)
    found.quantities = extract_quantities(document, found.attributions)
    found.labels = extract_labels(document)
    found.relations = extract_relations(document)
    mentions = actor_mentions(doc)
    found.mentions = [(m.start_char, m.end_char, plain_name(m.text), getattr(m, "label_", "") or "PROPN") for m in mentions]
    found.mentions += [(e.start_char, e.end_char, plain_name(e.text), e.label_) for e in doc.ents if e.label_ in ("LOC", "EVENT")]
    # a dateline ("HALBEK —") says where an article was filed, not what it is about
    found.mentions = [m for m in found.mentions if not _dateline(text, m[0], m[1])]
    found.people = [plain_name(e.text) for e in doc.ents if e.label_ == "PERSON"]
    found.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text)]
    found.government_links = government_links(text)

    starts = [m.start for m in mentions]  # in text order: a sentence's mentions are one slice

    def actors_in_sentence(sentence):
        inside = mentions[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
        return [plain_name(m.text) for m in inside if m.end <= sentence.end
                and (getattr(m, "label_", "") in ("ORG", "NORP", "PERSON", "") )]

    def credited(start: int, end: int) -> str:
        return credited_source(found.attributions, start, end, text)

    found.stances = responsibility_stances(document, actors_in_sentence, credited)

    def named_in_sentence(sentence):  # places too: "takes money from Ostrel"
        inside = mentions[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
        return [(plain_name(m.text), getattr(m, "label_", "")) for m in inside if m.end <= sentence.end]

    found.assertions = assertions_in(document, named_in_sentence, credited)
    return found


_DATELINE_AFTER = re.compile(r"(?:\s*,\s*[A-Z][\w.]*)?\s*(?:\([^)\n]{1,40}\)\s*)?[—–-]")


def _dateline(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and text[start:end].isupper() and bool(_DATELINE_AFTER.match(text, end))


def _unify_and_compare(findings: list[_Findings], texts: list[str]) -> dict[str, list[dict]]:
    """`texts`: the analysed articles' texts, whose acronym definitions hold for them all."""
    index = ActorIndex.build(texts, (name for f in findings for _, _, name, _ in f.mentions))
    tables: dict[str, list[dict]] = {name: [] for name in SCHEMAS if name not in ("text_documents", "text_techniques")}
    quantities, labels, stances, context = [], [], [], {}
    assertions, relations, names_by_doc = [], [], {}
    # a name the parse types as a place in any article is a place in all of them (the small
    # model types "Unity Square" as a place in one article and an organisation in another)
    place_names = {index.canonical(n) for f in findings for _, _, n, kind in f.mentions if kind in PLACE_TYPES}
    governments = {index.canonical(alias): index.canonical(country_of_adjective(country, place_names))
                   for alias, country in government_aliases(link for f in findings for link in f.government_links).items()}
    for f, text in zip(findings, texts):
        canonical: dict[str, str] = {}  # an article names the same actors over and over

        def name(mention: str, people=f.people, canonical=canonical, names=[n for _, _, n, kind in f.mentions if kind in ("ORG", "PROPN", "FAC")]) -> str:
            if mention not in canonical:
                canonical[mention] = index.canonical(mention, people, names)
            return canonical[mention]

        in_document = {name(n) for _, _, n, _ in f.mentions} if f.quantities else set()
        places = {n for n in in_document if n in place_names}
        for q in f.quantities:
            quantities.append(q)
            paragraph = next(((s, e) for s, e in f.paragraphs if s <= q.start < e), (q.start, q.end))
            context[(q.doc_id, q.start)] = (
                {name(n) for s, e, n, _ in f.mentions if paragraph[0] <= s and e <= paragraph[1]},
                in_document,
                {name(n) for s, e, n, _ in f.mentions if paragraph[0] <= s and e <= paragraph[1] and name(n) in place_names},
                places,
            )
            tables["text_quantities"].append({**_columns(q, SCHEMAS["text_quantities"]), "topic": topic_of(q)})
        for a in f.attributions:
            tables["text_attributions"].append(_columns(a, SCHEMAS["text_attributions"]))
        for label in f.labels:
            entity = name(label.entity)
            if stands_for_government(label.label) and entity in governments:
                entity = governments[entity]  # "the Vasko junta", where the text calls Vasko Dornland's president
            row = {**_columns(label, SCHEMAS["text_labels"]), "entity": entity, "mention": label.entity}
            tables["text_labels"].append(row)
            labels.append({**row, "actor": row["entity"]})
        for r in f.relations:
            tables["text_relations"].append({**_columns(r, SCHEMAS["text_relations"]), "subject": name(r.subject), "object": name(r.object)})
            relations.append({**tables["text_relations"][-1], "text": text[r.start:r.end]})
        stances += [replace(s, actor=name(s.actor)) for s in f.stances]
        assertions += [replace(a, names=tuple(name(n) for n in a.names)) for a in f.assertions]
        names_by_doc[f.doc_id] = {name(n) for _, _, n, _ in f.mentions}
    disagreements: list[Disagreement] = (
        numeric_disagreements(quantities, context) + characterization_disagreements(labels) + factual_disagreements(stances)
        + tie_disagreements(relations, assertions, names_by_doc) + deed_disagreements(assertions, names_by_doc)
    )
    tables["text_disagreements"] = [
        {"topic": d.topic, "kind": d.kind, "doc_a": d.a.doc_id, "start_a": d.a.start, "end_a": d.a.end,
         "doc_b": d.b.doc_id, "start_b": d.b.start, "end_b": d.b.end, "summary": d.summary,
         "claim_a": d.a.claim, "claim_b": d.b.claim, "source_a": d.a.source, "source_b": d.b.source}
        for d in disagreements
    ]
    return tables


def _columns(record, schema: pa.Schema) -> dict:
    values = asdict(record)
    return {name: values[name] for name in schema.names if name in values}


def _techniques(texts: list[tuple[str, str]]) -> tuple[list[dict], str]:
    """Persuasion-technique spans from the techniques package (its own model)."""
    if not texts:
        return [], ""
    from inconcert.text.techniques import detect_techniques_many

    try:
        detected = detect_techniques_many([t for _, t in texts])
    except UserError as error:  # its model not installed: the other analyses still stand
        return [], f"not run: {error}"
    rows = []
    for (doc_id, _), spans in zip(texts, detected):
        rows += [{"doc_id": doc_id, "start": s.start, "end": s.end, "technique": s.technique, "score": float(s.score), "cue": s.cue}
                 for s in spans]
    return rows, ""


def _reuse(workspace: Workspace, out_dir: Path | None, engine=None) -> str:
    """Reused passages from the reuse package, which keeps `text_reuse` itself."""
    from inconcert.text.reuse import run_reuse

    summary = run_reuse(workspace, out_dir, engine=engine)
    return str(summary)


def _store(workspace: Workspace, tables: dict[str, list[dict]], params: TextParams) -> None:
    """Replace every `text_*` table of this analysis at once: a killed run leaves the
    previous results whole."""
    con = workspace.con
    con.execute("BEGIN TRANSACTION")
    try:
        for name, schema in SCHEMAS.items():
            arrow = pa.Table.from_pylist(tables.get(name, []), schema=schema)
            con.register("_text_rows", arrow)
            try:
                con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _text_rows")
            finally:
                con.unregister("_text_rows")
        con.execute("CREATE OR REPLACE TABLE text_parameters (name VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO text_parameters VALUES (?, ?)", [[k, json.dumps(v)] for k, v in asdict(params).items()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def write_files(workspace: Workspace, out_dir: Path, reuse_written: bool = True) -> list[Path]:
    """The CONTRACT §4 files from the stored tables, each written under a temporary name
    and renamed, so a reader never sees half a file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, (table, columns) in FILES.items():
        written.append(copy_csv(workspace.con, f"SELECT {columns} FROM {table} ORDER BY ALL", out_dir / file_name))
    if not reuse_written or not (out_dir / "reuse.csv").exists():
        from inconcert.text.reuse import write_reuse_csv

        if table_exists(workspace.con, "text_reuse"):
            written.append(write_reuse_csv(workspace.con, out_dir))
    return written


