"""Logging filters the site's LOGGING setting installs (toolkit: imports no app)."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer is logged as one line, with the refusal's reason but no traceback.

    Django logs every 403 (``PermissionDenied``) on ``django.request`` with the exception attached,
    so each refused click printed a traceback to the console. A refusal is the site working as
    designed; 5xx records keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            reason = str(record.exc_info[1] or "")
            if reason:
                record.msg = f"{record.msg} (%s)"
                record.args = (*(record.args or ()), reason)
            record.exc_info = None
            record.exc_text = None
        return True
