"""Site settings: every value a deployment may change is read from the environment here.

The embedded default needs no configuration at all: SQLite, the in-memory channel layer, files
on local disk under ``var/`` and e-mail printed to the console. A deployment sets
``DATABASE_URL``, ``REDIS_URL``, the ``EMAIL_*`` variables and ``DJANGO_HTTPS`` (README.md lists
every variable).
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():  # optional: the embedded default needs no .env
    environ.Env.read_env(BASE_DIR / ".env")

# Mutable state of the embedded default (database, uploads, generated secret key).
DATA_DIR = Path(env.str("DJANGO_DATA_DIR", default=str(BASE_DIR / "var")))


def _secret_key() -> str:
    """Take the key from the environment, else keep one generated on first start in DATA_DIR.

    A generated key survives restarts (sessions and reset links stay valid) and never lands in
    the repository; production sets DJANGO_SECRET_KEY.
    """
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",  # must come before staticfiles: its runserver serves HTTP and WebSocket
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "courses",
    "classroom",
    "assignments",
    "invitations",
    "notifications",
    "elearning",  # the top layer: home dashboards, demo data, templates of its own
]

MIDDLEWARE = [
    "elearning.proxies.ClientAddressMiddleware",  # first: everything after sees the real client
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so its refusals (a 400 for a bad Host) carry the policies too.
    "elearning.policies.ContentSecurityPolicyMiddleware",
    "elearning.policies.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.BlockedUserMiddleware",
    "elearning.confirm.MethodNotAllowedPageMiddleware",  # a page, not the browser's blank 405
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "elearning.urls"
WSGI_APPLICATION = "elearning.wsgi.application"
ASGI_APPLICATION = "elearning.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.notification_badge",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under an async server: WAL lets readers run beside the one writer, the busy timeout
# makes a second writer wait instead of failing, and IMMEDIATE transactions take the write lock
# up front so two transactions never deadlock upgrading a read lock.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA foreign_keys=ON;"
    ),
}
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend with open connections handed from one request to the next
    # (elearning/sqlite/base.py says why).
    DATABASES["default"]["ENGINE"] = "elearning.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and cache ----------------------------------------------------------------
# Without REDIS_URL everything lives in this process, which is right for one server process.
# With it, WebSocket groups and the cache (login throttling, rate limits, presence) are shared
# by every process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer: a group message is one PUBLISH, and each process with members
            # in the group gets it once and hands it to its own sockets. The list-based
            # RedisChannelLayer writes a copy per member that each process pops one round trip
            # at a time: in a class of 100 the last receiver of a chat message was 80 ms behind
            # the first (bench/classroom.py chat). Nothing is kept for a process that is not
            # subscribed: right for live traffic (pages resynchronise on reconnect). Ours
            # reconnects and resubscribes by itself after a Redis outage (see its docstring).
            "BACKEND": "elearning.channel_layer.PubSubChannelLayer",
            "CONFIG": {
                # Bounded waits on a dead server; the listening connection polls with its own
                # short timeout, so an idle classroom is not mistaken for a dead one.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 5}],
                "prefix": env.str("DJANGO_REDIS_PREFIX", default="elearning"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("DJANGO_REDIS_PREFIX", default="elearning"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Live classroom -------------------------------------------------------------------------
# Per-socket token buckets: (messages per second, burst). Frames over the limit are dropped
# with an error; a socket that keeps being refused is closed (CLASSROOM_FLOOD_CLOSE_AFTER).
CLASSROOM_RATE_LIMITS = {
    "chat": (env.float("CLASSROOM_CHAT_RATE", default=1.0), env.float("CLASSROOM_CHAT_BURST", default=8)),
    "board": (env.float("CLASSROOM_BOARD_RATE", default=90.0), env.float("CLASSROOM_BOARD_BURST", default=180)),
    "audio": (60.0, 120.0),  # 20 ms frames are 50 per second
    "other": (10.0, 30.0),
}
# All of one user's sockets in one classroom together, on every process (counted in the cache;
# not enforced while the cache is down): (frames, per so many seconds).
CLASSROOM_USER_RATE_LIMITS = {
    "chat": (env.int("CLASSROOM_USER_CHAT_LIMIT", default=15), 10),
    "board": (env.int("CLASSROOM_USER_BOARD_LIMIT", default=240), 2),
    "audio": (120, 2),
    "other": (60, 2),
}
# A socket refused more than this many frames within about 10 s is closed (code 4008); invalid
# and binary frames count too.
CLASSROOM_FLOOD_CLOSE_AFTER = env.int("CLASSROOM_FLOOD_CLOSE_AFTER", default=200)
# Open sockets of one kind (badge, classroom) per user in one server process; the next: 4029.
SITE_MAX_SOCKETS_PER_USER = env.int("SITE_MAX_SOCKETS_PER_USER", default=30)
# Open classroom sockets per user, all classrooms together; the next one is closed with 4029.
CLASSROOM_MAX_SOCKETS_PER_USER = env.int("CLASSROOM_MAX_SOCKETS_PER_USER", default=8)
# Classroom sockets one user may open per minute (reloads, reconnects); past it: closed as flooding.
CLASSROOM_HANDSHAKES_PER_MINUTE = env.int("CLASSROOM_HANDSHAKES_PER_MINUTE", default=60)
# The HTTP chat fallback: messages per user and course per minute (shared through the cache).
CLASSROOM_HTTP_CHAT_PER_MINUTE = env.int("CLASSROOM_HTTP_CHAT_PER_MINUTE", default=30)
CLASSROOM_BOARD_MAX_ACTIONS = env.int("CLASSROOM_BOARD_MAX_ACTIONS", default=500)
CLASSROOM_BOARD_SIMPLIFY = 0.001  # stored strokes drop points within this of the line (~1 px)
# Presence rows not refreshed for this many seconds are stale (heartbeat every third of it).
CLASSROOM_PRESENCE_TTL = env.int("CLASSROOM_PRESENCE_TTL", default=45)
# Audio older than this (seconds) when a socket gets to it is skipped: that listener is behind.
CLASSROOM_AUDIO_MAX_LAG = env.float("CLASSROOM_AUDIO_MAX_LAG", default=1.0)

# --- Assignments: generation from PDFs ------------------------------------------------------
# Any OpenAI-compatible chat server. With neither a key nor a URL (nor a teacher's own key) the
# built-in basic generator makes cloze questions from the PDF's sentences, with no network.
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")
OPENAI_BASE_URL = env.str("OPENAI_BASE_URL", default="")
OPENAI_MODEL = env.str("OPENAI_MODEL", default="gpt-4o-mini")
OPENAI_TIMEOUT = env.float("OPENAI_TIMEOUT", default=60.0)  # seconds per request
OPENAI_MAX_RETRIES = env.int("OPENAI_MAX_RETRIES", default=2)  # on 429, 5xx and timeouts, with backoff
ASSIGNMENT_PDF_MAX_MB = env.int("ASSIGNMENT_PDF_MAX_MB", default=20)
ASSIGNMENT_PDF_MAX_PAGES = env.int("ASSIGNMENT_PDF_MAX_PAGES", default=500)
# A long document is asked about in at most ASSIGNMENT_MAX_CHUNKS requests of at most
# ASSIGNMENT_CHUNK_CHARS characters of page text each (24,000 characters are ~6,000 tokens),
# spread over the whole document: this caps the tokens one generation can spend.
ASSIGNMENT_CHUNK_CHARS = env.int("ASSIGNMENT_CHUNK_CHARS", default=24_000)
ASSIGNMENT_MAX_CHUNKS = env.int("ASSIGNMENT_MAX_CHUNKS", default=6)

# --- Background work ------------------------------------------------------------------------
# Django's Tasks API (the django-tasks backport) with the database backend: jobs survive a
# restart and need no extra service; `manage.py db_worker` runs them (make run starts it).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Assignments ----------------------------------------------------------------------------
# Model tokens (prompt + completion) a teacher's generations may use per day; 0: no limit.
ASSIGNMENTS_DAILY_TOKEN_BUDGET = env.int("ASSIGNMENTS_DAILY_TOKEN_BUDGET", default=200_000)
# The secret teachers' personal model keys are encrypted with (HKDF-derived Fernet key); empty:
# the SECRET_KEY. Set it before rotating SECRET_KEY, to the old key, or stored keys are lost.
ASSIGNMENTS_KEY_SECRET = env.str("ASSIGNMENTS_KEY_SECRET", default="")

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out credentials first
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Login throttling: five failures for one username from one address lock that pair for 15 min.
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks). PROXY_HEADERS=1 is
# the short form for a proxy on this host.
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES", default=["127.0.0.1", "::1"] if env.bool("PROXY_HEADERS", default=False) else []
)

# Password reset requests per hour: per address (past it, nothing more is sent and the page
# says the same) and per client address (past it, the page asks to wait).
PASSWORD_RESET_PER_ADDRESS = env.int("PASSWORD_RESET_PER_ADDRESS", default=3)
PASSWORD_RESET_PER_CLIENT = env.int("PASSWORD_RESET_PER_CLIENT", default=10)

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Course materials live outside MEDIA_ROOT: no URL serves them; only the download view that
# checks enrollment streams them.
MATERIALS_ROOT = Path(env.str("MATERIALS_ROOT", default=str(DATA_DIR / "materials")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "materials": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MATERIALS_ROOT, "base_url": None},
    },
}
# Uploads above 2.5 MB go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
PROFILE_PHOTO_MAX_BYTES = env.int("PROFILE_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# Pixel budgets, checked from the header before anything is decoded (see accounts.photos):
# JPEGs decode at a reduced scale, other formats whole (4 bytes a pixel).
PROFILE_PHOTO_MAX_PIXELS = 40_000_000
PROFILE_PHOTO_MAX_DECODED_PIXELS = 4_000_000
PROFILE_PHOTO_SIZE = 320  # stored photos are re-encoded squares of this many pixels
MATERIAL_MAX_UPLOAD_BYTES = env.int("MATERIAL_MAX_UPLOAD_MB", default=100) * 1024 * 1024
# Behind nginx: the URL prefix of an `internal` location serving MATERIALS_ROOT. Downloads are
# then checked by Django and sent by nginx (X-Accel-Redirect), at the client's pace.
MATERIALS_ACCEL_REDIRECT = env.str("MATERIALS_ACCEL_REDIRECT", default="")
if MATERIALS_ACCEL_REDIRECT and not MATERIALS_ACCEL_REDIRECT.endswith("/"):
    MATERIALS_ACCEL_REDIRECT += "/"

# --- E-mail ---------------------------------------------------------------------------------
# Without EMAIL_HOST mail is printed on the console of `make run`, where a person can follow a
# password-reset link.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="eLearning <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's public address: e-mails sent by the background worker (no request to take the
# host from) link to it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Notification e-mails that could not reach the SMTP server are tried again after these many
# seconds (one retry per entry), then marked failed; the in-app notification always stays.
NOTIFICATION_EMAIL_RETRY_DELAYS = [60, 300, 1800]

# --- Invitations ----------------------------------------------------------------------------
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=30)
# Invitation e-mails (new, resent) one inviter may send in 24 hours; admins have no cap.
INVITATIONS_DAILY_CAP = env.int("INVITATIONS_DAILY_CAP", default=500)
# Teachers invite students; with this on they may invite teachers too (admins always may).
INVITATIONS_TEACHERS_INVITE_TEACHERS = env.bool("INVITATIONS_TEACHERS_INVITE_TEACHERS", default=False)
INVITATIONS_IMPORT_MAX_BYTES = env.int("INVITATIONS_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
INVITATIONS_IMPORT_MAX_ROWS = env.int("INVITATIONS_IMPORT_MAX_ROWS", default=5000)
# Invitation e-mails that could not reach the SMTP server are tried again after these delays.
INVITATION_EMAIL_RETRY_DELAYS = [60, 300, 1800]
INVITATION_EMAIL_BATCH = 100  # invitations per e-mail task (one SMTP connection each)
# Wrong join codes one client address may try per hour before /join/ refuses it for the hour.
JOIN_CODE_MISSES_PER_HOUR = env.int("JOIN_CODE_MISSES_PER_HOUR", default=100)

# --- Request bodies -------------------------------------------------------------------------
# Materials go up from the page in pieces of this size, each its own POST, resumable after a
# dropped connection (courses/chunked_uploads.py). Unfinished uploads are deleted after
# MATERIAL_UPLOAD_EXPIRY_HOURS; a teacher may have MATERIAL_UPLOADS_PER_TEACHER at once.
MATERIAL_UPLOAD_PIECE_BYTES = env.int("MATERIAL_UPLOAD_PIECE_BYTES", default=8 * 1024 * 1024)
MATERIAL_UPLOADS_PER_TEACHER = env.int("MATERIAL_UPLOADS_PER_TEACHER", default=3)
MATERIAL_UPLOAD_EXPIRY_HOURS = env.int("MATERIAL_UPLOAD_EXPIRY_HOURS", default=24)
# The server (bin/serve: elearning/server.py) answers 413 to a body over its limit before
# reading it (declared length) or as soon as it passes it (chunked). The limits come from the
# site's own: any form, a profile photo or a class list by default; the pages taking bigger
# files by URL name. The margin is for the form's other fields and the multipart framing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default: form fields other than files
REQUEST_BODY_MARGIN = 1024 * 1024
REQUEST_BODY_MAX_BYTES = (
    max(DATA_UPLOAD_MAX_MEMORY_SIZE, PROFILE_PHOTO_MAX_BYTES, INVITATIONS_IMPORT_MAX_BYTES) + REQUEST_BODY_MARGIN
)
REQUEST_BODY_LIMITS = {
    "courses:material_upload": MATERIAL_MAX_UPLOAD_BYTES + REQUEST_BODY_MARGIN,
    "courses:material_upload_piece": MATERIAL_UPLOAD_PIECE_BYTES + REQUEST_BODY_MARGIN,
    "assignments:new": ASSIGNMENT_PDF_MAX_MB * 1024 * 1024 + REQUEST_BODY_MARGIN,
}

# --- Security -------------------------------------------------------------------------------
# Sessions are read from the cache and written through to the database: a signed-in page
# makes no session query (bench/pages.py). The cache is this process's memory, or Redis when
# REDIS_URL is set, which several processes need anyway ("Scaling out").
SESSION_ENGINE = "elearning.sessions"  # cached_db that falls back to the database while Redis is down
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the classroom page's fallback POSTs read it
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every page (django-csp; elearning/policies.py adds the page's own
# ws:/wss: origin to connect-src). No inline script or style anywhere, the admin included:
# scripts are files, data travels in json_script blocks and data- attributes, and JS sets
# styles only through element.style. data: images are Bootstrap's own SVG icons (checkboxes,
# switches, close buttons); blob: is for previews a page makes of a chosen file. Material
# downloads keep their stricter policy of their own (courses/downloads.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Permissions-Policy on every response: no page may use these unless its view says so with
# elearning.policies.permissions_policy (the classroom page turns the microphone on).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "microphone", "camera", "geolocation", "payment", "usb", "serial", "hid", "bluetooth",
        "midi", "display-capture", "screen-wake-lock", "publickey-credentials-get",
        "accelerometer", "gyroscope", "magnetometer", "browsing-topics",
    )
}
# DJANGO_HTTPS=True is the production switch: the site is only reached over HTTPS (directly or
# behind a proxy that sets X-Forwarded-Proto), so cookies are secure and browsers remember it.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"client_errors_without_traceback": {"()": "elearning.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # A 403/404 is one line (with its reason); a 500 keeps its traceback.
        "django.request": {"filters": ["client_errors_without_traceback"]},
        "axes": {"level": "WARNING"},
        # pypdf warns about every font it cannot fully decode; text extraction goes on regardless.
        "pypdf": {"level": "ERROR"},
        # The openai SDK's HTTP client logs every request at INFO.
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
    },
}
