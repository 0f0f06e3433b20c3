"""A small reader of real server-sent events for the tests, and a stream read through a client."""
from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass
class SSE:
    event: str
    id: str | None
    data: dict

    @classmethod
    def parse_block(cls, lines: list[str]) -> SSE | None:
        event, eid, data = "message", None, []
        for line in lines:
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "id":
                eid = value
            elif field == "data":
                data.append(value)
        if not data:
            return None
        return cls(event, eid, json.loads("\n".join(data)))


def iter_events(lines):
    """Events from an iterator of text lines (blank line ends an event)."""
    block: list[str] = []
    for line in lines:
        line = line.rstrip("\r")
        if line == "":
            ev = SSE.parse_block(block)
            block = []
            if ev is not None:
                yield ev
        else:
            block.append(line)


def losses_by_run(events) -> dict[int, dict[int, float | None]]:
    """update -> loss for every run, failing if an update arrives twice or out of order."""
    out: dict[int, dict[int, float | None]] = {}
    for ev in events:
        if ev.event != "points":
            continue
        run = out.setdefault(ev.data["run"], {})
        first = ev.data["first_update"]
        assert first == len(run) + 1, f"run {ev.data['run']}: expected update {len(run) + 1}, got {first}"
        for i, loss in enumerate(ev.data["loss"]):
            run[first + i] = loss
    return out


def read_stream(client, query, headers=None, stop_after=None) -> list[SSE]:
    """The events of ``/api/stream?query`` (the first ``stop_after`` of them, if given)."""
    events = []
    with client.stream("GET", f"/api/stream?{query}", headers=headers or {}) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        for ev in iter_events(r.iter_lines()):
            events.append(ev)
            if stop_after and len(events) >= stop_after:
                break
    return events
