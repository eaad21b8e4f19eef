"""Log lines as JSON objects, each with the id of the request it was written in."""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being answered, for every line logged while answering it.
request_id = ContextVar("request_id", default="")

# What a request's own line carries (ops.middleware), besides the message.
REQUEST_FIELDS = ("user_id", "method", "route", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One line per record: time, level, logger, message, the request's id and fields, and the
    traceback of an error. Nothing else from the record: Django attaches the request to some,
    and its headers, cookies and body must not reach the logs."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        for field in REQUEST_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            line["traceback"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str)
