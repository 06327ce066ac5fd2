FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md LICENSE requirements.lock ./
COPY codes codes
COPY db db
COPY parties parties
COPY cases cases
COPY publication publication
COPY schema schema
COPY api api
# runtime dependencies only, at the locked versions: no test tools, no embedded PostgreSQL
# GraphiQL's scripts from the npm registry (hash-checked), served by the service itself
RUN pip install --no-cache-dir -c requirements.lock . && jointcode assets fetch \
    && useradd --system jointcode
USER jointcode
EXPOSE 8000
ENV JOINTCODE_HOST=0.0.0.0 JOINTCODE_LOG_FORMAT=json
CMD ["jointcode", "serve"]
