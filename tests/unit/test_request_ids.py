"""A request's id: echoed to the caller, named in PostgreSQL's application_name for its
transactions, and written in JSON log lines."""

from __future__ import annotations

import json
import logging

from api.logs import JsonFormatter
from db.session import REQUEST_ID


def test_json_log_lines_name_the_request() -> None:
    record = logging.LogRecord("jointcode", logging.WARNING, __file__, 1, "slow: %s", ("x",), None)
    token = REQUEST_ID.set("req-9")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "slow: x" and line["request_id"] == "req-9"
    assert line["level"] == "warning" and line["time"].endswith("+00:00")
