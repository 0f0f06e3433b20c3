"""The HTTP server: uvicorn, with each connection bounded for a class of slow phones.

- A connection's kernel send buffer is ``send_buffer_bytes`` (SO_SNDBUF; Linux otherwise grows
  it to megabytes for a reader that does not keep up) and the process queues at most
  ``write_buffer_bytes`` for it: uvicorn's ``send`` waits for the transport to drain past that
  mark, so a stream is written only as fast as its client reads.
- A request line and headers not complete ``header_timeout_seconds`` after the connection opened
  (or after the first byte of the next request on a kept-alive one) close the connection:
  uvicorn's own timer covers only idle kept-alive connections.
- On SIGTERM uvicorn stops accepting (with workers, the supervisor closes its copy of the
  listening socket too) and waits for open connections; streams end cleanly within
  ``shutdown_grace_seconds`` (``app/sending.py``), and the process exits a second later at most.

    python -m app.server [--host 0.0.0.0] [--port 8000] [--workers N]   (N: $WEB_CONCURRENCY, else 1)
"""
from __future__ import annotations

import argparse
import fcntl
import math
import os
import socket
import struct
import subprocess
import sys
import termios
import time
import urllib.request
from pathlib import Path

import h11
import uvicorn
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.supervisors.multiprocess import Multiprocess

from app.settings import Settings, get_settings

OPEN: set[BoundedH11Protocol] = set()  # this process's connections, for /metrics
HEADER_TIMEOUTS = [0]  # connections closed because their headers never came


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a bounded send buffer and a timer on incomplete headers."""

    settings: Settings | None = None  # None: from the environment (GDV_*), as in worker processes

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.limits = self.settings or get_settings()
        self.header_timer = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        OPEN.add(self)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.limits.send_buffer_bytes)
        transport.set_write_buffer_limits(high=self.limits.write_buffer_bytes)
        self.watch_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self.watch_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        OPEN.discard(self)
        self.stop_header_timer()
        super().connection_lost(exc)

    def watch_headers(self) -> None:
        """Time the wait for a request's line and headers; h11 is IDLE until they are whole."""
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if not waiting:
            self.stop_header_timer()
        elif self.header_timer is None:
            self.header_timer = self.loop.call_later(self.limits.header_timeout_seconds, self.headers_timed_out)

    def stop_header_timer(self) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def headers_timed_out(self) -> None:
        self.header_timer = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            HEADER_TIMEOUTS[0] += 1
            self.conn.send(h11.ConnectionClosed())
            self.transport.close()

    def queued(self) -> tuple[int, int]:
        """Bytes of this connection waiting to go out: (in this process, in the kernel)."""
        user = self.transport.get_write_buffer_size()
        sock = self.transport.get_extra_info("socket")
        try:  # SIOCOUTQ (= TIOCOUTQ on Linux): bytes not yet acknowledged by the client
            kernel = struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0" * 4))[0]
        except (OSError, AttributeError, ValueError):
            kernel = 0
        return user, kernel


def protocol_for(settings: Settings) -> type[BoundedH11Protocol]:
    """The protocol bound to explicit settings (a server in a thread, as the tests run it)."""
    return type("BoundedH11Protocol", (BoundedH11Protocol,), {"settings": settings})


def server_options(settings: Settings | None = None) -> dict:
    """uvicorn options from the settings; without settings, worker processes read GDV_* themselves."""
    http = protocol_for(settings) if settings is not None else BoundedH11Protocol
    settings = settings or get_settings()
    return {"http": http, "timeout_keep_alive": settings.keep_alive_seconds,
            "timeout_graceful_shutdown": math.ceil(settings.shutdown_grace_seconds) + 1}


def granted_send_buffer(size: int) -> int:
    """What the kernel grants for SO_SNDBUF=size (Linux doubles it for its bookkeeping)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
        return s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)


class ConnectionCollector:
    """/metrics: what this process's connections hold, and the bounds on it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.granted = granted_send_buffer(settings.send_buffer_bytes)

    def collect(self):
        held = [conn.queued() for conn in list(OPEN)]
        yield GaugeMetricFamily("gdv_connections_open", "HTTP connections open", value=len(held))
        total = GaugeMetricFamily("gdv_connection_queued_bytes", "Response bytes waiting to go out, summed over "
                                  "connections: in this process (user) or the kernel's send buffers", labels=["where"])
        most = GaugeMetricFamily("gdv_connection_queued_bytes_max", "Response bytes waiting to go out on the "
                                 "connection holding most", labels=["where"])
        for i, where in enumerate(("user", "kernel")):
            total.add_metric([where], sum(h[i] for h in held))
            most.add_metric([where], max((h[i] for h in held), default=0))
        yield total
        yield most
        yield GaugeMetricFamily("gdv_stream_send_buffer_bytes", "Kernel send buffer of each connection "
                                "(SO_SNDBUF as granted)", value=self.granted)
        yield GaugeMetricFamily("gdv_stream_write_buffer_bytes", "Bytes a connection queues in this process "
                                "before its stream waits for the client", value=self.settings.write_buffer_bytes)
        yield CounterMetricFamily("gdv_header_timeouts", "Connections closed: request headers incomplete in time",
                                  value=HEADER_TIMEOUTS[0])


class Supervisor(Multiprocess):
    """uvicorn's worker supervisor, closing its copy of the listening socket as it stops the
    workers: they close theirs at once, so new connections are refused (nginx tries another
    replica) instead of waiting in the backlog while open streams end."""

    def terminate_all(self) -> None:
        for sock in self.sockets:
            sock.close()
        super().terminate_all()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the app with uvicorn, bounded for a class.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "1")))
    parser.add_argument("--backlog", type=int, default=2048)
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    config = uvicorn.Config("app.main:app", host=args.host, port=args.port, workers=args.workers,
                            backlog=args.backlog, log_level=args.log_level, access_log=False, **server_options())
    if config.workers > 1:
        Supervisor(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()


if __name__ == "__main__":
    main()


def spawn(workers: int = 1, env: dict | None = None, log_level: str = "warning") -> tuple[subprocess.Popen, str]:
    """``python -m app.server`` as a child process on a free port of 127.0.0.1, as the image runs
    it (``env`` adds ``GDV_*`` settings): (process, url) once it answers /healthz. For tests and
    benchmarks; the caller stops it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "app.server", "--port", str(port), "--workers", str(workers),
                             "--log-level", log_level], cwd=Path(__file__).resolve().parents[1],
                            env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server did not start")
