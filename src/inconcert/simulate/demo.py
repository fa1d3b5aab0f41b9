"""`inconcert demo`: the whole job on a generated scenario, in one command.

The scenario is written into the workspace (`WS/scenario/`) with a fixed seed, so running
the demo again rewrites the same bytes and ingest, which skips files it has seen, adds
nothing: the demo can be re-run on the same workspace as often as one likes.
"""

from __future__ import annotations

from dataclasses import dataclass

from inconcert.ingest.pipeline import IngestReport, ProgressHook, ingest
from inconcert.simulate.scenario import Manifest, ScenarioFile, write_scenario
from inconcert.store.workspace import Workspace

DEMO_SEED = 7
SCENARIO_FOLDER = "scenario"


@dataclass
class DemoRun:
    manifest: Manifest
    ingests: list[tuple[ScenarioFile, IngestReport]]

    @property
    def errors(self) -> list[str]:
        return [message for _, report in self.ingests for message in report.errors]


def run_demo(workspace: Workspace, progress: ProgressHook | None = None) -> DemoRun:
    """Write the scenario into the workspace and ingest every file with its format."""
    manifest = write_scenario(workspace.path / SCENARIO_FOLDER, seed=DEMO_SEED)
    ingests = [(file, ingest(workspace, file.format, [file.path], progress)) for file in manifest.files]
    return DemoRun(manifest, ingests)
