"""Log lines as JSON (``JOINTCODE_LOG_FORMAT=json``, as in the container image): one object
per line with time, level, logger, message, the request id and any exception, ready for a
log pipeline. Nothing a caller sent (tokens, bodies) is ever logged."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from db.session import REQUEST_ID


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": REQUEST_ID.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


def configure(*, level: str, fmt: str) -> None:
    """Root logging for `jointcode serve`; uvicorn's own loggers follow it."""
    handler = logging.StreamHandler()
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
