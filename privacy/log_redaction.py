"""Log hygiene: every log record is redacted when it is created.

Rasa writes message text into logs in several places (debug logs of the
processor, structlog events such as ``rest.message.received.failure``, and
tracebacks). Structlog in Rasa renders into the standard ``logging`` module,
so wrapping the log record factory covers every logger and handler, including
ones configured after installation. Records below the active level are never
created, so this costs nothing for suppressed debug logs.

Structlog events additionally lose their message-text fields at INFO and
above (Rasa logs ``user_text`` at WARNING when a message fails to parse), so no
message text, even redacted, reaches a production log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import MutableMapping
from typing import Any

import structlog

from privacy.redaction import redact

_TRACEBACKS = logging.Formatter()
# Loading spaCy on first use logs too; those records (library internals, no patient
# text) pass unredacted instead of recursing.
_busy = threading.local()


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replace the message, traceback and stack of a record by redacted text."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string must not lose the log line
        message = str(record.msg)
    record.msg, record.args = redact(message), ()
    if record.exc_info:
        # Formatters append exc_text; without exc_info they do not re-render it.
        record.exc_text = redact(_TRACEBACKS.formatException(record.exc_info))
        record.exc_info = None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


# Structlog keys under which Rasa logs what the patient or the bot wrote.
TEXT_KEYS = ("text", "user_text", "message", "response_text", "rasa_event")
DEBUG_METHODS = ("debug", "msg")


def withhold_text(_: Any, method_name: str, event: MutableMapping[str, Any]) -> Any:
    """Structlog processor: above DEBUG, message text is replaced by its length."""
    if method_name not in DEBUG_METHODS:
        for key in TEXT_KEYS:
            if key in event:
                event[key] = f"<withheld, {len(str(event[key]))} chars>"
    return event


def install_log_redaction() -> None:
    """Make every log record of this process go through redaction (idempotent)."""
    processors = structlog.get_config()["processors"]
    if withhold_text not in processors:
        structlog.configure(processors=[withhold_text, *processors])
    current = logging.getLogRecordFactory()
    if getattr(current, "redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if getattr(_busy, "active", False):
            return record
        _busy.active = True
        try:
            return redact_record(record)
        finally:
            _busy.active = False

    redacting_factory.redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)
