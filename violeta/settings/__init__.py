"""Violeta's settings: everything that differs between machines comes from the environment.

A package split by concern: env.py (paths, the environment, helpers), messaging.py (SMS, the outbox's sender,
MIA); the rest is here. An app's own settings may live in its conf.py (reports, dataimport), read from the
environment the same way; a setting of the same name here overrides them.

Development needs nothing set: the database is an SQLite file under var/, and the secret key and the
encryption keys are generated once into var/. Production (VIOLETA_ENV=production) needs them given and
refuses to start with DEBUG on or with a development secret.
"""

import base64
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from violeta.settings.env import (
    BASE_DIR,
    PRODUCTION,
    VAR_DIR,
    _dev_secret,
    env_bool,
    env_float,
    env_list,
)
from violeta.settings.env import (
    ENV as ENV,
)
from violeta.settings.env import (
    TESTING as TESTING,
)

# Off unless a developer turns it on (DEBUG=1): `make run` answers as the institute sees Violeta, with its own
# 404, 403, 400 and 500 pages in Spanish, never Django's English debug pages listing every URL (issue 16).
DEBUG = env_bool("DEBUG", False)

if "SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["SECRET_KEY"]
elif PRODUCTION:
    raise ImproperlyConfigured("SECRET_KEY is required when VIOLETA_ENV=production.")
else:
    SECRET_KEY = _dev_secret("secret_key", lambda: "dev-" + secrets.token_urlsafe(50))

# Encryption keys for data at rest: a comma-separated list of base64 32-byte keys, newest first. The first
# encrypts; all of them decrypt, so a key can be rotated by prepending a new one (then `manage.py rotate_keys`).
if "VIOLETA_ENCRYPTION_KEYS" in os.environ:
    ENCRYPTION_KEYS = env_list("VIOLETA_ENCRYPTION_KEYS")
elif PRODUCTION:
    raise ImproperlyConfigured("VIOLETA_ENCRYPTION_KEYS is required when VIOLETA_ENV=production.")
else:
    ENCRYPTION_KEYS = [
        _dev_secret("encryption_key", lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    ]

# The key of the tokens that are derived rather than stored (a card's QR and link, a referral letter's
# verification address; violeta.core.tokens). Empty: derived from SECRET_KEY. Set it on its own so that
# SECRET_KEY can be rotated without changing the QR of every printed card.
TOKEN_KEY = os.environ.get("VIOLETA_TOKEN_KEY", "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")


def _is_key(value: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(value.encode())) == 32
    except ValueError:
        return False


# Production refuses to start rather than run insecurely (tested in violeta/core/tests/test_production_settings.py).
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when VIOLETA_ENV=production.")
    if SECRET_KEY.startswith("dev-") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY must be a long random value, not a development default.")
    if not ENCRYPTION_KEYS or not all(_is_key(key) for key in ENCRYPTION_KEYS):
        raise ImproperlyConfigured("VIOLETA_ENCRYPTION_KEYS must be base64 32-byte keys.")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts when VIOLETA_ENV=production.")
    if not SITE_URL.startswith("https://"):
        raise ImproperlyConfigured("SITE_URL must be an https:// address when VIOLETA_ENV=production.")
    if any(not origin.startswith("https://") for origin in CSRF_TRUSTED_ORIGINS):
        raise ImproperlyConfigured(
            "CSRF_TRUSTED_ORIGINS must be https:// origins when VIOLETA_ENV=production."
        )

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "violeta.core",
    "violeta.accounts",
    "violeta.audit",
    "violeta.people",
    "violeta.cases",
    "violeta.messaging",
    "violeta.alerts",
    "violeta.notifications",
    "violeta.legal",
    "violeta.documents",
    "violeta.psychology",
    "violeta.socialwork",
    "violeta.violence",
    "violeta.agenda",
    "violeta.referrals",
    "violeta.card",
    "violeta.programs",
    "violeta.privacy",
    "violeta.reports",
    "violeta.dataimport",
    "violeta.portal",
    "violeta.demo",  # the top layer: loads every app's demo data (manage.py demo_data)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "violeta.core.middleware.RequestContextMiddleware",
    "violeta.core.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # On /api/v1/card/ only: the till account's user kept 10 s per process (violeta/card/till_auth.py).
    "violeta.card.till_auth.TillUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "violeta.core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "violeta.accounts.mfa.MFAEnrolmentMiddleware",
    "violeta.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "violeta.core.middleware.NulByteMiddleware",
]

ROOT_URLCONF = "violeta.urls"
WSGI_APPLICATION = "violeta.wsgi.application"
ASGI_APPLICATION = "violeta.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "violeta" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "violeta.core.context_processors.institute",
                "violeta.portal.context_processors.public_site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'violeta.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the worker write at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # Violeta's queries are short: PostgreSQL's JIT compiler, which starts on queries it estimates as costly,
    # spent 0.7 s compiling an index lookup of 900 people that runs in 40 ms (issue 15, rebuilding the name
    # index). Off for the application's connections; an analyst's own session may turn it on.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (options.get("options", "") + " -c jit=off").strip()
    # Tests: copy this migrated database (CREATE DATABASE … TEMPLATE) for the test database instead of
    # migrating one; the test runner's `migrate` then finds nothing to do. .ci/run migrates once a lane.
    if os.environ.get("VIOLETA_TEST_DATABASE_TEMPLATE"):
        DATABASES["default"]["TEST"] = {"TEMPLATE": os.environ["VIOLETA_TEST_DATABASE_TEMPLATE"]}
# A PostgreSQL streaming replica for the statistics' reads (docs/deployment.md): the router sends the reports'
# indicators there, never a write (violeta/core/db_router.py). In tests the alias mirrors default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["violeta.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# While the database cannot be reached, pages and the API answer 503 with this Retry-After (violeta/core/errors.py).
DATABASE_RETRY_AFTER_SECONDS = int(os.environ.get("DATABASE_RETRY_AFTER_SECONDS", "5"))
# The API's Idempotency-Key: how long an answer is replayed, and how long a request may hold its key before a
# retry takes it over (violeta/core/idempotency.py, docs/api.md).
IDEMPOTENCY_TTL_SECONDS = int(os.environ.get("IDEMPOTENCY_TTL_SECONDS", str(24 * 60 * 60)))
IDEMPOTENCY_LOCK_SECONDS = int(os.environ.get("IDEMPOTENCY_LOCK_SECONDS", "60"))
USING_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
# The database role that owns the tables, for `manage.py migrate` only (violeta/audit/management/commands/
# migrate.py); DATABASE_URL is then the application's role, which is granted rights but owns nothing, so it
# cannot disable the audit log's triggers (docs/deployment.md). Empty: migrate with DATABASE_URL.
MIGRATION_DATABASE_URL = os.environ.get("MIGRATION_DATABASE_URL", "")

# --- Accounts ----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # allauth's e-mail backend, restricted to each account's verified primary address.
    "violeta.accounts.backends.VerifiedPrimaryEmailBackend",
]
# At least 12 characters, not on the shipped list of common/leaked passwords (Django's plus Spanish, Mexican and
# local ones), not built only from the institute, the city, dates and common words, and not like the account's
# own e-mail or name (violeta/accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "violeta.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "violeta.accounts.passwords.PredictablePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "violeta.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Staff e-mail addresses are set by the system administrator only (staff_create): /cuenta/email/ is closed
# (violeta/urls.py), one address per account, and a reset goes to nobody when no account has the address.
ACCOUNT_MAX_EMAIL_ADDRESSES = 1
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_FORMS = {"reset_password": "violeta.accounts.forms.VerifiedPrimaryResetPasswordForm"}
ACCOUNT_REAUTHENTICATION_TIMEOUT = 15 * 60  # exports, role changes and break-glass ask again after 15 minutes
# allauth's rate limits (its cache-based throttles). Wrong passwords are django-axes's: the adapter skips
# allauth's per-e-mail "login_failed" count for them, so "login_failed" here is the second-factor limit (allauth
# keys it per account). No per-address part: behind a proxy it would be shared by every desk.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/15m/key",
    "reauthenticate": "10/m/user",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "login": "30/m/ip",
}
# Password-reset e-mails per account (whatever address or spelling asked for it) within the window.
PASSWORD_RESET_LIMIT = (3, timedelta(hours=1))
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False  # a passkey is a second factor after the password, not instead of it
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION  # development runs on http://127.0.0.1
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Violeta")
MFA_FORMS = {
    "authenticate": "violeta.accounts.mfa.LimitedAuthenticateForm",
    "reauthenticate": "violeta.accounts.mfa.LimitedReauthenticateForm",
}
# Every staff role must use a second factor; a new account (or every account when the rule started) has
# MFA_ENROLMENT_GRACE_DAYS to enrol, after which only the enrolment pages and sign-out are open to her.
MFA_REQUIRED_ROLES = None  # None: every role (see violeta/accounts/mfa.py)
MFA_ENROLMENT_GRACE_DAYS = int(os.environ.get("MFA_ENROLMENT_GRACE_DAYS", "7"))
# Consecutive wrong codes before the pending sign-in is abandoned and the second factor locked for a while.
MFA_FAILURE_LIMIT = 5
MFA_LOCKOUT_TIME = timedelta(minutes=15)

# The client's address, for the audit log and every per-address limit (sign-in lockout, card tills, public
# forms), comes from violeta.core.middleware.client_ip: REMOTE_ADDR, unless the peer is one of TRUSTED_PROXIES
# (addresses or networks, comma-separated); then the right-most address in TRUSTED_PROXY_IP_HEADER that is not a
# trusted proxy. A header sent by anyone else is ignored. See docs/deployment.md.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
TRUSTED_PROXY_IP_HEADER = os.environ.get("TRUSTED_PROXY_IP_HEADER", "X-Forwarded-For")

AXES_FAILURE_LIMIT = 5
# Lock the (account, address) combination only: never one account everywhere (anyone could lock any staff
# member out) and never one address for everybody (an office behind one NAT address). See accounts/lockout.py.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Each new lockout of the same account from the same address within a day lasts the next step (minutes).
AXES_COOLOFF_MINUTES = [int(m) for m in env_list("AXES_COOLOFF_MINUTES", "5,15,60,240,1440")]
AXES_COOLOFF_TIME = "violeta.accounts.lockout.cool_off"
AXES_HANDLER = "violeta.accounts.lockout.ProgressiveLockoutHandler"
AXES_USERNAME_CALLABLE = "violeta.accounts.lockout.username_from"
AXES_CLIENT_IP_CALLABLE = "violeta.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "violeta.accounts.lockout.lockout_response"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # guesses during a lock neither extend nor count
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Staff sessions end after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_LIFETIME seconds
# after signing in however active (violeta.core.middleware.IdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(15 * 60)))
SESSION_ABSOLUTE_LIFETIME = int(os.environ.get("SESSION_ABSOLUTE_LIFETIME", str(10 * 60 * 60)))
# The last request's time is written to the session at most once a minute, not on every request.
SESSION_ACTIVITY_GRANULARITY = int(os.environ.get("SESSION_ACTIVITY_GRANULARITY", "60"))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation ----------------------------------------------------------------------------------
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", _("Spanish (Mexico)"))]
LOCALE_PATHS = [BASE_DIR / "violeta" / "locale"]
TIME_ZONE = "America/Chihuahua"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["violeta.formats"]

# --- Static files ------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "violeta" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(os.environ.get("VIOLETA_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded case documents: a private folder outside MEDIA and STATIC, served only by documents:download.
DOCUMENTS_ROOT = Path(os.environ.get("VIOLETA_DOCUMENTS_ROOT", VAR_DIR / "documents"))
DOCUMENTS_MAX_BYTES = int(os.environ.get("DOCUMENTS_MAX_BYTES", str(10 * 1024 * 1024)))
# Evidence: photos straight from a phone and voice messages or recordings are larger than scanned paper.
DOCUMENTS_IMAGE_MAX_BYTES = int(os.environ.get("DOCUMENTS_IMAGE_MAX_BYTES", str(20 * 1024 * 1024)))
DOCUMENTS_AUDIO_MAX_BYTES = int(os.environ.get("DOCUMENTS_AUDIO_MAX_BYTES", str(25 * 1024 * 1024)))
DATAIMPORT_ROOT = Path(os.environ.get("VIOLETA_DATAIMPORT_ROOT", VAR_DIR / "private" / "imports"))

# --- Cache: shared by every process (rate limits must hold across gunicorn workers) -----------------------
# Redis when REDIS_URL (or CACHE_URL) is set; otherwise a table in the main database, created by a migration of
# the card app (`createcachetable`). Never the per-process local-memory cache: each worker would count apart.
# The rate-limit counters (violeta.core.ratelimit) use this Redis, or without it their own table, never the
# database cache: it counts its whole table on every write.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
if _CACHE_URL:
    CACHES = {"default": {"BACKEND": "violeta.core.cache.RedisCache", "LOCATION": _CACHE_URL}}
    # Sessions in Redis too: read without a database query on every request. The cache engine, not cached_db:
    # one copy only, so signing out (or ending her sessions) deletes the session where it is read, and no
    # database copy can bring it back; if Redis is lost, every session is lost with it and staff sign in again
    # (requests fail while it is down: none is let through). Redis must not evict keys at will (maxmemory-policy
    # noeviction or volatile-*: every session key has its expiry) and should persist (appendonly) so a restart
    # does not sign everyone out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "violeta_cache",
            "OPTIONS": {"MAX_ENTRIES": 50000},
        }
    }

# --- Tarjeta "Mi apoyo, Mi bienestar" --------------------------------------------------------------------
CARD = {
    # Eligibility rules, in order; each is a function (application data, today) -> a Spanish message or None.
    "ELIGIBILITY_RULES": [
        "violeta.card.eligibility.rule_minimum_age",
        "violeta.card.eligibility.rule_lives_in_municipality",
        "violeta.card.eligibility.rule_one_card_per_curp",
    ],
    "MIN_AGE": int(os.environ.get("CARD_MIN_AGE", "18")),
    "VALIDITY_YEARS": int(os.environ.get("CARD_VALIDITY_YEARS", "2")),
    # Uploads live outside the web root and are served only to the card office, through an audited view.
    "PRIVATE_ROOT": Path(os.environ.get("CARD_PRIVATE_ROOT", VAR_DIR / "private" / "card")),
    "UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    # Validation at the till: per account and per IP, attempts in a sliding minute and failures in 15 minutes.
    "RATE_PER_MINUTE_ACCOUNT": int(os.environ.get("CARD_RATE_PER_MINUTE_ACCOUNT", "30")),
    "RATE_PER_MINUTE_IP": int(os.environ.get("CARD_RATE_PER_MINUTE_IP", "60")),
    "FAILURES_PER_15_MINUTES": int(os.environ.get("CARD_FAILURES_PER_15_MINUTES", "10")),
}

# --- Data protection (LGPDPPSO): ARCO requests and retention (violeta/privacy, docs/security.md) ------------
PRIVACY = {
    # The legal clock of an ARCO request and its one justified extension, in business days (weekends, the
    # federal holidays of the Ley Federal del Trabajo art. 74 and the agenda's holidays excluded).
    "ARCO_BUSINESS_DAYS": 20,
    "ARCO_EXTENSION_BUSINESS_DAYS": 20,
    "ARCO_REMINDER_BUSINESS_DAYS": int(os.environ.get("PRIVACY_ARCO_REMINDER_BUSINESS_DAYS", "5")),
    # How long each kind of data is kept; the retention task (manage.py privacy_retention) deletes the rest.
    "RETENTION": {
        "closed_cases_years": int(os.environ.get("PRIVACY_CLOSED_CASES_YEARS", "5")),
        "rejected_card_applications_months": int(os.environ.get("PRIVACY_REJECTED_CARD_MONTHS", "6")),
        "phone_calls_years": int(os.environ.get("PRIVACY_PHONE_CALLS_YEARS", "2")),
        # Blocked (cancelled) records are kept blocked this long, then deleted.
        "blocked_records_days": int(os.environ.get("PRIVACY_BLOCKED_RECORDS_DAYS", "365")),
        # The audit log is append-only and hash-chained: the task reports what is older than this, it does not
        # delete it (archiving it is an operator's job, see docs/security.md).
        "audit_log_years": int(os.environ.get("PRIVACY_AUDIT_LOG_YEARS", "5")),
        # MIA alert locations: MIA["LOCATION_RETENTION_DAYS"] (each alert's purge_after).
    },
}

# --- Background work ---------------------------------------------------------------------------------------
# The database backend (django-tasks-db) by default: a task commits with the transaction that enqueues it, and
# `manage.py db_worker` runs it. TASKS_BACKEND=rq (or django_tasks_rq.RQBackend) puts the tasks on RQ, in Redis
# at RQ_REDIS_URL (else REDIS_URL), enqueued on commit (violeta/core/tasks.py), run by `manage.py rqworker
# --job-class django_tasks_rq.Job --with-scheduler default` on any number of machines (docs/deployment.md).
_TASKS_BACKENDS = {"db": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
TASKS_BACKEND = _TASKS_BACKENDS.get(os.environ.get("TASKS_BACKEND", "db"), os.environ.get("TASKS_BACKEND"))
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
TASKS_ON_RQ = TASKS_BACKEND == "django_tasks_rq.RQBackend"
if TASKS_ON_RQ:
    _RQ_URL = os.environ.get("RQ_REDIS_URL") or os.environ.get("REDIS_URL")
    if not _RQ_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs RQ_REDIS_URL (or REDIS_URL): the Redis that holds the tasks."
        )
    INSTALLED_APPS.append("django_rq")
    TASKS["default"]["QUEUES"] = ["default"]
    # A task that runs longer than this is stopped by its worker (the longest is an import of old records).
    RQ_QUEUES = {
        "default": {"URL": _RQ_URL, "DEFAULT_TIMEOUT": int(os.environ.get("RQ_JOB_TIMEOUT", "3600"))}
    }
# Finished (successful or failed) task results older than this are deleted every hour (violeta.core.tasks.
# prune_task_results, run by the sender's periodic jobs; `manage.py prune_db_task_results` by hand).
TASKS_RESULT_RETENTION_DAYS = int(os.environ.get("TASKS_RESULT_RETENTION_DAYS", "7"))

# --- SMS (MIA), the outbox's sender, MIA: violeta/settings/messaging.py --------------------------------------
from violeta.settings.messaging import *  # noqa: E402, F403

# --- E-mail ------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "violeta@localhost")
# Seconds an SMTP server may take to answer: the outbox's alarms and the escalation e-mail from the console's poll
# and the sender, which must not hang on a mail server that does not answer (Django's default waits forever).
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 10)

# --- Security ----------------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload: browsers that never visited the site still refuse plain HTTP to it. The header only consents;
    # the domain joins the list when it is submitted at hstspreload.org (docs/deployment.md). Hard to undo, so
    # it can be switched off for a domain that also serves plain-HTTP subdomains.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Logging: never personal data; request ids tie a log line to the audit log ------------------------------
# A copy of every audit event (one JSON line each, no personal data) outside the database: a file and/or
# syslog ("/dev/log", or "host:514" over UDP). `audit_verify` checks the chain; the copy survives the database.
AUDIT_LOG_FILE = os.environ.get("AUDIT_LOG_FILE", "")
AUDIT_SYSLOG_ADDRESS = os.environ.get("AUDIT_SYSLOG_ADDRESS", "")
# Where `manage.py audit_verify` appends the chain's tail after each check (keep it off the database server).
AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit_checkpoints.jsonl"))


def audit_log_handlers(log_file: str, syslog_address: str) -> dict:
    """The logging handlers for the audit copy (a function so the test can build the same configuration)."""
    handlers = {}
    if log_file:
        handlers["audit_file"] = {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": log_file,
            "formatter": "audit",
        }
    if syslog_address:
        host, _sep, port = syslog_address.rpartition(":")
        address = [host, int(port)] if host and port.isdigit() else syslog_address
        handlers["audit_syslog"] = {
            "class": "logging.handlers.SysLogHandler",
            "address": address,
            "facility": "auth",
            "formatter": "audit_syslog",
        }
    return handlers


_AUDIT_HANDLERS = audit_log_handlers(AUDIT_LOG_FILE, AUDIT_SYSLOG_ADDRESS)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "audit": {"format": "%(message)s"},
        "audit_syslog": {"format": "violeta-audit: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}, **_AUDIT_HANDLERS},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "violeta.audit": {"handlers": list(_AUDIT_HANDLERS), "level": "INFO", "propagate": False},
    },
}

# Statistics: the other settings are in reports/conf.py. The BANAVIM export's pseudonym key (reports/banavim.py; docs/deployment.md): its own secret, never SECRET_KEY.
_dev_pseudonym_key = "" if PRODUCTION else _dev_secret("pseudonym_key", lambda: secrets.token_urlsafe(48))
REPORTS_PSEUDONYM_KEY = os.environ.get("REPORTS_PSEUDONYM_KEY", _dev_pseudonym_key)

# --- The public site (violeta/portal): where the quick exit takes her, a neutral page (weather, news) ----------
PUBLIC_EXIT_URL = os.environ.get("PUBLIC_EXIT_URL", "https://www.google.com/search?q=clima+chihuahua")

# --- The institute: place-specific facts are configuration ------------------------------------------------
INSTITUTE = {
    "name": os.environ.get("INSTITUTE_NAME", "Instituto Municipal de las Mujeres"),
    "short_name": os.environ.get("INSTITUTE_SHORT_NAME", "IMM Chihuahua"),
    "folio_prefix": os.environ.get("INSTITUTE_FOLIO_PREFIX", "IMM"),
    "address": os.environ.get("INSTITUTE_ADDRESS", "Calle 4ta #2411, Col. Centro, Chihuahua, Chih."),
    "phone": os.environ.get("INSTITUTE_PHONE", "072 ext. 2604"),
    "municipality": os.environ.get("INSTITUTE_MUNICIPALITY", "Chihuahua"),
    "default_region": "MX",
}

# The privacy notices (LGPDPPSO arts. 26-28): the integral one, public at /aviso-de-privacidad/, and the simplified
# one shown and accepted at every intake. Their texts are UTF-8 files (paragraphs; "# " and "## " headings; "- "
# list items; $institute_name, $institute_address, $institute_phone, $arco_office, $arco_contact, $partners,
# $integral_url and $version are filled in); empty paths mean the defaults in violeta/people/data/privacy_notice/.
# Bump the version when the text changes: each intake records the version and the very text she accepted.
PRIVACY_NOTICE = {
    "version": os.environ.get("PRIVACY_NOTICE_VERSION", "2026-01"),
    "integral_path": os.environ.get("PRIVACY_NOTICE_INTEGRAL_PATH", ""),
    "simplified_path": os.environ.get("PRIVACY_NOTICE_SIMPLIFIED_PATH", ""),
    "arco_office": os.environ.get(
        "PRIVACY_NOTICE_ARCO_OFFICE", "la Unidad de Transparencia del Municipio de Chihuahua"
    ),
    # where and how the office receives ARCO requests (an address, a phone, an e-mail)
    "arco_contact": os.environ.get(
        "PRIVACY_NOTICE_ARCO_CONTACT", f"en {INSTITUTE['address']} o al teléfono {INSTITUTE['phone']}"
    ),
    "partners": os.environ.get(
        "PRIVACY_NOTICE_PARTNERS",
        "el DIF Municipal, la Dirección de Seguridad Pública Municipal, la Fiscalía y los centros de salud",
    ),
}
