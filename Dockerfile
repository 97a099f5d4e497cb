FROM python:3.11-slim-bookworm

# WeasyPrint renders with Pango; fonts for Latin and Arabic text.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 marrakech
WORKDIR /srv/marrakech
# Every package from uv.lock (exact versions and hashes), without the test extras. The app
# reads its templates, migrations and seed from the source tree, so it is installed in place.
ENV UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_NO_CACHE=1 \
    PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-install-project
COPY alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY seed ./seed
RUN uv sync --locked && mkdir -p var && chown marrakech var

USER marrakech
# Meant to sit behind a proxy that terminates TLS: cookies are Secure and HSTS is sent.
ENV MARRAKECH_ENVIRONMENT=production MARRAKECH_SECURE_COOKIES=true PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD curl -fsS http://127.0.0.1:${PORT}/healthz || exit 1
# Migrate and load the historical record (idempotent), then serve.
CMD ["sh", "-c", "marrakech db upgrade && marrakech seed && marrakech serve --host 0.0.0.0 --port ${PORT} --workers ${WEB_WORKERS:-2}"]
