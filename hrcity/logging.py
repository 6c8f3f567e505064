"""One JSON object per log line, for log collectors reading the app processes' stdout."""

import json
import logging
from datetime import UTC, datetime
from typing import Any


class JSONFormatter(logging.Formatter):
    """time, level, logger and message; the request's method, path and status when Django
    logs about a request (django.request, django.server, django.security); the traceback
    for errors. JSON escapes newlines, so a traceback never breaks the one-line rule."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # django.server passes its socket as "request"; only an HttpRequest has a path.
        request: Any = getattr(record, "request", None)
        if getattr(request, "path", None) is not None:
            entry["method"] = request.method
            entry["path"] = request.path
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # Korean stays readable; anything unexpected becomes its str() rather than an error.
        return json.dumps(entry, ensure_ascii=False, default=str)
