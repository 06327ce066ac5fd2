FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE requirements.lock ./
COPY codes codes
COPY db db
COPY migrations migrations
COPY parties parties
COPY cases cases
COPY publication publication
COPY graphql_runtime graphql_runtime
COPY schema schema
COPY website website
COPY api api
COPY cli cli
# Runtime dependencies only, at the locked versions: no test tools, no embedded PostgreSQL.
# GraphiQL's scripts come from the npm registry (hash-checked) and are served by the service.
# The code stays root-owned and read-only to the service. The service owns exactly two
# folders: /keys (the data and signing keys, on their own volume) and /var/lib/jointcode
# (job metrics).
RUN pip install --no-cache-dir -c requirements.lock . && jointcode assets fetch \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/jointcode jointcode \
    && install -d -o 10001 -g 10001 -m 0700 /keys \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/jointcode
ENV JOINTCODE_HOST=0.0.0.0 JOINTCODE_LOG_FORMAT=json \
    JOINTCODE_KEY_DIR=/keys JOINTCODE_DATA_DIR=/var/lib/jointcode
VOLUME ["/keys", "/var/lib/jointcode"]
USER 10001
EXPOSE 8000
CMD ["jointcode", "serve"]
