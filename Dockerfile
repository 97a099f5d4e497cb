# syntax=docker/dockerfile:1
# The production image: a virtual environment built from uv.lock in a builder stage, copied
# into a runtime stage that runs as a numeric non-root user and
# starts `marrakech serve` directly (exec form), so that `docker stop` (SIGTERM) reaches
# uvicorn, which ends at once. Migrations are not run here: see the `migrate` service of
# docker-compose.yml (`marrakech db upgrade`), run once before the replicas start.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
# uv is pinned as in the Makefile; every package comes from uv.lock (exact versions, hashes).
ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_NO_CACHE=1 \
    UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /build
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY app ./app
# The application itself as a wheel, not editable: the runtime stage has no source checkout.
RUN uv sync --locked --no-dev --no-editable

FROM ${PYTHON_IMAGE} AS runtime
# No system library for PDFs: Typst (the programme, statements) and fpdf2 with uharfbuzz
# (badges, lists) are wheels, and the PDFs embed the Noto fonts of app/static/fonts only.
RUN groupadd --system --gid 10001 marrakech \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /srv/marrakech \
       --shell /usr/sbin/nologin marrakech
COPY --from=builder /opt/venv /opt/venv
# What the application reads besides its code (MARRAKECH_HOME): templates, migrations, the
# historical record, static files and catalogues. Read-only for the user; var/ (uploads,
# .eml files) and backups/ are the only folders it writes, each meant for a volume.
WORKDIR /srv/marrakech
COPY alembic.ini ./
COPY migrations ./migrations
COPY templates ./templates
COPY seed ./seed
COPY app/static ./app/static
COPY app/locale ./app/locale
RUN mkdir -p var backups && chown 10001:10001 var backups

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MARRAKECH_HOME=/srv/marrakech MARRAKECH_VAR_DIR=/srv/marrakech/var \
    MARRAKECH_ENVIRONMENT=production MARRAKECH_SECURE_COOKIES=true MARRAKECH_LOG_FORMAT=json \
    MARRAKECH_WEB_HOST=0.0.0.0 MARRAKECH_WEB_PORT=8000 MARRAKECH_WEB_WORKERS=2
USER 10001:10001
EXPOSE 8000
# Ready: the database answers and is at the latest migration (MARRAKECH_ALLOWED_HOSTS must
# include 127.0.0.1, the Host this check sends).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('MARRAKECH_WEB_PORT', '8000') + '/readyz', timeout=4)"]
STOPSIGNAL SIGTERM
CMD ["marrakech", "serve"]
