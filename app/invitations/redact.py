"""Tokens are never logged: the request-line loggers (werkzeug's development server, gunicorn's access log) get a
filter that replaces the token of `/invite/<token>` with `…` in every message and argument.

`install()` is called by `create_app`; a proxy in front keeps its own logs (its configuration must do the same).
"""

from __future__ import annotations

import logging
import re

TOKEN_PATH = re.compile(r"(/invite/)[^\s\"']+")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """The text with every link token (and what follows it in the path and query) replaced by `…`.

    >>> redact('"GET /invite/abcDEF_12-x?x=1 HTTP/1.1" 200')
    '"GET /invite/… HTTP/1.1" 200'
    """
    return TOKEN_PATH.sub("\\1…", text) if "/invite/" in text else text


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


_FILTER = RedactTokens()


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
