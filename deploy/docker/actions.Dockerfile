# The action server of the spine-MRI assistant, on the official Rasa SDK image.
#
# Adds what the actions need beyond the image, hash-checked at the versions of
# requirements.lock (actions.lock: PyYAML for the content file, spaCy and its
# English model for log redaction), then the actions and the approved content.
# Build from the project root:
#   docker build -f deploy/docker/actions.Dockerfile -t spine-mri-actions .
FROM rasa/rasa-sdk:3.6.2

USER root
COPY deploy/docker/actions.lock /tmp/actions.lock
RUN pip install --no-cache-dir --require-hashes --no-deps -r /tmp/actions.lock \
    && rm /tmp/actions.lock

WORKDIR /app
COPY project.py ./
COPY actions/ actions/
COPY content/ content/
COPY privacy/ privacy/

# The image's unprivileged user; the server never needs root.
USER 1001
ENV PYTHONPATH=/app \
    ACTION_PORT=5055

EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=6 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['ACTION_PORT'], timeout=4)"

# The command of ops.processes.action_server_command.
ENTRYPOINT ["python", "-m", "rasa_sdk"]
CMD ["--actions", "actions", "--port", "5055"]
