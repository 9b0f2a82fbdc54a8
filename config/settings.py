"""Offer Desk settings: one file, read from the environment, safe defaults for a laptop.

With nothing set the portal runs on SQLite, keeps uploads under var/ and prints e-mail to the
console. DATABASE_URL selects PostgreSQL, REDIS_URL selects Redis for Celery and the cache (in a
database of its own), AWS_STORAGE_BUCKET_NAME an object store for uploads.
"""

from pathlib import Path

from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_int_list,
    env_list,
    env_str,
    object_storage_options,
    redis_cache_url,
)
from config.logs import configure_structlog, json_wanted, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
elif not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "With DEBUG off, set SECRET_KEY and ALLOWED_HOSTS (or DEBUG=1 for local development)."
    )

INSTALLED_APPS = [
    "config.admin.OfferDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's list of sessions
    "formtools",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Records each sign-in's session, so that deactivating an account ends them all.
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "csp",
    "django_structlog",
    "accounts",
    "organisations",
    "offers",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "review",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request id for every log line of the request, and of the tasks it queues.
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: a signed-in person gets their account's language.
    "accounts.middleware.AccountLocaleMiddleware",
    "accounts.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Reviewers and admins set up two-factor authentication before they review or administer.
    "accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy on every page (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
# Widgets and fields from Jinja2 templates, the admin's widgets from Django's (offers.renderers).
FORM_RENDERER = "offers.renderers.FormRenderer"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.current.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    # A kept connection is checked before a request reuses it: after a database restart the
    # first request reconnects instead of failing.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The embedded default: a file under var/, made on first use so any command just works.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # WAL lets the web server read while the worker writes; IMMEDIATE takes the write
            # lock up front instead of failing with "database is locked" half-way.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# The cache has a Redis database of its own (by default the broker's number plus one), so that
# clearing the cache can never drop a queued check.
REDIS_CACHE_URL = redis_cache_url(REDIS_URL, env_str("REDIS_CACHE_URL")) if REDIS_URL else ""
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "offerdesk",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "offers:list"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): the e-mail address is the login; a new publisher confirms it with a
# code sent to it before doing anything else; nothing says whether an address has an account.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in ("mandatory", "optional"):
    raise ImproperlyConfigured(
        f"ACCOUNT_EMAIL_VERIFICATION={ACCOUNT_EMAIL_VERIFICATION!r}: use mandatory or optional."
    )
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
# A code that never arrived (a mail server that was down, a spam filter) can be sent again.
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_PREVENT_ENUMERATION = True
# Someone else's wrong guesses can lock the password route of an account for a while, never the
# owner out: a one-time code sent to the address signs them in all the same.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Every limit of the portal counts clients by the address allauth's adapter reads: the socket's,
# or with TRUSTED_PROXY_COUNT proxies in front, the one they put in X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Two-factor authentication: an authenticator app, with recovery codes for a lost one, and
# passkeys (security keys, Windows Hello, a phone), which also sign in without the password.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Browsers allow passkeys on http://localhost; allauth's check of the origin only with DEBUG.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Offer Desk"
# A code is taken in the 30 seconds before and after its own too (RFC 6238, section 5.2): a
# phone's clock drifts, and a code typed as it turns over is not refused. Each code still
# works once (allauth marks it used for the whole window).
MFA_TOTP_TOLERANCE = 1
# Sign in with Microsoft (Entra ID) when the portal is registered there; the button shows then.
MICROSOFT_CLIENT_ID = env_str("MICROSOFT_CLIENT_ID")
MICROSOFT_CLIENT_SECRET = env_str("MICROSOFT_CLIENT_SECRET")
SOCIALACCOUNT_PROVIDERS = {
    "microsoft": {
        "APPS": (
            [
                {
                    "client_id": MICROSOFT_CLIENT_ID,
                    "secret": MICROSOFT_CLIENT_SECRET,
                    # Work and school accounts of any organisation, not personal accounts.
                    "settings": {"tenant": env_str("MICROSOFT_TENANT", "organizations")},
                }
            ]
            if MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET
            else []
        ),
    }
}
# A Microsoft account's e-mail address is not verified by Microsoft for us: an account is never
# joined by its address alone (a signed-in person connects their Microsoft account instead).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ADAPTER = "accounts.social.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"

# The submission API (api/): an organisation's key authenticates every request; the schema and
# its documentation are open to read.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasOrganisationKey"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in, JSON out; only a logo upload is multipart (api.views).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.NewestFirst",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.handle",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerKeyThrottle"],
}
# Requests per API key: "<number>/<second|minute|hour|day>". Beyond it, 429 with Retry-After.
API_RATE_PER_KEY = env_str("API_RATE_PER_KEY", "600/minute")
# How long a request's Idempotency-Key replays its first answer.
IDEMPOTENCY_SECONDS = env_int("IDEMPOTENCY_SECONDS", 24 * 60 * 60)
SPECTACULAR_SETTINGS = {
    "TITLE": "Offer Desk submission API",
    "VERSION": "1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OfferStatusEnum": "offers.models.OfferStatus",
        "CheckStatusEnum": "offers.models.CheckStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

# An invitation link (an admin made the account, or an owner invited a member) works once, for
# this long.
INVITATION_TIMEOUT_SECONDS = env_int("INVITATION_TIMEOUT_SECONDS", 3 * 24 * 60 * 60)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch")), ("zh-hant", _("Traditional Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads are private: logos are served through a view that checks who is asking.
# Logo files that no offer refers to are removed once they are this old.
ORPHAN_UPLOAD_MAX_AGE_HOURS = env_int("ORPHAN_UPLOAD_MAX_AGE_HOURS", 24)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# With a bucket, uploads go to an S3-compatible object store (AWS S3, SeaweedFS, MinIO, ...), so
# that web servers and workers on other machines share them; without one, they stay in
# MEDIA_ROOT. The bucket stays private: logos are only ever streamed through the views.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": object_storage_options(
            bucket=AWS_STORAGE_BUCKET_NAME,
            endpoint_url=env_str("AWS_S3_ENDPOINT_URL"),
            access_key=env_str("AWS_ACCESS_KEY_ID"),
            secret_key=env_str("AWS_SECRET_ACCESS_KEY"),
            region=env_str("AWS_S3_REGION_NAME"),
            location=env_str("AWS_LOCATION"),
            # A store that does not answer must not hold a publisher's page for long.
            timeout=env_int("AWS_S3_TIMEOUT_SECONDS", 5),
        ),
    }
# A logo is at most 1 MB; a little headroom for the rest of the multipart form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Where EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes each message.
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Offer Desk <noreply@offerdesk.invalid>")
# Seconds an SMTP connection may hang before the send counts as a transient error.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# The publisher's news by e-mail (offers.notifications).
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
NOTIFICATION_RETRY_CAP_SECONDS = env_int("NOTIFICATION_RETRY_CAP_SECONDS", 120)
# An e-mail not sent this long after it was last queued is queued again by the sweeper.
NOTIFICATION_PENDING_TIMEOUT_SECONDS = env_int("NOTIFICATION_PENDING_TIMEOUT_SECONDS", 300)
# Longer than the task's hard time limit (90 s): only a send whose worker died is taken again.
NOTIFICATION_SENDING_TIMEOUT_SECONDS = env_int("NOTIFICATION_SENDING_TIMEOUT_SECONDS", 300)
# Links in e-mails point here: the address people type to reach the portal, without a slash.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery: Redis when REDIS_URL is set; otherwise a broker on the local file system, so that
# `make run` needs no server. Eager mode is for tests only.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_FOLDER = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        # Its exchange table; left to itself the transport writes ./control wherever it runs.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    # Messages a worker took but never acknowledged come back after this; it must stay well
    # above the longest task time limit (30 s), or a slow check would run twice.
    # max_retries 0: a publish that cannot connect fails at once instead of retrying after 2 s,
    # so a broker that is down costs a submission well under 2 s; the sweeper queues it later.
    # (The worker's own connection retries are broker_connection_* and are not affected.)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 0}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker that is down must not hold a publisher's submission: fail fast, the sweeper requeues.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# URL checks wait on the network (a thread pool); logo checks use the CPU (a process pool).
# Routes and the beat name tasks by the names offers/tasks.py declares, which never change.
CELERY_TASK_ROUTES = {
    "offers.tasks.check_url": {"queue": "urls"},
    "offers.tasks.check_logos": {"queue": "logos"},
    "offers.tasks.check_logo": {"queue": "logos"},
    # A webhook waits on the receiver, as a URL check waits on the site.
    "webhooks.tasks.deliver": {"queue": "urls"},
}
CELERY_BEAT_SCHEDULE = {
    "clean-orphaned-uploads": {"task": "offers.tasks.clean_orphaned_uploads", "schedule": 3600.0},
    "sweep-checks": {"task": "offers.tasks.sweep_checks", "schedule": 60.0},
    "sweep-notifications": {"task": "offers.tasks.sweep_notifications", "schedule": 60.0},
    "forget-idempotency-keys": {"task": "api.tasks.forget_idempotency_keys", "schedule": 3600.0},
    "sweep-webhook-deliveries": {"task": "webhooks.tasks.sweep_deliveries", "schedule": 60.0},
    # Every day at 07:00 UTC (Celery follows TIME_ZONE), before the working day in Europe.
    "send-review-reminders": {
        "task": "review.tasks.send_review_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}

# The review clock (review/clock.py): an offer waiting for a reviewer longer than this many
# business days (Monday to Friday) is overdue, marked in the queue and in the daily reminders.
REVIEW_TARGET_BUSINESS_DAYS = env_int("REVIEW_TARGET_BUSINESS_DAYS", 5)
if REVIEW_TARGET_BUSINESS_DAYS < 0:
    raise ImproperlyConfigured(
        f"REVIEW_TARGET_BUSINESS_DAYS={REVIEW_TARGET_BUSINESS_DAYS}: use 0 or more business days."
    )

# Background checks of a submitted offer.
CHECK_MAX_ATTEMPTS = env_int("CHECK_MAX_ATTEMPTS", 4)
CHECK_RETRY_CAP_SECONDS = env_int("CHECK_RETRY_CAP_SECONDS", 60)
CHECK_PENDING_TIMEOUT_SECONDS = env_int("CHECK_PENDING_TIMEOUT_SECONDS", 120)
# Longer than a check's hard time limit, so only a check whose worker died counts as stale.
CHECK_RUNNING_TIMEOUT_SECONDS = env_int("CHECK_RUNNING_TIMEOUT_SECONDS", 180)
# On-premises installations (and tests) may check private and loopback addresses.
URLCHECK_ALLOW_PRIVATE_NETWORKS = env_bool("URLCHECK_ALLOW_PRIVATE_NETWORKS", False)
URLCHECK_ALLOWED_PORTS = env_int_list("URLCHECK_ALLOWED_PORTS", ("80", "443"))
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME") or str(
    VAR_DIR / "celerybeat-schedule"
)
# Beat writes its schedule after every task it sends (a sweep a minute): the container's health
# check reads the file's age.
CELERY_BEAT_SYNC_EVERY = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True

# Sessions are read from the cache (Redis in production, locmem under `make run`) and written
# through to the database: a page reads no session row, and a cache flush signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# PLAIN_HTTP=1: a closed network with no TLS anywhere (documented in the README). Nothing is
# redirected to https and cookies travel without the Secure flag; never on the internet.
PLAIN_HTTP = env_bool("PLAIN_HTTP", False)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not PLAIN_HTTP)
    # The orchestrator probes the container itself, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not PLAIN_HTTP)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not PLAIN_HTTP)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if PLAIN_HTTP else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Only what the portal serves itself, and no inline script or style: an injected <script> or
# on*= attribute does not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        # blob: the logo preview; data: the QR code of the authenticator set-up.
        "img-src": [csp.SELF, "blob:", "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# One JSON object a line on stdout, with the request id (config/logs.py); readable lines while
# developing.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(level=LOG_LEVEL, json_output=json_wanted(DEBUG))
configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# config/logs.py logs the socket's address instead.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# The worker keeps the logging configured above instead of installing its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Optional error reporting (config/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    # Late: sentry-sdk is loaded only when error reporting is on.
    from config import sentry  # noqa: PLC0415 - see the line above

    sentry.start(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"))
