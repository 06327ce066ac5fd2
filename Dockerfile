FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY codes codes
COPY db db
COPY parties parties
COPY cases cases
COPY publication publication
COPY schema schema
COPY api api
RUN pip install --no-cache-dir . && useradd --system jointcode
USER jointcode
EXPOSE 8000
ENV JOINTCODE_HOST=0.0.0.0
CMD ["jointcode", "serve"]
