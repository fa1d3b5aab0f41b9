"""`inconcert demo`: the whole job on a generated scenario, in one command.

The scenario is written into the workspace (`WS/scenario/`) with a fixed seed, so running
the demo again rewrites the same bytes and ingest, which skips files it has seen, adds
nothing: the demo can be re-run on the same workspace as often as one likes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inconcert.coordination.detect import CoordinationParams, CoordinationSummary, detect
from inconcert.coordination.exports import write_outputs
from inconcert.ingest.pipeline import IngestReport, ProgressHook, ingest
from inconcert.signals import SignalsSummary, run_signals
from inconcert.signals.exports import write_outputs as write_signals
from inconcert.simulate.scenario import Manifest, ScenarioFile, write_scenario
from inconcert.store.workspace import Workspace

DEMO_SEED = 7
SCENARIO_FOLDER = "scenario"
COORDINATION_FOLDER = "coordination"
SIGNALS_FOLDER = "signals"
REPORT_FILE = "report.html"
# Every kind of shared object at once, within a minute: what an analyst would try first.
DEMO_COORDINATION = CoordinationParams(window=60, kind="any")


@dataclass
class DemoRun:
    manifest: Manifest
    ingests: list[tuple[ScenarioFile, IngestReport]]
    coordination: CoordinationSummary | None = None
    report: Path | None = None
    signals: SignalsSummary | None = None

    @property
    def errors(self) -> list[str]:
        return [message for _, report in self.ingests for message in report.errors]


def run_demo(workspace: Workspace, progress: ProgressHook | None = None) -> DemoRun:
    """Write the scenario into the workspace, ingest every file with its format, then run
    the coordination and signals analyses and write their files into `WS/coordination/`
    and `WS/signals/`."""
    manifest = write_scenario(workspace.path / SCENARIO_FOLDER, seed=DEMO_SEED)
    ingests = [(file, ingest(workspace, file.format, [file.path], progress)) for file in manifest.files]
    run = DemoRun(manifest, ingests)
    if not run.errors:
        run.coordination = detect(workspace, DEMO_COORDINATION)
        write_outputs(workspace.con, workspace.path / COORDINATION_FOLDER)
        run.signals = run_signals(workspace)
        write_signals(workspace.con, workspace.path / SIGNALS_FOLDER)
        from inconcert.text.run import run_text  # spaCy loads only when the demo reaches the articles

        run_text(workspace, workspace.path / "text")
    if not run.errors:
        # Last, once every analysis has written its tables: the report shows them all.
        from inconcert.report.html import write_report

        run.report = write_report(workspace, workspace.path / REPORT_FILE).path
    return run
