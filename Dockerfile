# syntax=docker/dockerfile:1
# Build stage: a virtual environment with the app's dependencies (compilers stay here).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir .

# Runtime stage: the venv, the code, templates and static files; runs as a non-root user.
FROM python:3.11-slim
# Japanese and Chinese text in the link-preview pictures (/api/picture)
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv
COPY app ./app
COPY templates ./templates
COPY static ./static
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    WEB_CONCURRENCY=2 \
    GDV_TRAINING_SLOTS=1 \
    OPENBLAS_NUM_THREADS=1 \
    NUMBA_CACHE_DIR=/srv/numba-cache \
    MPLCONFIGDIR=/srv/mpl-cache \
    GDV_ASSET_CACHE_DIR=/srv/asset-cache
# compile the training kernels at build time: the cache ships in the image, start-up only loads it;
# build matplotlib's font list, so the first link preview does not scan the fonts; and brotli the
# static files, so a new replica does not spend seconds of CPU on it while its first class arrives
RUN mkdir -p /srv/numba-cache /srv/mpl-cache && python -c "from app.engine.compiled import warm; warm()" \
 && python -c "import app.picture as p; p.load_fonts()" \
 && python -c "from pathlib import Path; from app.assets import Assets; Assets(Path('static'), Path('/srv/asset-cache')).warm()" \
 && chown -R app /srv/numba-cache /srv/mpl-cache /srv/asset-cache
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=4s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
# uvicorn with the app's connection limits, header timeout and graceful stop (app/server.py, GDV_*);
# its number of worker processes comes from WEB_CONCURRENCY
STOPSIGNAL SIGTERM
CMD ["python", "-m", "app.server", "--host", "0.0.0.0", "--port", "8000"]
