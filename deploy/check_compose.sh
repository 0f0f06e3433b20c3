#!/bin/sh
# Run docker-compose.yml for real and check what it promises (deploy/check_compose.py prints ok or
# FAIL per check): redis up and bounded, one training fleet-wide for a class opening one link,
# finished runs kept across a restart, a replica stopped with SIGTERM ending its streams with a
# retry hint and the streams resuming on another replica. Then `down -v`.
#   make check-compose   # needs a Docker engine; REPLICAS (3), GDV_PORT (a free one), COMPOSE may be set
# The image is built first with host networking, as deploy/check_image.sh does (an engine started
# without its default bridge builds with no network otherwise); `up` then uses it as built.
set -eu
cd "$(dirname "$0")/.."
REPLICAS=${REPLICAS:-3}
PYTHON=${PYTHON:-.venv/bin/python}
GDV_PORT=${GDV_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
if [ -n "${COMPOSE:-}" ]; then  # e.g. COMPOSE=docker-compose (Debian bookworm's 1.29 reads the file too)
  COMPOSE="$COMPOSE -p gdvcheck"
elif docker compose version >/dev/null 2>&1; then
  COMPOSE="docker compose -p gdvcheck"
else
  COMPOSE="docker-compose -p gdvcheck"
fi
export COMPOSE GDV_PORT
echo "$($COMPOSE version | head -1); $(docker version -f 'engine {{.Server.Version}}'); $REPLICAS replicas; port $GDV_PORT"
for image in python:3.11-slim redis:7-alpine nginx:1.27-alpine; do
  docker image inspect -f "$image: {{if index .Config.Labels \"gdv.standin\"}}local stand-in ({{index .Config.Labels \"gdv.standin\"}}){{else}}{{.Id}}{{end}}" \
    "$image" 2>/dev/null || echo "$image: not here, compose pulls it"
done
DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0} docker build -q --network=host -t gradient-descent-visible . 2>&1 >/dev/null \
  | grep -v -e DEPRECATED -e BuildKit -e '^ *$' >&2 || true
trap '$COMPOSE logs --no-color >compose-check.log 2>&1 || true; $COMPOSE down -v --remove-orphans >/dev/null 2>&1 || true' EXIT
$COMPOSE up -d --no-build --scale app="$REPLICAS"
"$PYTHON" deploy/check_compose.py
