#!/bin/sh
# Local stand-ins for the three base images the compose file names, made from Debian bookworm with
# debootstrap and tagged with those names in the local Docker engine only:
#   python:3.11-slim   Debian's python3.11 (+ venv, pip), `python` on PATH, CMD ["python3"]
#   redis:7-alpine     Debian's redis-server 7.0 behind an entrypoint like the official image's
#   nginx:1.27-alpine  Debian's nginx 1.22, conf.d/*.conf included, CMD nginx -g 'daemon off;'
# Why: the machine this project is developed on reaches no container registry (Docker Hub, ghcr,
# ecr all fail), only Debian's mirror and PyPI, and it sits behind a TLS-intercepting proxy whose
# CA (in this machine's bundle) the images need for pip and apt. A real deployment pulls the
# official images; never push these. An image already present is kept unless it is a stand-in
# (label gdv.standin) and FORCE=1 is set.
#   deploy/standins.sh          # as root, with a Docker engine running; ~3 minutes
set -eu
SUITE=bookworm
MIRROR=${MIRROR:-http://deb.debian.org/debian}
WORK=${WORK:-/var/tmp/gdv-standins}
mkdir -p "$WORK/cache"
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null

skip() {  # an image that is there already (pulled, or a stand-in unless FORCE=1) is kept
  label=$(docker image inspect -f '{{index .Config.Labels "gdv.standin"}}' "$1" 2>/dev/null) || return 1
  [ -z "$label" ] && { echo "$1: a real image is present, kept"; return 0; }
  [ "${FORCE:-0}" = 1 ] && return 1
  echo "$1: stand-in present (FORCE=1 rebuilds)"
}

rootfs() {  # $1 directory, $2 extra packages: a minimal Debian with this machine's CA bundle
  rm -rf "$1"
  nice -n 19 ionice -c3 debootstrap --variant=minbase --cache-dir="$WORK/cache" \
    --include="ca-certificates,$2" "$SUITE" "$1" "$MIRROR" >"$1.log" 2>&1 || { tail -20 "$1.log"; exit 1; }
  cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$1/etc/pip.conf"
  rm -rf "$1/var/lib/apt/lists/"* "$1/var/cache/apt/archives/"*.deb
}

load() {  # $1 directory, $2 tag, then --change instructions
  dir=$1 tag=$2; shift 2
  tar -C "$dir" -c . | nice -n 19 ionice -c3 docker import --change "LABEL gdv.standin=debootstrap-$SUITE" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'ENV LANG=C.UTF-8' \
    "$@" - "$tag" >/dev/null
  rm -rf "$dir"
  echo "$tag: stand-in built ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

if ! skip python:3.11-slim; then
  rootfs "$WORK/python" python3.11,python3.11-venv,python3-pip,python-is-python3
  load "$WORK/python" python:3.11-slim --change 'CMD ["python3"]'
fi

if ! skip redis:7-alpine; then
  rootfs "$WORK/redis" redis-server
  # as the official image: `redis-server ...` runs as user redis, not in protected mode (the
  # container is networked; Debian's default would refuse every client but localhost)
  cat >"$WORK/redis/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
case "$1" in -*|*.conf) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server "$@" --protected-mode no
  [ "$(id -u)" = 0 ] && { chown -R redis /data; exec setpriv --reuid=redis --regid=redis --init-groups "$@"; }
fi
exec "$@"
EOF
  chmod +x "$WORK/redis/usr/local/bin/docker-entrypoint.sh"
  mkdir -p "$WORK/redis/data"
  load "$WORK/redis" redis:7-alpine --change 'WORKDIR /data' --change 'EXPOSE 6379' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["redis-server"]'
fi

if ! skip nginx:1.27-alpine; then
  rootfs "$WORK/nginx" nginx-light
  # as the official image: only conf.d/*.conf serves (no Debian default site), logs to the console
  rm -f "$WORK/nginx/etc/nginx/sites-enabled/"*
  ln -sf /dev/stdout "$WORK/nginx/var/log/nginx/access.log"
  ln -sf /dev/stderr "$WORK/nginx/var/log/nginx/error.log"
  load "$WORK/nginx" nginx:1.27-alpine --change 'EXPOSE 80' --change 'CMD ["nginx", "-g", "daemon off;"]'
  # graceful stop as the official image (docker import takes no STOPSIGNAL)
  printf 'FROM nginx:1.27-alpine\nSTOPSIGNAL SIGQUIT\n' | docker build -q -t nginx:1.27-alpine - >/dev/null
fi
