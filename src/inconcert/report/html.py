"""The self-contained report: one HTML file with the front-end bundle and the data inlined.

It opens from disk with no network (browsers block fetch() from file://, so the data is
inlined as a JSON block). Safety: the JSON is escaped so that no text in it can close its
<script> element, and a Content-Security-Policy lets only the inlined bundle (by hash) run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from inconcert.errors import UserError
from inconcert.report.analyses import ensure_analyses
from inconcert.report.views import report_data
from inconcert.store.files import write_atomically
from inconcert.store.workspace import Workspace

ASSET_PACKAGE = "inconcert.report.assets"
SCRIPT_FILE, STYLE_FILE = "inconcert.js", "inconcert.css"


def asset(name: str) -> str:
    return resources.files(ASSET_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def json_for_script(data: object) -> str:
    """JSON that is inert inside <script type="application/json">: '<', '>' and '&' as
    \\u escapes (so '</script>' or '<!--' in a post cannot end the block), and the two
    line separators JavaScript once treated as newlines."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _inline_safe(code: str, element: str) -> str:
    """Bundled code cannot close its own element early."""
    return code.replace(f"</{element}", f"<\\/{element}")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def render_html(data: dict, title: str) -> str:
    script = _inline_safe(asset(SCRIPT_FILE), "script")
    style = _inline_safe(asset(STYLE_FILE), "style")
    policy = (
        f"default-src 'none'; script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; "
        "img-src data: blob:; worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    generated = data.get("meta", {}).get("generated_at", "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{html.escape(policy)}\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f"<header class=\"top\"><h1>{html.escape(title)}</h1>"
        f"<p>Written by {html.escape(data.get('meta', {}).get('generator', 'inconcert'))} on {html.escape(generated)}; "
        "opens offline. It measures behaviour and text, not who is right.</p></header>\n"
        "<main id=\"app\"><noscript>This report needs JavaScript to draw its views.</noscript></main>\n"
        f"<script type=\"application/json\" id=\"inconcert-data\">{json_for_script(data)}</script>\n"
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


@dataclass(frozen=True)
class ReportSummary:
    path: Path
    size: int
    ran: list[str]
    failed: dict[str, str]
    nodes: int
    edges: int
    total_edges: int


def write_report(ws: Workspace, out: Path) -> ReportSummary:
    """Run what is missing, gather every view and write the file (temp name, then rename,
    so a reader never sees half a report)."""
    if out.is_dir():
        raise UserError(f"--out {out}: is a folder; give a file name such as report.html.")
    analyses = ensure_analyses(ws)
    data = report_data(ws.con, failed=analyses.failed)
    document = render_html(data, f"inconcert report — {ws.path.resolve().name}")
    write_atomically(out, lambda tmp: tmp.write_text(document, encoding="utf-8"))
    network = data.get("network") or {}
    return ReportSummary(
        out, len(document.encode("utf-8")), analyses.ran, analyses.failed,
        network.get("shown_nodes", 0), network.get("shown_edges", 0), network.get("total_edges", 0),
    )
