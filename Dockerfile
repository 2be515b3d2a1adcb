# A container image with the `pack` command (docs/install.md):
#
#   docker build -t meetingpack .
#   docker run --rm -v "$PWD:/work" meetingpack build content --out build
#
# Stage 1 builds the wheel from this checkout; stage 2 installs it with the system libraries
# WeasyPrint needs and nothing else (no compiler, no source tree).
FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY templates ./templates
RUN pip install --no-cache-dir --quiet build && python -m build --wheel --outdir /wheels .

FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig \
 && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
# builds run as an ordinary user; mount the content repository at /work
RUN useradd --create-home --uid 1000 council
USER council
WORKDIR /work
ENTRYPOINT ["pack"]
CMD ["--help"]
