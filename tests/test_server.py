"""app/server.py on a live uvicorn: headers that never finish are timed out, and a slow reader
holds a bounded number of bytes in the kernel and in the process (read from /metrics)."""
import re
import socket

import httpx

from app.server import granted_send_buffer, server_options
from app.settings import Settings
from tests.support.waiting import wait_until

BIG = "batch_size=1&n_samples=100000&epochs=3"  # 300000 updates: megabytes of events


def connect(server, **sockopts) -> socket.socket:
    sock = socket.socket()
    for opt, value in sockopts.items():
        sock.setsockopt(socket.SOL_SOCKET, getattr(socket, opt), value)
    sock.settimeout(30)  # a guard only: the server closes long before
    sock.connect(("127.0.0.1", server.port))
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server closed the connection (end of file), reading whatever came before."""
    while True:
        data = sock.recv(65536)
        if not data:
            return True


def metrics(server) -> dict[str, float]:
    """/metrics as {'name{labels}': value}."""
    text = httpx.get(f"{server.url}/metrics").text
    return {m[1]: float(m[2]) for m in re.finditer(r"^(\S+) (\S+)$", text, re.M)}


def test_requests_whose_headers_never_finish_are_closed(live_server):
    server = live_server(header_timeout_seconds=0.3)
    silent = connect(server)
    partial = connect(server)
    partial.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the blank line never comes
    assert closed_by_server(silent) and closed_by_server(partial)
    # a kept-alive connection: a whole request is answered, a half next one is closed
    kept = connect(server)
    kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert kept.recv(65536).startswith(b"HTTP/1.1 200")
    kept.sendall(b"GET /healthz HTTP/1.1\r\n")
    assert closed_by_server(kept)
    assert metrics(server)["gdv_header_timeouts_total"] >= 3
    for sock in (silent, partial, kept):
        sock.close()


def test_headers_sent_in_pieces_within_the_timeout_are_served(live_server):
    server = live_server(header_timeout_seconds=5)
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\n")
    sock.sendall(b"Host: x\r\n\r\n")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    sock.close()


def test_a_slow_reader_holds_bounded_buffers(live_server):
    """A client that reads a 300000-update stream a few KB at a time: the server's queued bytes
    stay within the kernel buffer granted plus two write marks, every time they are looked at."""
    server = live_server(send_buffer_bytes=32_768, write_buffer_bytes=16_384, points_per_event=200)
    kernel_bound = granted_send_buffer(32_768)
    user_bound = 2 * 16_384  # the transport's mark plus one piece (events of 200 points are smaller)
    sock = connect(server, SO_RCVBUF=8192)
    sock.sendall(f"GET /api/stream?{BIG} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    received = len(sock.recv(4096))

    user, kernel = 'gdv_connection_queued_bytes_max{where="user"}', 'gdv_connection_queued_bytes_max{where="kernel"}'
    # the stream waits for this client once bytes are queued in both places
    wait_until(lambda: (lambda m: m[user] > 0 and m[kernel] > 0)(metrics(server)))
    for _ in range(15):
        seen = metrics(server)
        assert seen[kernel] <= kernel_bound and seen[user] <= user_bound
        received += len(sock.recv(4096))
    assert seen["gdv_stream_send_buffer_bytes"] == kernel_bound and seen["gdv_stream_write_buffer_bytes"] == 16_384
    assert received < 1_000_000  # the stream is megabytes: most of it is still unsent, not buffered
    sock.close()


def test_server_options_come_from_settings():
    settings = Settings(keep_alive_seconds=7, shutdown_grace_seconds=2.5)
    options = server_options(settings)
    assert options["timeout_keep_alive"] == 7 and options["timeout_graceful_shutdown"] == 4
    assert options["http"].settings is settings
