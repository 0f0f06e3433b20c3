"""Load: many browsers' worth of streams against a live server on 127.0.0.1.

Starts `python -m app.server` (one process unless --workers), then opens, all at once, N streams
of the same shared link and M streams of different links, all from one address, reads every
stream to its end and checks that it carried every update of its plan exactly once. Bounded in
count and time; stops by itself.
Target on 2 cores: 100 same + 20 different, zero errors, zero lost updates, p95 first event < 0.5 s (issue 11).

--fleet (issue 22): a redis-server on a free port and two app processes joined by GDV_REDIS_URL,
streams alternating between them as a balancer would; 1,000 same + 40 different. Targets: one
training per run fleet-wide (summed from both processes' /metrics), no refusal, p95 first event
< 1 s, zero errors and lost updates. A build without the fleet code ignores GDV_REDIS_URL: its
processes train on their own, and the trainings target shows it.

The client (bench/sseclient.py) stands in for browsers on other machines but shares the cores:
it sends a browser's request, decodes each stream only until its first event (the time taken),
and checks every update of every stream after all of them ended. The wave starts once every
server's /healthz says its kernels have loaded, as at replicas that have been up a while. It prints where the time to
first event goes (connected, headers in, and the server's own steps from its Server-Timing
header), server CPU per stream, its own CPU, bytes and the load average (other work on the
machine counts in every figure). --client-nice N runs it at a lower priority, and says so.

    .venv/bin/python bench/load.py [--same 100] [--different 20] [--workers 1] [--fleet] [--client-nice 10]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import orjson  # noqa: E402
import sseclient  # noqa: E402
from sseclient import read_stream  # noqa: E402
from targets import record  # noqa: E402

from app.links import parse_comparison  # noqa: E402
from support import start_server  # noqa: E402

SAME = "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"
LOST = "lost or extra updates"
DIFFERENT = "dataset=linear&n_samples=1000&epochs=5&batch_size=full,1,100&seed={i}"


async def one_stream(url: str, deadline: float) -> dict:
    """Read one stream, noting when its first event arrives (bench/sseclient.py); checked afterwards."""
    address = urlsplit(url)
    reading = await read_stream(address.hostname, address.port, f"{address.path}?{address.query}", deadline)
    return {"status": reading.status, "first": reading.first, "complete": False, "error": reading.error,
            "reading": reading}


def check(result: dict) -> None:
    """Every update of the plan exactly once, in order, and an end event."""
    reading = result["reading"]
    if reading.status != 200 or result["error"]:
        return
    try:
        body = sseclient.body(reading)
    except Exception as exc:  # noqa: BLE001 - a broken transfer or coding is an error
        result["error"] = f"{type(exc).__name__}: {exc}"
        return
    event, plan, received, done, ended = None, None, {}, {}, False
    for line in body.decode().splitlines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data = orjson.loads(line[5:])
            if event == "plan":
                plan = data["runs"]
            elif event == "points":
                run = data["run"]
                if data["first_update"] != received.get(run, 0) + 1:
                    result["error"] = f"run {run}: update {data['first_update']} out of order"
                    return
                received[run] = data["first_update"] + len(data["loss"]) - 1
            elif event == "done":
                done[data["run"]] = data
            elif event == "end":
                ended = True
    result["complete"] = ended and plan is not None and all(
        received.get(i, 0) == done[i]["updates"] == (p["total_updates"] if done[i]["status"] == "completed" else done[i]["updates"])
        for i, p in enumerate(plan))
    if not result["complete"]:
        result["error"] = LOST


def start_redis() -> tuple[subprocess.Popen | None, str | None]:
    """Debian's redis-server on a free port, as the compose file runs it (no disk); None if absent."""
    if not shutil.which("redis-server"):
        return None, None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--maxmemory", "256mb", "--maxmemory-policy", "allkeys-lru"],
                            stdout=subprocess.DEVNULL)
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def start_servers(args: argparse.Namespace, redis_url: str | None) -> list[tuple[subprocess.Popen, str]]:
    env = {"GDV_SLOT_WAIT_SECONDS": "10"}
    if redis_url:
        env["GDV_REDIS_URL"] = redis_url
    servers = [start_server(args.workers, **env) for _ in range(2 if args.fleet else 1)]
    # a class arrives at replicas that have been up a while: their kernels have loaded (about a
    # second of CPU holding the GIL; a fresh start is measured by `make check-image`)
    for _, url in servers:
        began = time.monotonic()
        while httpx.get(f"{url}/healthz").json().get("kernels", "ready") != "ready" and time.monotonic() - began < 30:
            time.sleep(0.05)
    return servers


async def run(urls: list[str], same: int, different: int, limit_s: float) -> list[tuple[str, dict]]:
    """Every stream at once, alternating between the servers (a balancer's work)."""
    deadline = time.perf_counter() + limit_s
    queries = [("same", SAME) for _ in range(same)] + [("different", DIFFERENT.format(i=i + 1)) for i in range(different)]
    results = await asyncio.gather(*(one_stream(f"{urls[i % len(urls)]}/api/stream?{query}", deadline)
                                     for i, (_, query) in enumerate(queries)))
    return [(kind, r) for (kind, _), r in zip(queries, results)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else float("nan"))


def trainings(urls: list[str]) -> int:
    """Training runs started, summed over the servers' /metrics."""
    total = 0
    for url in urls:
        found = re.search(r"^gdv_runs_started_total (\S+)$", httpx.get(f"{url}/metrics").text, re.M)
        total += int(float(found.group(1))) if found else 0
    return total


def fleet_state(url: str) -> str:
    """What /healthz says of Redis ("up", "down"), or that this build has no fleet."""
    return httpx.get(f"{url}/healthz").json().get("redis", "not in this build (GDV_REDIS_URL ignored)")


def table(results: list[tuple[str, dict]]) -> dict:
    """Print one row per group; return the whole run's figures."""
    print(f"{'group':10} {'completed':>9} {'rejected':>8} {'errors':>6} {'lost':>5} {'p50 first':>10} {'p95 first':>10}")
    for group in ("same", "different", "all"):
        rs = [r for kind, r in results if group in (kind, "all")]
        figures = {"completed": sum(r["complete"] for r in rs),
                   "rejected": sum(r["status"] in (429, 503) for r in rs),
                   "lost": sum(r["error"] == LOST for r in rs),
                   "errors": [r["error"] or f"HTTP {r['status']}" for r in rs
                              if (r["error"] and r["error"] != LOST) or r["status"] not in (200, 429, 503)],
                   "firsts": [r["first"] for r in rs if r["first"] is not None]}
        print(f"{group:10} {figures['completed']:9} {figures['rejected']:8} {len(figures['errors']):6} {figures['lost']:5} "
              f"{p(figures['firsts'], 50) * 1000:8.0f}ms {p(figures['firsts'], 95) * 1000:8.0f}ms")
    for e in sorted(set(figures["errors"]))[:5]:
        print("  error:", e)
    return figures


def judge(args: argparse.Namespace, figures: dict, trained: int) -> bool:
    errors, lost, p95 = len(figures["errors"]), figures["lost"], p(figures["firsts"], 95)
    if not args.fleet:
        ok = record("load", "zero errors", str(errors), not errors)
        ok &= record("load", "zero lost updates", str(lost), not lost)
        return ok & record("load", "p95 time to first event < 0.5 s (issue 11)", f"{p95:.2f} s", p95 < 0.5)
    runs = len(parse_comparison(SAME, frozenset(), 8)) * bool(args.same) + \
        len(parse_comparison(DIFFERENT.format(i=1), frozenset(), 8)) * args.different
    ok = record("load", f"fleet: trainings fleet-wide = runs ({runs})", str(trained), trained == runs)
    ok &= record("load", "fleet: refusals (429, 503)", str(figures["rejected"]), not figures["rejected"])
    ok &= record("load", "fleet: p95 time to first event < 1 s", f"{p95:.2f} s", p95 < 1.0)
    ok &= record("load", "fleet: errors", str(errors), not errors)
    return ok & record("load", "fleet: lost updates", str(lost), not lost)


def breakdown(results: list[tuple[str, dict]]) -> None:
    """Where the time to first event goes: p50 / p95 of each step as the client saw it, and the
    server's own steps from its Server-Timing header (sent with the first event)."""
    readings = [r["reading"] for _, r in results if r["reading"].status == 200]
    steps = {"connected": [x.connect for x in readings if x.connect is not None],
             "headers in": [x.headers for x in readings if x.headers is not None],
             "first event": [x.first for x in readings if x.first is not None]}
    for x in readings:
        for item in filter(None, x.server_timing.split(",")):
            name, _, dur = item.strip().partition(";dur=")
            steps.setdefault(f"server {name}", []).append(float(dur) / 1000)
    print("from the request's start (s):", "; ".join(
        f"{name} p50 {p(v, 50):.3f} p95 {p(v, 95):.3f}" for name, v in steps.items() if v))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--same", type=int)
    parser.add_argument("--different", type=int)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--fleet", action="store_true", help="two app processes joined by a redis-server")
    parser.add_argument("--time-limit", type=float, default=180)
    parser.add_argument("--client-nice", type=int, default=0,
                        help="run this load client at a lower CPU priority (os.nice), as browsers on other machines would not take the servers' cores")
    args = parser.parse_args()
    args.same = args.same if args.same is not None else (1000 if args.fleet else 100)
    args.different = args.different if args.different is not None else (40 if args.fleet else 20)
    redis, redis_url = start_redis() if args.fleet else (None, None)
    if args.fleet and redis is None:
        print("redis-server is missing (make test installs it): the two processes run without a fleet")
    servers = start_servers(args, redis_url)
    urls = [url for _, url in servers]
    if args.client_nice:
        os.nice(args.client_nice)  # after the servers started: they keep the normal priority
    try:
        began, load0 = time.perf_counter(), os.getloadavg()[0]
        cpu0, client0 = sum(cpu_seconds(proc.pid) for proc, _ in servers), time.process_time()
        results = asyncio.run(run(urls, args.same, args.different, args.time_limit))
        wall, client = time.perf_counter() - began, time.process_time() - client0
        server_cpu, load1 = sum(cpu_seconds(proc.pid) for proc, _ in servers) - cpu0, os.getloadavg()[0]
        trained = trainings(urls)
        state = fleet_state(urls[0]) if args.fleet else None
    finally:
        for proc in [proc for proc, _ in servers] + ([redis] if redis else []):
            proc.terminate()
            proc.wait(10)
    checking = time.process_time()
    for _, result in results:
        check(result)
    sent = sum(len(r["reading"].raw) for _, r in results)
    print(f"{args.same} clients on one link + {args.different} on different links, one address, "
          f"{len(servers)} server(s) x {args.workers} worker(s), {wall:.1f} s; trainings {trained}"
          + (f"; redis: {state}" if args.fleet else ""))
    print(f"server CPU {server_cpu:.2f} s ({server_cpu / len(results) * 1000:.1f} ms a stream); load client CPU "
          f"{client:.2f} s while streams were open" + (f" at nice {args.client_nice}" if args.client_nice else "")
          + f", {time.process_time() - checking:.2f} s checking them afterwards; {sent / 1e6:.0f} MB received "
          f"({sent / max(1, len(results)) / 1e3:.0f} KB a stream, {results[0][1]['reading'].coding or 'identity'}); "
          f"load average {load0:.2f} before, {load1:.2f} after (2 cores, shared)\n")
    breakdown(results)
    ok = judge(args, table(results), trained)
    print("\ntarget: zero errors, zero lost updates, p95 time to first event < "
          + ("1 s, one training per run, no refusal" if args.fleet else "0.5 s"))
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
