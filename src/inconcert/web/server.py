"""Start the web app: open the workspace read-only, pick the security mode from the
address, say how to reach it, and run uvicorn until interrupted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inconcert.errors import UserError
from inconcert.store.workspace import DATABASE_NAME, Workspace
from inconcert.web.app import guarded_app
from inconcert.web.security import is_loopback, new_token


def serve(workspace: Path, host: str, port: int, announce: Callable[[str], None], quiet: bool = False) -> None:
    import uvicorn

    if not 0 < port < 65536:
        raise UserError(f"--port {port}: must be between 1 and 65535.")
    if not (workspace / DATABASE_NAME).exists():
        raise UserError(f"--workspace {workspace}: no inconcert workspace there (run `inconcert ingest` first).")
    loopback = is_loopback(host)
    token = None if loopback else new_token()
    with Workspace.open(workspace, read_only=True) as ws:
        app = guarded_app(ws, token, loopback_only=loopback)
        shown_host = f"[{host}]" if ":" in host else host
        if token:
            announce(f"bound to {host}, beyond this machine: every request needs the token {token}")
            announce(f"open http://{shown_host}:{port}/?token={token} (or send 'Authorization: Bearer {token}')")
        else:
            announce(f"serving {workspace} read-only at http://{shown_host}:{port}/ (JSON API: /openapi.json); Ctrl-C stops")
        uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info", server_header=False,
                    limit_concurrency=64, timeout_keep_alive=5)
