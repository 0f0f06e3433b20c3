"""Debian's nginx running the compose file's site config (deploy/nginx.conf) in front of live apps."""
import re
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def nginx_in_front_of(app_ports: list[int], tmp_path: Path):
    """Yields nginx's URL; its upstream is the given app ports (least_conn, as in compose)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: `make test` installs Debian's nginx-light")
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = "".join(f"server 127.0.0.1:{app_port};" for app_port in app_ports)
    site = re.sub(r"server app:8000[^;]*;", upstreams, site).replace("listen 80;", f"listen 127.0.0.1:{port};")
    dirs = {name: tmp_path / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for d in dirs.values():
        d.mkdir()
    temps = " ".join(f"{name}_temp_path {d};" for name, d in dirs.items())
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"daemon off; master_process off; pid {tmp_path}/nginx.pid; error_log stderr warn;\n"
                    f"events {{}}\nhttp {{ access_log off; {temps}\n{site}\n}}\n")
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path)])
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
