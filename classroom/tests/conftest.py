import logging

import pytest

from classroom.online import online_frames


@pytest.fixture(autouse=True)
def forget_online_frames():
    """Course ids come back after a rolled-back test; an "online" frame kept from the last test
    must not answer for this one."""
    online_frames.clear()
    yield
    online_frames.clear()


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_handler_exceptions(request):
    """A handler that raises no longer ends its socket (it is logged and answered), so the
    tests catch it here instead: a blocking database call from async code, a KeyError, …"""
    records = _Records()
    records.expected = False
    logger = logging.getLogger("elearning.consumers")
    logger.addHandler(records)
    yield records
    logger.removeHandler(records)
    failures = [r for r in records.records if r.exc_info]
    if failures and not records.expected:
        pytest.fail("a consumer handler raised:\n" + "\n".join(logging.Formatter().format(r) for r in failures))


@pytest.fixture
def expect_handler_failures(fail_on_handler_exceptions):
    """The exceptions that consumer handlers raise during the test (logged by
    ``SiteConsumer.dispatch``, the socket kept open), for a test that expects some."""
    fail_on_handler_exceptions.expected = True
    return fail_on_handler_exceptions.records
