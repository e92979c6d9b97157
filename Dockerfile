# syntax=docker/dockerfile:1
# Workflow order history service: `docker build -t workflow-orders .`
#
# Two stages on the same slim base: the first installs the project and its dependencies into a
# virtualenv (every dependency ships wheels, so no compiler is needed even there); the second
# copies only that virtualenv and runs it as an unprivileged user. No HEALTHCHECK: Kubernetes
# probes /health/live and /health/ready (deploy/kubernetes/deployment.yaml).
#
# The dependencies are exactly those pinned, with their hashes, in requirements.lock (its first
# lines give the command that regenerates it; the Python version there matches PYTHON_IMAGE);
# the project itself is then installed without resolving anything.

ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /build
COPY requirements.lock ./
RUN /opt/venv/bin/pip install --no-deps --require-hashes --only-binary=:all: -r requirements.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/venv/bin/pip install --no-deps .

FROM ${PYTHON_IMAGE} AS runtime
# pip compiled the bytecode in the build stage; the root filesystem is read-only at run time.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WFO_SQLITE_PATH=/data/workflow-orders.db
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app \
    && mkdir /data \
    && chown app:app /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /data
USER 10001:10001
EXPOSE 8000
# Exec form: the service is PID 1 and receives SIGTERM itself (it drains, then closes storage).
ENTRYPOINT ["workflow-orders"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
