"""Settings for the test suite: the real settings, made fast and isolated.

The suite runs on SQLite and the in-memory layer by default, and on PostgreSQL and Redis when
DATABASE_URL / REDIS_URL are set. Browser tests start real Daphne processes with these same
settings, pointed at the test database through ELEARNING_LIVE_DB_NAME.
"""

import os
from pathlib import Path

from .settings import *  # noqa: F403
from .settings import BASE_DIR, DATABASES, REDIS_URL, env

# Overridable so that several test runs on one checkout do not share a database file; each
# pytest-xdist worker (make test runs two) gets a folder of its own: database, media, materials.
TEST_DIR = Path(env.str("ELEARNING_TEST_DIR", default=str(BASE_DIR / "var" / "test"))) / os.environ.get(
    "PYTEST_XDIST_WORKER", ""
)
TEST_DIR.mkdir(parents=True, exist_ok=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only

if DATABASES["default"]["ENGINE"] in ("django.db.backends.sqlite3", "elearning.sqlite"):
    # A file, not :memory:, so the Daphne processes of the browser tests share it.
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DIR / "db.sqlite3")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
_live_db = env.str("ELEARNING_LIVE_DB_NAME", default="")
if _live_db:  # a Daphne process started by the tests uses the test database itself
    DATABASES["default"]["NAME"] = _live_db

MEDIA_ROOT = TEST_DIR / "media"

# Static files come straight from the finders: no collectstatic needed to run the tests.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "materials": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": TEST_DIR / "materials", "base_url": None},
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if REDIS_URL:
    # Each test run gets its own key space on the shared Redis.
    _prefix = env.str("DJANGO_REDIS_PREFIX", default=f"eltest{os.getpid()}")
    os.environ["DJANGO_REDIS_PREFIX"] = _prefix  # inherited by the Daphne processes
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _prefix  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = _prefix  # noqa: F405

LOGGING["root"]["level"] = "WARNING"  # noqa: F405
