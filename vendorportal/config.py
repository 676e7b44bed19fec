"""Default configuration; no secrets here. Instance config and VENDORPORTAL_* variables override it."""

import datetime as dt

# SQLALCHEMY_DATABASE_URI is filled in by create_app (SQLite in the instance folder) unless configured.
DATABASE_URL = None
SECRET_KEY = None
TIMEZONE = "Asia/Tokyo"

SQLALCHEMY_ENGINE_OPTIONS: dict = {}
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Pool per process: a sync gunicorn worker serves one request at a time.
DB_POOL_SIZE = 3
DB_MAX_OVERFLOW = 2

BABEL_DEFAULT_LOCALE = "en"
BABEL_DEFAULT_TIMEZONE = "UTC"
LANGUAGES = ("en", "ja")

SESSION_COOKIE_NAME = "vp_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=8)
REMEMBER_COOKIE_SECURE = True
REMEMBER_COOKIE_HTTPONLY = True
# Server-side session limits (auth.models.UserSession).
SESSION_IDLE_MINUTES = 120
SESSION_ABSOLUTE_HOURS = 12

WTF_CSRF_TIME_LIMIT = 3600 * 8

MAX_CONTENT_LENGTH = 20 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# Uploads are refused (HTTP 507) before anything is written while the instance folder's disk has less free
# space than this; 0 turns the guard off.
DISK_FREE_MIN_BYTES = 200 * 1024 * 1024

# Sign-in throttling: failures per key within the window before the key is locked.
LOGIN_MAX_FAILURES = 5
LOGIN_IP_MAX_FAILURES = 30
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_LOCK_SECONDS = 15 * 60
# Redis for the sign-in counts (VENDORPORTAL_REDIS_URL, e.g. redis://127.0.0.1:6379/0); unset = the database.
# If Redis cannot be reached the counts fall back to the database (a warning is logged) for
# REDIS_RETRY_SECONDS before Redis is tried again: the limits hold and nobody is locked out by the outage.
REDIS_URL = None
REDIS_KEY_PREFIX = "vendorportal:"
REDIS_SOCKET_TIMEOUT = 0.5
REDIS_RETRY_SECONDS = 5

# Argon2id at the OWASP Password Storage Cheat Sheet minimum (m=19 MiB, t=2, p=1).
ARGON2_TIME_COST = 2
ARGON2_MEMORY_COST = 19 * 1024
ARGON2_PARALLELISM = 1
PASSWORD_MIN_LENGTH = 12

RENEWAL_LOOKAHEAD_DAYS = 90

# Outgoing mail (review steps, reminders, packs). No server = mail is logged, not sent.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_SENDER = "VendorPortal <no-reply@localhost>"
MAIL_TIMEOUT = 10
# The portal's address, for links in mail sent outside a request (reminders, packs).
PORTAL_URL = "http://127.0.0.1:5000"

# Review packs and the scheduler. The scheduler is its own process (`vendorportal scheduler`), never a web
# worker; these settings are read there. Times are in TIMEZONE.
SCHEDULER_TICK_SECONDS = 15  # how often due schedules are claimed and queued packs rendered
SCHEDULER_REMINDER_TIME = "08:00"  # the daily checklist and action reminders
SCHEDULER_MISFIRE_GRACE_SECONDS = 3600
PACK_MAX_ATTEMPTS = 3  # a failed render is tried again after PACK_RETRY_SECONDS, then twice as long …
PACK_RETRY_SECONDS = 60
PACK_LEASE_SECONDS = 900  # a renderer that holds a pack longer is presumed dead and the pack is queued again
PACK_MAIL_ATTACH_MAX_BYTES = 5 * 1024 * 1024  # larger packs are mailed as a link

# Logs: "text" (Flask's default) or "json" (one object per line on stderr, with the request id that is also
# sent back as X-Request-ID); LOG_REQUESTS adds one access line per request.
LOG_FORMAT = "text"
LOG_LEVEL = "INFO"
LOG_REQUESTS = False
