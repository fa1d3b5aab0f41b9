"""Load on the served API: bounded concurrent clients against `inconcert serve` on
127.0.0.1, for a fixed time, reporting throughput, latency percentiles and errors.

    .venv/bin/python benchmarks/load.py [--workspace WS] [--clients 50] [--seconds 60]

Without --workspace it builds the demo workspace first (benchmarks/.work/load-demo). The
target (issue 10): p99 under 500 ms and no errors on the demo workspace. Traffic goes to
the loopback address only, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
INCONCERT = [sys.executable, "-m", "inconcert.cli"]
HOST = "127.0.0.1"


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


def request_mix(base: str) -> list[str]:
    """What an analyst's browser asks for: overview, network, clusters, evidence, search."""
    edges = httpx.get(f"{base}/api/network", params={"max_edges": 200}, timeout=30).json()
    pairs = []
    nodes = edges.get("nodes", {})
    ids = nodes.get("id") or nodes.get("key") or []
    for source, target in zip(edges.get("edges", {}).get("source", [])[:50], edges.get("edges", {}).get("target", [])[:50]):
        if source < len(ids) and target < len(ids):
            pairs.append((ids[source], ids[target]))
    urls = [f"{base}/api/overview", f"{base}/api/network?max_edges=2000", f"{base}/api/clusters",
            f"{base}/api/timelines", f"{base}/api/search?q=election", f"{base}/api/search?q=the"]
    urls += [str(httpx.URL(f"{base}/api/evidence", params={"a": a, "b": b})) for a, b in pairs[:20]]
    return urls


async def client(urls: list[str], until: float, latencies: list[float], errors: list[str], seed: int,
                 per_endpoint: dict[str, list[float]]) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(timeout=30) as session:
        while time.monotonic() < until:
            url = rng.choice(urls)
            started = time.perf_counter()
            try:
                response = await session.get(url)
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {url}")
            except httpx.HTTPError as error:
                errors.append(f"{type(error).__name__} {url}")
            latencies.append(time.perf_counter() - started)
            per_endpoint.setdefault(httpx.URL(url).path, []).append(latencies[-1])


async def drive(urls: list[str], clients: int, seconds: float):
    latencies: list[float] = []
    errors: list[str] = []
    per_endpoint: dict[str, list[float]] = {}
    until = time.monotonic() + seconds
    await asyncio.gather(*(client(urls, until, latencies, errors, seed, per_endpoint) for seed in range(clients)))
    return latencies, errors, per_endpoint


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
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
        urls = request_mix(base)
        latencies, errors, per_endpoint = asyncio.run(drive(urls, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"{args.clients} clients for {args.seconds:g} s on {base}, {len(urls)} distinct requests")
    print(f"requests {len(latencies)}  throughput {len(latencies) / args.seconds:.1f}/s  "
          f"p50 {p50:.0f} ms  p99 {p99:.0f} ms  max {latencies[-1] * 1000:.0f} ms  errors {len(errors)}")
    for path, times in sorted(per_endpoint.items()):
        times.sort()
        print(f"  {path:<18} n {len(times):>6}  p50 {statistics.median(times) * 1000:>6.0f} ms  "
              f"p99 {times[min(len(times) - 1, int(len(times) * 0.99))] * 1000:>6.0f} ms")
    for line in sorted(set(errors))[:10]:
        print("  error:", line)
    target_met = p99 < 500 and not errors
    print("target p99 < 500 ms and zero errors:", "met" if target_met else "NOT met")
    return 0 if target_met else 1


if __name__ == "__main__":
    sys.exit(main())
