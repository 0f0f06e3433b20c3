"""Check a running `docker compose` deployment of docker-compose.yml from outside, through nginx.

Started by deploy/check_compose.sh after `up -d`, which passes the compose command (COMPOSE, with
its project name) and nginx's published port (GDV_PORT). Prints ok / FAIL per check and exits 1
on any FAIL. Trainings are counted from every worker's /metrics: a scrape of a replica reaches one
of its uvicorn workers (gdv_worker_info says which), so each replica is scraped from inside on
fresh connections until every worker has answered.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.sse import iter_events, losses_by_run  # noqa: E402

COMPOSE = os.environ.get("COMPOSE", "docker compose").split()
BASE = f"http://127.0.0.1:{os.environ.get('GDV_PORT', '8000')}"
STREAMS = 20
SEED = 10_000 + os.getpid() % 80_000 + int(time.time()) % 10_000  # a link no earlier check trained
ONE = f"dataset=digits&model=mlp&hidden=256x256&batch_size=8&epochs=8&seed={SEED}"  # trains ~4 s
LONG = f"dataset=digits&model=mlp&hidden=256x256&batch_size=8&epochs=30&seed={SEED}"  # ~15 s
MORE = f"dataset=digits&model=mlp&hidden=256x256&batch_size=8&epochs=8&seed={SEED + 1}"
SCRAPE = r"""
import json, os, re, urllib.request
want, seen = int(os.environ.get("WEB_CONCURRENCY", "1")), {}
for _ in range(300):
    text = urllib.request.urlopen("http://127.0.0.1:8000/metrics", timeout=5).read().decode()
    worker = re.search(r'^gdv_worker_info\{worker="([^"]+)"\}', text, re.M)[1]
    seen[worker] = {k: float(v) for k, v in re.findall(r"^(gdv_\w+_total) (\S+)$", text, re.M)}
    if len(seen) == want:
        break
print(json.dumps(seen))
"""
failures: list[str] = []


def report(ok: bool, what: str) -> bool:
    print(("ok:   " if ok else "FAIL: ") + what, flush=True)
    if not ok:
        failures.append(what)
    return ok


def sh(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def app_containers() -> list[str]:
    """The app replicas running (compose v1 lists stopped ones too)."""
    ids = sh(*COMPOSE, "ps", "-q", "app").split()
    return [c for c in ids if sh("docker", "inspect", "-f", "{{.State.Running}}", c) == "true"]


def scrape(containers: list[str]) -> dict[str, dict[str, dict[str, float]]]:
    """container -> worker -> counter -> value, every worker of every running app container."""
    return {c: json.loads(sh("docker", "exec", c, "python", "-c", SCRAPE)) for c in containers}


def total(counts: dict, name: str, containers: list[str] | None = None) -> float:
    return sum(w.get(name, 0.0) for c, workers in counts.items() if containers is None or c in containers
               for w in workers.values())


def wait(predicate, seconds: float, every: float = 0.5) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if predicate():
                return True
        except (httpx.HTTPError, subprocess.CalledProcessError, ValueError):
            pass
        time.sleep(every)
    return False


def healthy(containers: list[str]) -> bool:
    return all(sh("docker", "inspect", "-f", "{{.State.Health.Status}}", c) == "healthy" for c in containers)


def check_up() -> None:
    up = wait(lambda: httpx.get(f"{BASE}/healthz", timeout=3).status_code == 200, 180)
    report(up, f"nginx answers /healthz on {BASE}")
    apps = app_containers()
    report(len(apps) >= 2 and wait(lambda: healthy(apps), 90), f"{len(apps)} app replicas, every one healthy")
    said = {httpx.get(f"{BASE}/healthz", timeout=3).json().get("redis") for _ in range(12)}
    report(said == {"up"}, f"/healthz through nginx reports redis: {sorted(said)} (12 requests)")


def check_redis() -> None:
    def get(key: str) -> list[str]:
        return sh(*COMPOSE, "exec", "-T", "redis", "redis-cli", "CONFIG", "GET", key).splitlines()[1:]
    memory, policy, save = get("maxmemory"), get("maxmemory-policy"), get("save")
    report(memory == ["268435456"], f"redis maxmemory {memory} (256mb = 268435456)")
    report(policy == ["allkeys-lru"], f"redis maxmemory-policy {policy}")
    report(save in ([], [""]), f"redis save {save} (nothing written to disk)")


async def read(client: httpx.AsyncClient, query: str, last_id: str | None = None, opened=None) -> dict:
    """One stream through nginx: its events, whether it ended cleanly, its retry hint."""
    out = {"events": [], "retry": None, "clean": False, "status": None}
    headers = {"Last-Event-ID": last_id} if last_id else {}
    try:
        async with client.stream("GET", f"{BASE}/api/stream?{query}", headers=headers) as r:
            out["status"] = r.status_code
            lines = []
            async for line in r.aiter_lines():
                lines.append(line)
                if line.startswith("retry:"):
                    out["retry"] = int(line[6:])
                if opened is not None and line.startswith("event: points"):
                    opened.set()
            out["events"] = list(iter_events(lines))
            out["clean"] = True  # the chunked body ended with its last chunk (else httpx raises)
    except httpx.HTTPError as exc:
        out["error"] = repr(exc)
    return out


def ended(result: dict) -> bool:
    return bool(result["events"]) and result["events"][-1].event == "end"


def runs_in(result: dict) -> int:
    return len(result["events"][0].data["runs"])


async def check_one_training() -> dict:
    apps = app_containers()
    before = scrape(apps)
    results = await streams(ONE)
    after = scrape(apps)
    complete = [r for r in results if r["status"] == 200 and ended(r)]
    statuses = sorted(str(r["status"] or r.get("error")) for r in results if r not in complete)
    report(len(complete) == STREAMS, f"{len(complete)} of {STREAMS} simultaneous streams of one new link complete"
           + (f" (the others: {statuses})" if statuses else ""))
    if not complete:
        return {}
    losses = [losses_by_run(r["events"]) for r in complete]
    report(all(x == losses[0] for x in losses),
           f"every stream got the same per-update losses ({sum(map(len, losses[0].values()))} updates)")
    trained = total(after, "gdv_runs_started_total") - total(before, "gdv_runs_started_total")
    runs = runs_in(complete[0])
    report(trained == runs, f"trainings fleet-wide: {trained:.0f} for {runs} run(s)")
    served = [total(after, "gdv_streams_total", [c]) - total(before, "gdv_streams_total", [c]) for c in apps]
    report(sum(x > 0 for x in served) >= 2, f"streams per replica (least_conn): {[int(x) for x in served]}")
    return losses[0]


def check_restart(streamed: dict) -> None:
    sh(*COMPOSE, "restart", "app")
    apps = app_containers()
    up = wait(lambda: healthy(apps) and httpx.get(f"{BASE}/healthz", timeout=3).json()["redis"] == "up", 90)
    report(up, "after `restart app` every replica is healthy again and joined to redis")
    answers = [httpx.get(f"{BASE}/api/history?{ONE}", timeout=60) for _ in range(2 * len(apps))]
    report(all(a.status_code == 200 for a in answers), f"history answers: {[a.status_code for a in answers]}")
    got = [{i: dict(enumerate(run["loss"], 1)) for i, run in enumerate(a.json()["runs"])} for a in answers
           if a.status_code == 200]
    report(bool(got) and all(g == streamed for g in got), "the finished run served again with the streamed losses")
    counts = scrape(apps)
    report(total(counts, "gdv_runs_started_total") == 0 and total(counts, "gdv_fleet_cache_hits_total") >= 1,
           f"after the restart nothing trained again: trainings {total(counts, 'gdv_runs_started_total'):.0f}, "
           f"fleet cache hits {total(counts, 'gdv_fleet_cache_hits_total'):.0f}")


async def check_sigterm() -> None:
    apps = app_containers()
    before = scrape(apps)
    async with httpx.AsyncClient(timeout=httpx.Timeout(120, connect=10)) as client:
        opened = [asyncio.Event() for _ in range(STREAMS)]
        tasks = [asyncio.create_task(read(client, LONG, opened=o)) for o in opened]
        await asyncio.wait_for(asyncio.gather(*(o.wait() for o in opened)), 60)
        during = scrape(apps)
        trainer = [c for c in apps if total(during, "gdv_runs_started_total", [c]) > total(before, "gdv_runs_started_total", [c])]
        victim = next(c for c in apps if c not in trainer)
        began = time.monotonic()
        await asyncio.to_thread(sh, "docker", "stop", "-t", "15", victim)  # SIGTERM, then SIGKILL after 15 s
        took = time.monotonic() - began
        results = await asyncio.gather(*tasks)
        code = sh("docker", "inspect", "-f", "{{.State.ExitCode}}", victim)
        report(took < 10 and code == "0", f"the stopped replica (not the trainer) exited {code} in {took:.1f} s")
        cut = [r for r in results if not ended(r)]
        report(bool(cut) and all(r["clean"] and r["retry"] for r in cut),
               f"{len(cut)} of {STREAMS} streams were on it: each ended cleanly with retry: "
               f"{sorted({r['retry'] for r in cut if r['retry']})[:3]}... ms")
        resumed = await asyncio.gather(*(read(client, LONG, last_id=r["events"][-1].id) for r in cut if r["events"]))
    report(all(r["status"] == 200 and ended(r) for r in resumed) and len(resumed) == len(cut),
           f"{len(resumed)} resumed through nginx with Last-Event-ID, each to its end")
    reference = losses_by_run(next(r for r in results if ended(r))["events"])
    whole = [losses_by_run(r["events"] + s["events"]) for r, s in zip(cut, resumed)]
    report(all(w == reference for w in whole), "each cut + resumed stream has every update once, the same losses")
    after = scrape(app_containers())
    sh("docker", "start", victim)  # back for the scale-out check, which adds a new replica
    trained = total(after, "gdv_runs_started_total") - total(before, "gdv_runs_started_total", list(after))
    report(trained == runs_in(results[0]), f"no retraining: trainings fleet-wide {trained:.0f} "
           f"for {runs_in(results[0])} run(s), trainer {[c[:12] for c in trainer]}, stopped {victim[:12]}")


async def streams(query: str) -> list[dict]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(120, connect=10)) as client:
        return await asyncio.gather(*(read(client, query) for _ in range(STREAMS)))


def check_scale_out() -> None:
    """A replica added to a running deployment serves once nginx re-resolves `app` (reload)."""
    old = app_containers()
    wait(lambda: healthy(old), 90)
    sh(*COMPOSE, "up", "-d", "--no-build", "--no-recreate", "--scale", f"app={len(old) + 1}")
    apps = app_containers()
    new = [c for c in apps if c not in old]
    report(len(new) >= 1 and wait(lambda: healthy(apps), 90), f"scaled to {len(apps)} replicas, every one healthy")
    sh(*COMPOSE, "exec", "-T", "nginx", "nginx", "-s", "reload")
    time.sleep(1)
    before = scrape(apps)
    results = asyncio.run(streams(MORE))
    after = scrape(apps)
    served = {c[:12]: int(total(after, "gdv_streams_total", [c]) - total(before, "gdv_streams_total", [c])) for c in apps}
    report(all(ended(r) for r in results) and sum(served[c[:12]] for c in new) > 0,
           f"after `nginx -s reload` the new replica serves too: streams per replica {served}")


def main() -> int:
    check_up()
    check_redis()
    if not failures:
        streamed = asyncio.run(check_one_training())
        if streamed:
            check_restart(streamed)
        asyncio.run(check_sigterm())
        check_scale_out()
    print(f"{'FAIL' if failures else 'ok'}: {len(failures)} check(s) failed" if failures else "ok: every check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
