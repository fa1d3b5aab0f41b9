"""Load on the served API: bounded concurrent clients against `inconcert serve` on
127.0.0.1, for a fixed time, reporting throughput, latency percentiles and errors.

    .venv/bin/python benchmarks/load.py [--workspace WS] [--clients 50] [--seconds 60] [--client h11|httpx]

Without --workspace it builds the demo workspace first (benchmarks/.work/load-demo). The
target (issue 10): p99 under 500 ms and no errors on the demo workspace. Each target is
first requested once and timed apart (the server computes it then), and the load that
follows is the steady state. It prints the CPU time of the server and of this client, as
both share the machine. Traffic goes to the loopback address only, and the run stops by
itself.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import random
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import h11
import httpx

if importlib.util.find_spec("sniffio") is None:
    # httpcore imports sniffio on every request; when it is not installed, each failed
    # import searches sys.path again, which took a third of this client's CPU time and
    # slowed every request measured. Recording the absence once makes the miss instant.
    sys.modules["sniffio"] = None

ROOT = Path(__file__).resolve().parents[1]
INCONCERT = [sys.executable, "-m", "inconcert.cli"]
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def demo_workspace() -> Path:
    workspace = ROOT / "benchmarks" / ".work" / "load-demo"
    if not (workspace / "inconcert.duckdb").exists():
        subprocess.run([*INCONCERT, "demo", "--workspace", str(workspace), "--quiet"], check=True)
    return workspace


def wait_until_up(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"inconcert serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/api/overview", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("inconcert serve did not answer within a minute")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc), to show what share of
    the machine the server took, apart from the load client in this process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def request_mix(base: str) -> list[str]:
    """What an analyst's browser asks for (the page, its script and style, every view at
    once from /api/report, then evidence per clicked edge and searches), and what a
    notebook polls (overview, network, clusters, timelines): request targets (path and
    query), one drawn at random for each request."""
    edges = httpx.get(f"{base}/api/network", params={"max_edges": 200}, timeout=30).json()
    pairs = []
    nodes = edges.get("nodes", {})
    ids = nodes.get("id") or nodes.get("key") or []
    for source, target in zip(edges.get("edges", {}).get("source", [])[:50], edges.get("edges", {}).get("target", [])[:50]):
        if source < len(ids) and target < len(ids):
            pairs.append((ids[source], ids[target]))
    targets = ["/", "/static/inconcert.js", "/static/inconcert.css", "/api/report", "/api/overview",
               "/api/network?max_edges=2000", "/api/clusters", "/api/timelines", "/api/search?q=election", "/api/search?q=the"]
    targets += [str(httpx.URL("/api/evidence", params={"a": a, "b": b})) for a, b in pairs[:20]]
    return targets


def first_requests(base: str, targets: list[str]) -> list[tuple[float, str]]:
    """Each target once, one after the other, before the load: the time of answers that
    the server computes (its cache is cold), reported apart from the steady state."""
    timings = []
    with httpx.Client(base_url=base, timeout=60) as session:
        for target in targets:
            started = time.perf_counter()
            session.get(target).raise_for_status()
            timings.append((time.perf_counter() - started, target))
    return timings


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.per_endpoint: dict[str, list[float]] = {}

    def add(self, target: str, seconds: float, error: str | None = None) -> None:
        self.latencies.append(seconds)
        self.per_endpoint.setdefault(target.split("?", 1)[0], []).append(seconds)
        if error:
            self.errors.append(f"{error} {target}")


async def h11_client(host: str, port: int, targets: list[str], until: float, seed: int, tally: Tally) -> None:
    """One keep-alive connection asking as a browser does (gzip accepted), parsed by h11.
    httpx costs about 1.3 ms of CPU per request, twice what the server spends answering
    a cached view, so on a two-core machine an httpx client measures mostly itself; this
    one costs a fraction of that. It checks the status and that each body arrives whole
    (h11 holds the server to Content-Length); it does not decompress or parse bodies."""
    rng = random.Random(seed)
    headers = [("Host", f"{host}:{port}"), ("Accept-Encoding", "gzip"), ("Accept", "application/json")]
    reader = writer = None
    while time.monotonic() < until:
        target = rng.choice(targets)
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
                connection = h11.Connection(h11.CLIENT)
            status = await asyncio.wait_for(exchange(connection, reader, writer, target, headers), REQUEST_TIMEOUT)
            tally.add(target, time.perf_counter() - started, None if status == 200 else str(status))
            if connection.our_state is not h11.IDLE:  # the server closed it after answering
                writer.close()
                reader = writer = None
        except (OSError, asyncio.TimeoutError, h11.ProtocolError) as error:
            tally.add(target, time.perf_counter() - started, type(error).__name__)
            if writer is not None:
                writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def exchange(connection: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   target: str, headers: list[tuple[str, str]]) -> int:
    writer.write(connection.send(h11.Request(method="GET", target=target, headers=headers))
                 + connection.send(h11.EndOfMessage()))
    status = 0
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            data = await reader.read(1 << 18)
            if not data:
                raise ConnectionResetError("server closed the connection")
            connection.receive_data(data)
        elif isinstance(event, h11.Response):
            status = event.status_code
        elif isinstance(event, h11.EndOfMessage):
            if connection.our_state is h11.DONE and connection.their_state is h11.DONE:
                connection.start_next_cycle()
            return status


async def httpx_client(base: str, targets: list[str], until: float, seed: int, tally: Tally,
                       session: httpx.AsyncClient) -> None:
    """What a notebook would use; kept to compare clients (--client httpx)."""
    rng = random.Random(seed)
    while time.monotonic() < until:
        target = rng.choice(targets)
        started = time.perf_counter()
        try:
            response = await session.get(base + target)
            tally.add(target, time.perf_counter() - started, None if response.status_code == 200 else str(response.status_code))
        except httpx.HTTPError as error:
            tally.add(target, time.perf_counter() - started, type(error).__name__)


async def drive(kind: str, port: int, targets: list[str], clients: int, seconds: float) -> Tally:
    tally = Tally()
    if kind == "h11":
        until = time.monotonic() + seconds
        await asyncio.gather(*(h11_client(HOST, port, targets, until, seed, tally) for seed in range(clients)))
        return tally
    # One client object per simulated user, made before the clock starts (each loads
    # the system's certificates, which takes tens of milliseconds).
    sessions = [httpx.AsyncClient(timeout=REQUEST_TIMEOUT) for _ in range(clients)]
    until = time.monotonic() + seconds
    try:
        await asyncio.gather(*(httpx_client(f"http://{HOST}:{port}", targets, until, seed, tally, session)
                               for seed, session in enumerate(sessions)))
    finally:
        for session in sessions:
            await session.aclose()
    return tally


def percentile(sorted_seconds: list[float], fraction: float) -> float:
    return sorted_seconds[min(len(sorted_seconds) - 1, int(len(sorted_seconds) * fraction))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--client", choices=("h11", "httpx"), default="h11",
                        help="how the simulated users speak HTTP (see h11_client for why h11 is the default)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600:
        raise SystemExit("--clients 1..500 and --seconds up to 600: the run must stay bounded")
    workspace = args.workspace or demo_workspace()
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen([*INCONCERT, "serve", "--workspace", str(workspace), "--host", HOST, "--port", str(port), "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(base, server)
        targets = request_mix(base)
        cold = first_requests(base, targets)
        server_cpu, client_cpu, wall = cpu_seconds(server.pid), own_cpu_seconds(), time.perf_counter()
        tally = asyncio.run(drive(args.client, port, targets, args.clients, args.seconds))
        server_cpu, client_cpu = cpu_seconds(server.pid) - server_cpu, own_cpu_seconds() - client_cpu
        wall = time.perf_counter() - wall
    finally:
        server.terminate()
        server.wait(timeout=30)
    cold.sort(reverse=True)
    print(f"first request of each of the {len(targets)} targets (computed, then cached): "
          f"total {sum(t for t, _ in cold) * 1000:.0f} ms, slowest {cold[0][0] * 1000:.0f} ms ({cold[0][1]})")
    latencies = sorted(tally.latencies)
    count = len(latencies)
    print(f"{args.clients} clients ({args.client}) for {args.seconds:g} s on {base}")
    print(f"requests {count}  throughput {count / wall:.1f}/s  p50 {percentile(latencies, 0.5):.0f} ms  "
          f"p99 {percentile(latencies, 0.99):.0f} ms  max {latencies[-1] * 1000:.0f} ms  errors {len(tally.errors)}")
    print(f"wall {wall:.1f} s  CPU: server {server_cpu:.1f} s ({server_cpu / wall:.0%} of a core, "
          f"{server_cpu / count * 1000:.2f} ms a request), load client {client_cpu:.1f} s ({client_cpu / wall:.0%}), "
          f"{os.cpu_count()} cores on the machine, load average {os.getloadavg()[0]:.1f}")
    for path, times in sorted(tally.per_endpoint.items()):
        times.sort()
        print(f"  {path:<22} n {len(times):>6}  p50 {percentile(times, 0.5):>6.0f} ms  p99 {percentile(times, 0.99):>6.0f} ms")
    for line in sorted(set(tally.errors))[:10]:
        print("  error:", line)
    target_met = percentile(latencies, 0.99) < 500 and not tally.errors
    print("target p99 < 500 ms and zero errors:", "met" if target_met else "NOT met")
    return 0 if target_met else 1


if __name__ == "__main__":
    sys.exit(main())
