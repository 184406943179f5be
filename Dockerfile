# kl44-bot container image: small (python slim), non-root, state in /data.
#   docker build -t kl44-bot .
#   docker run --env-file .env -v kl44-data:/data kl44-bot
# With PostgreSQL: docker compose up (see compose.yaml).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY scheduler ./scheduler
COPY emulator ./emulator
COPY kl44.py ./
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --upgrade pip \
 && /opt/venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DATABASE_URL=sqlite+aiosqlite:////data/kl44.db \
    METRICS_LISTEN=0.0.0.0
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin kl44 \
 && mkdir /data && chown kl44:kl44 /data
COPY --from=build /opt/venv /opt/venv
USER kl44
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9464/healthz', timeout=4).status == 200 else 1)"
CMD ["python", "-m", "bot", "run"]
