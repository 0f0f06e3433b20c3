"""Load: many browsers' worth of streams against a live server on 127.0.0.1.

Starts uvicorn (one process unless --workers), then opens, all at once, N streams of the same
shared link and M streams of different links, reads every stream to its end and checks that it
carried every update of its plan exactly once. Bounded in count and time; stops by itself.
Target on 2 cores: 100 same + 20 different, zero errors, zero lost updates, p95 first event < 0.5 s (issue 11).

    .venv/bin/python bench/load.py [--same 100] [--different 20] [--workers 1]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
from targets import record

ROOT = Path(__file__).resolve().parents[1]
SAME = "dataset=linear&n_samples=1000&epochs=20&batch_size=full,1,100"
LOST = "lost or extra updates"
DIFFERENT = "dataset=linear&n_samples=1000&epochs=5&batch_size=full,1,100&seed={i}"


async def one_stream(client: httpx.AsyncClient, url: str, deadline: float) -> dict:
    """Read one stream as bytes, noting when its first event arrives; check it afterwards. Each
    student's browser parses on its own machine: parsing here while 119 other streams wait to be
    read would time this one client process, not the server."""
    start = time.perf_counter()
    result = {"status": None, "first": None, "complete": False, "error": None}
    try:
        async with client.stream("GET", url, timeout=httpx.Timeout(60, connect=30)) as r:
            result["status"] = r.status_code
            if r.status_code != 200:
                await r.aread()
                return result
            body = bytearray()
            async for chunk in r.aiter_raw():
                if time.perf_counter() > deadline:
                    raise TimeoutError("stream still open at the time limit")
                body += chunk
                if result["first"] is None and b"event:" in body:
                    result["first"] = time.perf_counter() - start
        result["body"] = bytes(body)
    except Exception as exc:  # noqa: BLE001 - every failure is counted and printed
        result["error"] = f"{type(exc).__name__}: {exc}"
    return result


def check(result: dict) -> None:
    """Every update of the plan exactly once, in order, and an end event."""
    body = result.pop("body", None)
    if body is None:
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


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
           "--no-access-log", "--log-level", "warning", "--backlog", "2048"]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "GDV_SLOT_WAIT_SECONDS": "10"})
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url + "/healthz", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


async def run(url: str, same: int, different: int, limit_s: float) -> list[tuple[str, dict]]:
    deadline = time.perf_counter() + limit_s
    limits = httpx.Limits(max_connections=same + different + 10)
    async with httpx.AsyncClient(limits=limits) as client:
        jobs = [("same", one_stream(client, f"{url}/api/stream?{SAME}", deadline)) for _ in range(same)]
        jobs += [("different", one_stream(client, f"{url}/api/stream?{DIFFERENT.format(i=i + 1)}", deadline))
                 for i in range(different)]
        results = await asyncio.gather(*(job for _, job in jobs))
    for result in results:
        check(result)
    return [(kind, r) for (kind, _), r in zip(jobs, results)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--same", type=int, default=100)
    parser.add_argument("--different", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=120)
    args = parser.parse_args()
    proc, url = start_server(args.workers)
    try:
        began = time.perf_counter()
        cpu0 = cpu_seconds(proc.pid)
        results = asyncio.run(run(url, args.same, args.different, args.time_limit))
        wall = time.perf_counter() - began
        print(f"server CPU {cpu_seconds(proc.pid) - cpu0:.2f}s, this client CPU {time.process_time():.2f}s")
    finally:
        proc.terminate()
        proc.wait(10)
    ok = True
    print(f"{args.same} clients on one link + {args.different} on different links, {args.workers} worker(s), {wall:.1f} s\n")
    print(f"{'group':10} {'completed':>9} {'rejected':>8} {'errors':>6} {'lost':>5} {'p50 first':>10} {'p95 first':>10}")
    for group in ("same", "different", "all"):
        rs = [r for kind, r in results if group in (kind, "all")]
        completed = sum(r["complete"] for r in rs)
        rejected = sum(r["status"] in (429, 503) for r in rs)
        lost = sum(r["error"] == LOST for r in rs)
        errors = [r["error"] or f"HTTP {r['status']}" for r in rs
                  if (r["error"] and r["error"] != LOST) or r["status"] not in (200, 429, 503)]
        firsts = [r["first"] for r in rs if r["first"] is not None]
        print(f"{group:10} {completed:9} {rejected:8} {len(errors):6} {lost:5} "
              f"{p(firsts, 50) * 1000:8.0f}ms {p(firsts, 95) * 1000:8.0f}ms")
        if group == "all":
            ok = record("load", "zero errors", str(len(errors)), not errors)
            ok &= record("load", "zero lost updates", str(lost), not lost)
            ok &= record("load", "p95 time to first event < 0.5 s (issue 11)", f"{p(firsts, 95):.2f} s", p(firsts, 95) < 0.5)
            for e in sorted(set(errors))[:5]:
                print("  error:", e)
    print("\ntarget: zero errors, zero lost updates, p95 time to first event < 0.5 s")
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
