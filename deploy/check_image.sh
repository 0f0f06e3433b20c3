#!/bin/sh
# Build the image and check what it promises: healthy, non-root, and the first requests served by
# the kernels compiled into the image (no compiling on a user's first request).
#   make check-image            # needs a Docker engine; IMAGE, PORT may be set
set -eu
IMAGE=${IMAGE:-gradient-descent-visible:check}
PORT=${PORT:-8000}
NAME=gdv-check-$$
DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0} docker build --network=host -t "$IMAGE" .
trap 'docker rm -f "$NAME" >/dev/null 2>&1 || true' EXIT
docker run -d --name "$NAME" --network=host "$IMAGE" \
  python -m app.server --host 127.0.0.1 --port "$PORT" >/dev/null
began=$(date +%s.%N)  # the container has started (its file system is made before docker run returns)
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do
  sleep 0.1
  [ "$(echo "$(date +%s.%N) - $began > 30" | bc)" = 1 ] && { docker logs "$NAME"; echo "not up in 30 s"; exit 1; }
done
echo "up after $(echo "$(date +%s.%N) - $began" | bc) s"
[ "$(docker exec "$NAME" id -u)" != 0 ] || { echo "runs as root"; exit 1; }
cached=$(docker exec "$NAME" sh -c 'ls $NUMBA_CACHE_DIR/*/ | wc -l')
for query in \
  "dataset=moons&n_samples=1000&model=mlp&hidden=16x16&activation=tanh&optimizer=adam&learning_rate=0.01&batch_size=1&epochs=20" \
  "dataset=digits&model=mlp&hidden=32&batch_norm=true&optimizer=rmsprop&batch_size=16&normalize=true&validation_split=0.2" \
  "batch_size=full,1,100&epochs=20"; do
  curl -sf -o /dev/null -w "first request %{time_total} s: $query\n" "http://127.0.0.1:$PORT/api/history?$query&seed=$$"
done
after=$(docker exec "$NAME" sh -c 'ls $NUMBA_CACHE_DIR/*/ | wc -l')
[ "$cached" = "$after" ] || { echo "kernels compiled at run time: $cached cache files, then $after"; exit 1; }
echo "ok: $cached cache files shipped in the image, none added by the first runs"
