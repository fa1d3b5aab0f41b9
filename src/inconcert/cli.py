"""The `inconcert` command line (CONTRACT.md is its public interface)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from inconcert import __version__
from inconcert.errors import UserError
from inconcert.ingest import FORMATS, formats_help
from inconcert.store.workspace import DEFAULT_WORKSPACE, Workspace

if TYPE_CHECKING:
    from inconcert.ingest.pipeline import IngestReport
    from inconcert.simulate.scenario import Manifest

app = typer.Typer(
    name="inconcert",
    help="Find accounts that act in concert and outlets that recycle talking points, with the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
stderr = Console(stderr=True)

WorkspaceOption = typer.Option(DEFAULT_WORKSPACE, "--workspace", "-w", help="Workspace folder (created when missing).")
QuietOption = typer.Option(False, "--quiet", "-q", help="No progress bars or tables; only the summary line.")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"inconcert {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """inconcert: coordinated behaviour and narratives, offline."""


@contextmanager
def _progress(quiet: bool) -> Iterator[object]:
    """A per-file byte progress bar on stderr, only when a person is watching."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=stderr, transient=True,
    )
    with progress:
        def hook(path: Path, size: int):
            task = progress.add_task(path.name[:40], total=size or None)
            return lambda n: progress.advance(task, n)

        yield hook


@app.command(
    help="Read input files into the workspace's canonical tables.\n\nFormats:\n\n" + formats_help().replace("\n", "\n\n"),
)
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders to read.", show_default=False),
    format: str = typer.Option(..., "--format", "-f", help=f"Input format: {', '.join(FORMATS)}.", show_default=False),
    workspace: Path = WorkspaceOption,
    quiet: bool = QuietOption,
    engine: str = typer.Option("duckdb", "--engine", help="Who reads the files: duckdb (default) or spark (actions Parquet and CSV and JSON-lines exports parsed on Spark; other files on the driver)."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", envvar="INCONCERT_SPARK_MASTER", help="Spark master URL for --engine spark."),
) -> None:
    from inconcert.engines import open_engine
    from inconcert.ingest.pipeline import expand_paths, ingest as run_ingest
    from inconcert.ingest import reader_module

    reader_module(format)
    files = expand_paths(paths)  # missing files are reported before the workspace is touched
    runner = open_engine(engine, workspace_path=workspace, spark_master=spark_master)
    try:
        with Workspace.open(workspace) as ws, _progress(quiet) as hook:
            report = run_ingest(ws, format, files, hook, engine=runner)
    finally:
        runner.close()
    if not quiet:
        report_skipped(report)
    typer.echo(report.summary())
    if report.errors:
        for message in report.errors:
            typer.echo(message, err=True)
        raise typer.Exit(2)


def report_skipped(report: IngestReport) -> None:
    """One unwrapped stderr line per file that was ingested before, so scripts can grep it."""
    for result in report.files:
        if result.skipped:
            typer.echo(f"{result.path}: already ingested, skipped", err=True)


@app.command(help="Show what a workspace holds: table sizes and the files ingested.")
def status(workspace: Path = WorkspaceOption) -> None:
    with Workspace.open(workspace, read_only=True) as ws:
        print_workspace_summary(ws)


def report_console() -> Console:
    """Stdout for tables; when it is not a terminal, wide enough that no header is cut."""
    return Console() if sys.stdout.isatty() else Console(width=120)


def print_workspace_summary(ws: Workspace) -> None:
    console = report_console()
    table = Table(title=f"workspace {ws.path}")
    for column in ("format", "files", "records", "quarantined", "posts", "accounts", "actions", "articles"):
        table.add_column(column, justify="left" if column == "format" else "right")
    rows = ws.con.execute(
        """
        SELECT format, count(*), sum(n_records), sum(n_quarantined), sum(n_posts),
               sum(n_accounts), sum(n_actions), sum(n_articles)
        FROM ingests GROUP BY format ORDER BY format
        """
    ).fetchall()
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)


@app.command(
    help="Write a seeded scenario with planted operations.\n\n"
    "Files in real formats (twarc2 pages, io-archive CSV, Telegram export, article JSON lines) "
    "with ground_truth.json and manifest.json beside them; see docs/simulate.md.",
)
def simulate(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the scenario into (created when missing).", show_default=False),
    seed: int = typer.Option(7, "--seed", help="Random seed; the same seed and scale write byte-identical files."),
    scale: float = typer.Option(1.0, "--scale", help="Size of the organic crowd (1.0 is 1,500 accounts); operations keep their size."),
    quiet: bool = QuietOption,
) -> None:
    from inconcert.simulate import write_scenario

    manifest = write_scenario(out, seed, scale)
    if not quiet:
        print_scenario_files(manifest)
        for line in manifest.planted():
            typer.echo(f"planted {line}")
    typer.echo(f"wrote {len(manifest.files)} files to {out}; ground truth in {manifest.ground_truth}")


def print_scenario_files(manifest: Manifest) -> None:
    console = report_console()
    table = Table(title=f"scenario {manifest.out_dir} (seed {manifest.seed}, scale {manifest.scale:g})")
    columns = ("file", "format", "records", "posts", "accounts", "actions", "articles")
    for column in columns:
        table.add_column(column, justify="left" if column in ("file", "format") else "right")
    for file in manifest.files:
        table.add_row(
            file.path.relative_to(manifest.out_dir).as_posix(), file.format,
            *(str(getattr(file, column)) for column in columns[2:]),
        )
    console.print(table)


@app.command(
    help="Run the whole job on a generated sample scenario.\n\n"
    "Writes the scenario into WS/scenario/, ingests it, runs every analysis, shows what was planted and "
    "writes WS/report.html; the last line is the report's path. See docs/demo.md.",
)
def demo(workspace: Path = WorkspaceOption, quiet: bool = QuietOption) -> None:
    from inconcert.simulate.demo import run_demo

    with Workspace.open(workspace) as ws, _progress(quiet) as hook:
        run = run_demo(ws, hook)
        if run.errors:
            for message in run.errors:
                typer.echo(message, err=True)
            typer.echo("inconcert: the demo scenario could not be ingested; please report it.", err=True)
            raise typer.Exit(1)
        if not quiet:
            for _, report in run.ingests:
                report_skipped(report)
            print_workspace_summary(ws)
            print_clusters(ws)
    if not quiet:
        typer.echo(f"planted (ground truth in {run.manifest.ground_truth}):")
        for line in run.manifest.planted():
            typer.echo(f"  {line}")
        typer.echo(f"coordination files in {workspace / 'coordination'}")
        typer.echo(f"explore it live: inconcert serve --workspace {workspace}")
    # The report's path last, so scripts can open it: `xdg-open "$(inconcert demo | tail -n1)"`.
    typer.echo(str(run.report))


def print_clusters(ws: Workspace, limit: int = 12) -> None:
    """The coordinated clusters found, flagged first, as a table."""
    console = report_console()
    table = Table(title="coordinated clusters (flagged first)")
    columns = ("cluster", "flagged", "accounts", "edges", "weight", "created", "what they shared")
    for column in columns:
        table.add_column(column, justify="right" if column in ("cluster", "accounts", "edges", "weight") else "left")
    rows = ws.con.execute(
        f"""
        SELECT cluster_id, flagged, n_accounts, n_edges, total_weight,
               coalesce(strftime(created_min, '%Y-%m-%d') || ' .. ' || strftime(created_max, '%Y-%m-%d'), ''),
               coalesce(top_objects, '')
        FROM coordination_clusters ORDER BY flagged DESC, n_flagged DESC, total_weight DESC LIMIT {limit}
        """
    ).fetchall()
    for row in rows:
        table.add_row(*(str(value) for value in row[:6]), row[6][:70])
    console.print(table)


def _window(value: str) -> float | None:
    if value.strip().lower() == "auto":
        return None
    try:
        return float(value)
    except ValueError:
        raise UserError(f"--window {value}: not a number of seconds or 'auto'.") from None


@app.command(help="Find accounts that shared the same objects within a time window; write edges, clusters and evidence.")
def coordination(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for edges.csv, accounts.csv, clusters.csv, evidence.parquet, network files.", show_default=False),
    window: str = typer.Option(..., "--window", help="Seconds within which two shares count as co-shares, or 'auto' (CooRnet's estimate).", show_default=False),
    kind: str = typer.Option("retweet", "--kind", help="Shared object: retweet, link, domain, hashtag, hashtag-sequence, text, near-text, reply, mention, image, or any."),
    min_participation: int = typer.Option(1, "--min-participation", help="CooRTweet's min_participation."),
    max_object_accounts: Optional[int] = typer.Option(None, "--max-object-accounts", help="Set aside objects shared by more accounts than this (listed in viral_objects.csv)."),
    max_object_pairs: int = typer.Option(10_000_000, "--max-object-pairs", help="Set aside objects whose shares would make more candidate pairs within the window than this, before pairing (listed in viral_objects.csv); 0 = no limit."),
    fast_window: Optional[float] = typer.Option(None, "--fast-window", help="Also count pairs within this narrower window (weight_fast)."),
    edge_percentile: float = typer.Option(0.5, "--edge-percentile", help="Mark edges above this quantile of weights (above_percentile)."),
    near_text_threshold: float = typer.Option(0.55, "--near-text-threshold", help="Jaccard similarity of word shingles at which two posts are near-duplicates (--kind near-text)."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default, embedded) or spark (pyspark; local[*] unless --spark-master)."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", envvar="INCONCERT_SPARK_MASTER", help="Spark master URL for --engine spark (local[*], yarn, spark://host:7077, k8s://...)."),
    graph_files: bool = typer.Option(True, "--graph-files/--no-graph-files", help="Write network.graphml and network.gexf."),
    workspace: Path = WorkspaceOption,
    quiet: bool = QuietOption,
) -> None:
    from inconcert.coordination.detect import CoordinationParams, detect
    from inconcert.coordination.exports import write_outputs

    from inconcert.engines import open_engine

    params = CoordinationParams(
        window=_window(window), kind=kind, min_participation=min_participation,
        max_object_accounts=max_object_accounts, max_object_pairs=max_object_pairs,
        fast_window=fast_window, edge_percentile=edge_percentile,
        near_text_threshold=near_text_threshold,
    )
    params.validate()
    runner = open_engine(engine, workspace_path=workspace, spark_master=spark_master)
    try:
        with Workspace.open(workspace) as ws:
            summary = detect(ws, params, engine=runner)
            write_outputs(ws.con, out, graph_files=graph_files)
    finally:
        runner.close()
    if not quiet:
        stderr.print(
            f"window {summary.window:g} s, kinds {', '.join(summary.kinds)}: {summary.shares} shares, "
            f"{summary.pairs} co-share pairs, {summary.viral_objects} viral objects set aside",
            markup=False, highlight=False, soft_wrap=True,
        )
    typer.echo(
        f"{summary.edges} edges between {summary.accounts} accounts in {summary.clusters} clusters; "
        f"flagged {summary.flagged_accounts} accounts in {summary.flagged_clusters} clusters; wrote {out}"
    )


@app.command(
    help="Find persuasion-technique spans in article<ID>.txt files (the PTC layout of SemEval-2020 task 11).\n\n"
    "Without --spans, writes one line per span found: ID, technique, start, end (tab-separated). With --spans "
    "TEMPLATE (lines ID, ?, start, end), writes the template's lines with ? replaced by the technique. "
    "See docs/techniques.md.",
)
def techniques(
    articles: Path = typer.Option(..., "--articles", help="Folder of article<ID>.txt files.", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", help="File to write the tab-separated lines to.", show_default=False),
    spans: Optional[Path] = typer.Option(None, "--spans", help="Template of given spans (ID, ?, start, end) to label instead of finding spans."),
    quiet: bool = QuietOption,
) -> None:
    from inconcert.text.techniques.corpus import run_techniques

    run = run_techniques(articles, out, spans)
    what = "labelled" if run.mode == "template" else "found"
    typer.echo(f"{what} {run.n_lines} technique spans in {run.n_articles} articles; wrote {out}")


@app.command(help="Write one self-contained HTML report (opens offline) of everything in the workspace; runs missing analyses with defaults. See docs/report.md.")
def report(
    out: Path = typer.Option(..., "--out", "-o", help="The HTML file to write.", show_default=False),
    workspace: Path = WorkspaceOption,
    quiet: bool = QuietOption,
) -> None:
    from inconcert.report.html import write_report
    from inconcert.store.workspace import DATABASE_NAME

    if not (workspace / DATABASE_NAME).exists():
        raise UserError(f"--workspace {workspace}: no inconcert workspace there (run `inconcert ingest` first).")
    if out.is_dir():
        raise UserError(f"--out {out}: is a folder; give a file name such as report.html.")
    with Workspace.open(workspace) as ws:
        summary = write_report(ws, out)
    if not quiet and summary.ran:
        stderr.print(f"ran with default settings: {', '.join(summary.ran)}", markup=False, highlight=False)
    for analysis, reason in summary.failed.items():
        typer.echo(f"inconcert: the {analysis} analysis could not run, its section says so: {reason}", err=True)
    shown = f"{summary.nodes} accounts and {summary.edges} links"
    if summary.edges < summary.total_edges:
        shown += f" (the strongest of {summary.total_edges} links)"
    typer.echo(f"wrote {out} ({summary.size / 1e6:.1f} MB; network of {shown})")


@app.command(help="Serve the workspace (read-only) as a local web app with filters, search and a JSON API. See docs/report.md.")
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; anything but loopback requires the printed token."),
    port: int = typer.Option(8765, "--port", help="TCP port."),
    workspace: Path = WorkspaceOption,
    quiet: bool = QuietOption,
) -> None:
    from inconcert.web.server import serve as run_server

    run_server(workspace, host, port, announce=typer.echo, quiet=quiet)


@app.command(help="Account and time signals: creation bursts, hashtag/link/domain volume bursts, bot-likeness, synchronised pairs. See docs/signals.md.")
def signals(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for creation_bursts.csv, accounts.csv, volume_bursts.csv, sync_pairs.csv, parameters.json.", show_default=False),
    fdr: float = typer.Option(0.01, "--fdr", help="False discovery rate for every burst and synchronised pair."),
    min_burst_accounts: int = typer.Option(5, "--min-burst-accounts", help="Fewest accounts created in one period for a creation burst."),
    min_burst_posts: int = typer.Option(10, "--min-burst-posts", help="Fewest posts in one period for a volume burst."),
    sync_bin: int = typer.Option(600, "--sync-bin", help="Seconds per activity bin for synchronised pairs."),
    engine: str = typer.Option("duckdb", "--engine", help="Where the volume series are counted: duckdb (default) or spark."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", envvar="INCONCERT_SPARK_MASTER", help="Spark master URL for --engine spark."),
    workspace: Path = WorkspaceOption,
    quiet: bool = QuietOption,
) -> None:
    from inconcert.engines import open_engine
    from inconcert.signals import SignalsParams, run_signals
    from inconcert.signals.exports import check_out_folder, write_outputs

    params = SignalsParams(fdr=fdr, min_burst_accounts=min_burst_accounts, min_burst_posts=min_burst_posts, sync_bin_seconds=sync_bin)
    params.validate()
    check_out_folder(out)
    runner = open_engine(engine, workspace_path=workspace, spark_master=spark_master)
    try:
        with Workspace.open(workspace) as ws:
            summary = run_signals(ws, params, engine=runner)
            write_outputs(ws.con, out)
    finally:
        runner.close()
    if not quiet:
        stderr.print(
            f"{summary.accounts} accounts, {summary.dated_accounts} with a creation date; "
            f"{summary.high_bot_score} with bot_score >= 0.5",
            markup=False, highlight=False, soft_wrap=True,
        )
    typer.echo(
        f"{summary.creation_bursts} creation bursts ({summary.accounts_in_bursts} accounts), "
        f"{summary.volume_bursts} volume bursts, {summary.sync_pairs} synchronised pairs; wrote {out}"
    )


@app.command(help="Competing narratives in the workspace's articles: figures and their sources, attributions, labels, relations, techniques, reused passages and where articles disagree. See docs/text.md.")
def text(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for quantities.csv, attributions.csv, labels.csv, relations.csv, techniques.csv, disagreements.csv, reuse.csv.", show_default=False),
    processes: int = typer.Option(0, "--processes", help="Worker processes for the per-article analyses; 0: one per CPU core."),
    engine: str = typer.Option("duckdb", "--engine", help="Where the reuse band join runs: duckdb (default) or spark."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", envvar="INCONCERT_SPARK_MASTER", help="Spark master URL for --engine spark."),
    workspace: Path = WorkspaceOption,
    quiet: bool = QuietOption,
) -> None:
    from inconcert.engines import open_engine
    from inconcert.text.run import TextParams, run_text

    params = TextParams(n_process=processes)
    params.validate()
    runner = open_engine(engine, workspace_path=workspace, spark_master=spark_master)
    try:
        with Workspace.open(workspace) as ws:
            summary = run_text(ws, out, params, engine=runner)
    finally:
        runner.close()
    if not quiet:
        for doc_id, note in summary.unsupported:
            stderr.print(f"{doc_id}: {note}", markup=False, highlight=False, soft_wrap=True)
        if summary.techniques_note:
            stderr.print(f"techniques: {summary.techniques_note}", markup=False, highlight=False, soft_wrap=True)
    counts = summary.counts
    typer.echo(
        f"{summary.analysed} of {summary.documents} articles analysed ({len(summary.unsupported)} in unsupported languages): "
        f"{counts['text_quantities']} quantities, {counts['text_attributions']} attributions, {counts['text_labels']} labels, "
        f"{counts['text_relations']} relations, {counts['text_techniques']} technique spans, "
        f"{counts['text_disagreements']} disagreements; wrote {out}"
    )


def main() -> None:
    """Entry point: user mistakes end with exit 2 and one sentence, never a traceback."""
    try:
        app()
    except UserError as error:
        typer.echo(f"inconcert: {error}", err=True)
        sys.exit(2)
    except duckdb.OutOfMemoryException:
        typer.echo(
            "inconcert: ran out of memory; set INCONCERT_MEMORY_LIMIT (e.g. 4GB) so DuckDB spills to disk, "
            "or narrow the work (--kind, --max-object-accounts, --max-object-pairs).",
            err=True,
        )
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("inconcert: interrupted; the workspace keeps only what was complete.", err=True)
        sys.exit(130)
    except Exception as error:  # a bug, not a user mistake: say so briefly
        if os.environ.get("INCONCERT_DEBUG"):
            raise
        typer.echo(
            f"inconcert: internal error ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); "
            "set INCONCERT_DEBUG=1 to see the traceback and please report it.",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
