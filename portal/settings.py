"""Settings of the portal, read from the environment.

One module for every deployment. The variables are listed in the README:
DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_URL, MEDIA_ROOT.
Without REDIS_URL the cache is in memory and Celery runs tasks eagerly (the
``make run`` path); with DEBUG off the settings refuse an insecure configuration.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Keys that must never be used outside development.
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production-7f3a9c2e1b"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY


def _check_secret_key(key: str) -> None:
    if (
        not key
        or key == DEVELOPMENT_SECRET_KEY
        or key.startswith("django-insecure")
        or len(key) < 50
        or len(set(key)) < 5
    ):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )


if not DEBUG:
    _check_secret_key(SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names the portal answers to.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated). Empty: the
# connection's address alone is the client's (portal.clientip.client_ip, used by audit, objections and axes).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _entry in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_entry!r} is not an address or network.") from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_prometheus",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "captcha",
    "ninja",  # its vendored Swagger UI (static files) for /api/v1/docs
    "portal.accounts",
    "portal.audit",
    "portal.notifications",
    "portal.workdays",
    "portal.home",
    "portal.documents",
    "applications",
    "review",
    "publicity",
    "publicapi",
    "bases",
    "monitoring",
    # last: it checks the workflow definitions against what the apps above register
    "portal.workflow",
]

# The packages whose modules define the programmes' workflows (portal.workflow).
WORKFLOW_PACKAGES = ["workflows"]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "portal.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.accounts.middleware.AccountSecurityMiddleware",
    "portal.home.middleware.BadInputMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Widgets render through TEMPLATES, so that templates/ can override a library's widget (the captcha's).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.home.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
# The same database backends, counted for /metrics (queries, errors, connections) by django-prometheus.
_PROMETHEUS_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _PROMETHEUS_ENGINES.get(DATABASES["default"]["ENGINE"],
                                                         DATABASES["default"]["ENGINE"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Cache, Celery broker and rate limits may live in separate Redis databases (compose: /0, /1, /2):
# REDIS_URL for the cache, CELERY_BROKER_URL for the broker, LIMITS_REDIS_URL for the counters of the rate limits
# (each defaults to REDIS_URL). Flushing the cache then never resets a limit, and the reverse.
LIMITS_REDIS_URL = os.environ.get("LIMITS_REDIS_URL", REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.observability.RedisCache",  # Django's, with hit/miss counts for /metrics
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
        },
        "limits": {
            "BACKEND": "portal.observability.RedisCache",
            "LOCATION": LIMITS_REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal") + "-limits",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
    }

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or None
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL) or None
# No broker configured: run tasks in-process, so that `make run` needs no Redis.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through LOGGING below (JSON lines with the request id of the request that queued the task).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery beat (portal.home.beat.HeartbeatScheduler) writes a heartbeat into Redis; older than this it is stale.
BEAT_HEARTBEAT_MAX_AGE = int(os.environ.get("BEAT_HEARTBEAT_MAX_AGE", "120"))
CELERY_BEAT_SCHEDULE: dict = {
    # 08:30 every day: units that have not sent their recommendation, 3 and 1 working days ahead.
    "remind-recommending-units": {
        "task": "review.tasks.remind_recommending_units",
        "schedule": crontab(hour=8, minute=30),
    },
    # 08:40 every day: experts whose score sheets are due in 2 and 1 working days.
    "remind-experts": {
        "task": "review.tasks.remind_experts",
        "schedule": crontab(hour=8, minute=40),
    },
    # Every minute: close the notices whose window has ended (23:59:59 of the last working day).
    "close-due-notices": {
        "task": "publicity.tasks.close_due_notices",
        "schedule": crontab(minute="*"),
    },
    # 02:30 every day: objectors' ID and phone numbers past the retention period after designation are erased.
    "purge-objector-data": {
        "task": "publicity.tasks.purge_objector_data",
        "schedule": crontab(hour=2, minute=30),
    },
    # 08:50 every day: parks whose annual progress report is due in 7, 3 or 1 days (not yet submitted).
    "remind-annual-reports": {
        "task": "bases.tasks.remind_annual_reports",
        "schedule": crontab(hour=8, minute=50),
    },
    # 00:05 every day: the head of the audit hash chain written to the log (an anchor kept elsewhere).
    "log-audit-chain-head": {
        "task": "portal.audit.tasks.log_chain_head",
        "schedule": crontab(hour=0, minute=5),
    },
}

# The backup (scripts/backup.py, encrypted, uploaded, N kept) on beat's schedule: BACKUP_CRON="minute hour",
# e.g. "30 2" for 02:30 Asia/Shanghai every day; unset, nothing is scheduled.
BACKUP_CRON = os.environ.get("BACKUP_CRON", "").split()
BACKUP_TIMEOUT_SECONDS = int(os.environ.get("BACKUP_TIMEOUT_SECONDS", str(4 * 3600)))
if BACKUP_CRON:
    if len(BACKUP_CRON) != 2:
        raise ImproperlyConfigured('BACKUP_CRON must be "minute hour", e.g. "30 2".')
    CELERY_BEAT_SCHEDULE["backup"] = {
        "task": "portal.home.tasks.run_backup",
        "schedule": crontab(minute=BACKUP_CRON[0], hour=BACKUP_CRON[1]),
    }

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.lockout"
AXES_USERNAME_CALLABLE = "portal.accounts.views.axes_username"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Attempts are keyed on username + the real client address (portal.clientip: X-Forwarded-For only from
# TRUSTED_PROXIES), so that failures from other clients behind the proxy never lock a named account for all.
AXES_CLIENT_IP_CALLABLE = "portal.clientip.axes_client_ip"

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded dossier files: private storage, never served under a public URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# No URL route serves MEDIA_ROOT: files go out only through views that check permission.
MEDIA_URL = "/private-media/"
# Uploads and generated documents go through STORAGES["default"]: the file system under MEDIA_ROOT by default,
# S3-compatible object storage (MinIO, the cloud's OBS/OSS) with STORAGE_BACKEND=s3, so that every web node
# sees the same files. The bucket is private: files leave only through views that check permission.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local").strip().lower()
if STORAGE_BACKEND == "s3":
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "location": os.environ.get("S3_PREFIX", ""),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 60,
        },
    }
    if not DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, "
                                   "S3_SECRET_ACCESS_KEY).")
elif STORAGE_BACKEND == "local":
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'local' or 's3', not {STORAGE_BACKEND!r}.")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not env_bool("TESTING")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Private files through the reverse proxy: after the permission check the view answers with X-Accel-Redirect
# to this internal nginx location (files under MEDIA_ROOT at PRIVATE_MEDIA_ACCEL_PREFIX, objects in the bucket
# at PRIVATE_S3_ACCEL_PREFIX with a short-lived signed query); empty (the default without nginx): the view
# streams the file itself.
PRIVATE_MEDIA_ACCEL = env_bool("PRIVATE_MEDIA_ACCEL", False)
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "/_private/media/")
PRIVATE_S3_ACCEL_PREFIX = os.environ.get("PRIVATE_S3_ACCEL_PREFIX", "/_private/s3/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"


# --- Email --------------------------------------------------------------------
def parse_email_url(url: str) -> dict:
    """smtp://user:pass@host:port (smtp+tls://, smtp+ssl://), console://, locmem://, file:///path."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        options = parse_qs(parsed.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if scheme == "smtp+ssl" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls",
            "EMAIL_USE_SSL": scheme == "smtp+ssl",
            "EMAIL_TIMEOUT": int(options.get("timeout", ["10"])[0]),
        }
    raise ImproperlyConfigured(f"EMAIL_URL has an unknown scheme: {scheme!r}")


globals().update(parse_email_url(os.environ.get("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "数字服务出口基地申报评审平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if not DEBUG:
    # TLS is terminated by the reverse proxy in front of gunicorn.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_SSL_REDIRECT:
        # Explicitly turned off (e.g. a compose stack on a private network): say so once.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

# Log lines: JSON (time, level, logger, message, request id, user id, path; access lines add method, status and
# duration) on standard error, for the log collector; LOG_FORMAT=text for people reading a terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "portal.observability.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(path)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The access line of every request is written by portal.observability; gunicorn's is switched off.
        "portal.request": {"level": os.environ.get("ACCESS_LOG_LEVEL", "INFO")},
    },
}

# /metrics (Prometheus) answers connections from these networks only, never through the proxy.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
for _entry in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_entry!r} is not an address or network.") from exc

# Errors to Sentry or a self-hosted GlitchTip when SENTRY_DSN is set.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from portal.observability import init_sentry

    init_sentry(SENTRY_DSN)

PORTAL_NAME = _("Digital Service Export Base Application and Review Platform")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The footer of a government website (政府网站): who runs it, how to reach them, and its registrations.
PORTAL_SPONSOR = os.environ.get("PORTAL_SPONSOR", "广东省商务厅")  # 主办单位
PORTAL_CONTACT = os.environ.get("PORTAL_CONTACT", "服务贸易处 020-38819191")  # 联系方式
PORTAL_SITE_CODE = os.environ.get("PORTAL_SITE_CODE", "")  # 网站标识码
PORTAL_ICP = os.environ.get("PORTAL_ICP", "")  # ICP备案号, e.g. 粤ICP备05070829号
PORTAL_PSB = os.environ.get("PORTAL_PSB", "")  # 公安机关备案号, e.g. 粤公网安备 44010402000001号

# Dossier uploads: per file and per dossier, in MB.
DOSSIER_MAX_FILE_MB = int(os.environ.get("DOSSIER_MAX_FILE_MB", "20"))
DOSSIER_MAX_TOTAL_MB = int(os.environ.get("DOSSIER_MAX_TOTAL_MB", "200"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Objections (异议): limits per IP and per phone number (kept in Redis), and evidence size in all.
OBJECTION_RATE_LIMITS = {
    "per_ip_per_hour": int(os.environ.get("OBJECTION_LIMIT_PER_IP_PER_HOUR", "10")),
    "per_phone_per_day": int(os.environ.get("OBJECTION_LIMIT_PER_PHONE_PER_DAY", "5")),
    "status_per_ip_per_hour": int(os.environ.get("OBJECTION_STATUS_LOOKUPS_PER_IP_PER_HOUR", "30")),
}
OBJECTION_MAX_TOTAL_MB = int(os.environ.get("OBJECTION_MAX_TOTAL_MB", "30"))
# The largest request body an upload form needs (one dossier file, or all the evidence of one objection, plus the
# form): nginx's client_max_body_size in deploy/nginx is this figure (a test compares them).
UPLOAD_REQUEST_MAX_MB = max(DOSSIER_MAX_FILE_MB, OBJECTION_MAX_TOTAL_MB) + 2
# All evidence files a notice takes in one day (Asia/Shanghai), online and by post together.
OBJECTION_MAX_DAILY_MB_PER_NOTICE = int(os.environ.get("OBJECTION_MAX_DAILY_MB_PER_NOTICE", "500"))
# After this many objections from one address within an hour, the form asks for a captcha.
OBJECTION_CAPTCHA_AFTER = int(os.environ.get("OBJECTION_CAPTCHA_AFTER", "3"))
CAPTCHA_TIMEOUT = 15  # minutes
CAPTCHA_LENGTH = 4
CAPTCHA_2X_IMAGE = False

# Objectors' ID and phone numbers (portal/crypto.py): Fernet keys, the first encrypting, all decrypting
# (rotate with `manage.py rotate_field_key`); the HMAC key of the look-up hashes; how long they are kept.
# Development only (DEBUG on): fixed so that `make run` keeps reading its own data across restarts.
DEVELOPMENT_FIELD_ENCRYPTION_KEY = "ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMDAwMDA="
DEVELOPMENT_FIELD_HASH_KEY = "development-only-field-hash-key-never-use-in-production"
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY") or ([DEVELOPMENT_FIELD_ENCRYPTION_KEY] if DEBUG else [])
FIELD_HASH_KEY = os.environ.get("FIELD_HASH_KEY", "") or (DEVELOPMENT_FIELD_HASH_KEY if DEBUG else "")
OBJECTOR_DATA_RETENTION_YEARS = int(os.environ.get("OBJECTOR_DATA_RETENTION_YEARS", "3"))
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "60"))
# Each worker process keeps the public version this long before asking Redis again (portal/home/caching.py).
PUBLIC_CACHE_LOCAL_SECONDS = float(os.environ.get("PUBLIC_CACHE_LOCAL_SECONDS", "1"))
# The open-data API (/api/v1/): requests per client address per minute (0: no limit) and the largest page.
PUBLIC_API_LIMIT_PER_MINUTE = int(os.environ.get("PUBLIC_API_LIMIT_PER_MINUTE", "120"))
PUBLIC_API_MAX_PAGE_SIZE = 100
# The stored ranking of a call is recomputed this many seconds after the first change (a submitted or
# reopened score sheet); the changes of those seconds are taken by the same run.
RANKING_DEBOUNCE_SECONDS = int(os.environ.get("RANKING_DEBOUNCE_SECONDS", "5"))

# Two-factor sign-in (TOTP) for city, provincial, expert and administrator roles; parks may enable it.
# On by default in production; `make run` (DEBUG) leaves it off so the demo accounts sign in at once.
PORTAL_REQUIRE_2FA = env_bool("PORTAL_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "数字服务出口基地申报评审平台"
# Staff sessions end after 30 minutes without activity.
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", "1800"))
# Parks' sessions end after two hours without activity; PORTAL_REQUIRE_2FA_PARKS makes parks use 2FA too.
PARK_SESSION_IDLE_SECONDS = int(os.environ.get("PARK_SESSION_IDLE_SECONDS", "7200"))
PORTAL_REQUIRE_2FA_PARKS = env_bool("PORTAL_REQUIRE_2FA_PARKS", False)
# Password-reset requests: at most this many per e-mail address and per client address in the window.
PASSWORD_RESET_LIMITS = {
    "per_email": int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3")),
    "per_ip": int(os.environ.get("PASSWORD_RESET_LIMIT_PER_IP", "10")),
    "window_seconds": int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600")),
}
