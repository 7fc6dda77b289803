"""Log configuration: text for a terminal, or one JSON object per line (AISC_LOG_FORMAT=json)
for a collector, each carrying the request id and the signed-in user's id.

Imported by the settings, so nothing here may import Django models.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

# The signed-in user of the request being served (RequestLogMiddleware sets it); the request id
# already lives in aisc.web.audit.context.
user_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("aisc_user_id", default=None)

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


class RequestFields(logging.Filter):
    """Stamps each record with the request id and user id of the request it was logged in."""

    def filter(self, record: logging.LogRecord) -> bool:
        from aisc.web.audit.context import current

        record.request_id = current.get().request_id or None
        record.user_id = user_id.get()
        return True


def config(log_format: str, level: str) -> dict[str, Any]:
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "aisc.web.ops.logs.RequestFields"}},
        "formatters": {"main": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "main",
                "filters": ["request"],
            }
        },
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "aisc": {"level": level},
            # One line per request comes from aisc.request; Django's own lines for a 4xx
            # (django.request) would repeat it, and a 404 or 403 is no server fault.
            "django.request": {"level": "ERROR"},
        },
    }
