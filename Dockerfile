# Frontline: one image for web (daphne), Celery workers and beat.
# Not built on the machine this was written on (it has no Docker engine); see the README.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    FRONTLINE_VAR_DIR=/data \
    FRONTLINE_MEDIA_DIR=/data/media \
    FRONTLINE_INDEX_DIR=/data/index \
    FRONTLINE_STATIC_ROOT=/app/staticfiles \
    PYTHONPATH=/app

WORKDIR /app
RUN useradd --create-home --uid 1000 frontline \
    && mkdir -p /data/media /data/index \
    && chown -R frontline:frontline /data

COPY pyproject.toml README.md ./
COPY frontline ./frontline
COPY events ./events
COPY network ./network
COPY sops ./sops
COPY notifications ./notifications
COPY search ./search
COPY api ./api
COPY audit ./audit
COPY webhooks ./webhooks
COPY offline ./offline
COPY capacity ./capacity
COPY training ./training
COPY locale ./locale
COPY templates ./templates
COPY static ./static
COPY manage.py ./
# Installs the dependencies; the code runs from /app (PYTHONPATH), templates and static included.
RUN pip install --upgrade pip && pip install .

# Hashed, compressed static files for WhiteNoise. The key below exists only for this step.
RUN DEBUG=0 ALLOWED_HOSTS=build \
    SECRET_KEY=collectstatic-only-not-a-runtime-key-0123456789abcdefghijklmnop \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --no-input

USER frontline
EXPOSE 8000
ENV WEB_LISTEN=0.0.0.0:8000 WEB_PROCESSES=2
CMD ["supervisord", "-c", "frontline/supervisord-web.conf"]
