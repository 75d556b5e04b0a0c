"""Settings for the provincial SME monitoring portal.

One module, read from the environment (twelve-factor). Without any environment the portal runs
on an embedded default: SQLite, a local-memory cache and Celery in eager mode (``make run``).
Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS (see docker-compose.yml).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Environment variables this module reads. tests/test_deploy.py checks docker-compose.yml against it.
ENV_VARS = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SMS_BACKEND",
    "SECURE_SSL_REDIRECT",
    "PASSWORD_MAX_AGE_DAYS",
    "SESSION_IDLE_TIMEOUT",
    "AXES_FAILURE_LIMIT",
    "LOGIN_PROXY_FAILURE_LIMIT",
    "MEDIA_ROOT",
    "AUDIT_RETENTION_DAYS",
    "TRUSTED_PROXIES",
)

DEBUG = env.bool("DEBUG", default=False)
# A real SECRET_KEY in the environment marks a production deployment: every hardening setting below
# switches on. Without one the portal runs with a development key that `check --deploy` rejects.
PRODUCTION = bool(env.str("SECRET_KEY", default=""))
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key-for-make-run-and-tests")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Addresses of the reverse proxies in front of gunicorn; their X-Forwarded-For names the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

INSTALLED_APPS = [
    "portal.core.admin_apps.PortalAdminConfig",  # the admin, open to the system administrator only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "axes",
    "django_celery_beat",
    # The shared core
    "portal.core",
    "portal.regions",
    "portal.accounts",
    "portal.enterprises",
    "portal.notices",
    "portal.audit",
    "portal.notifications",
    "portal.bulletins",
    "portal.questionnaires",
    "portal.scorecards",
    # Domain apps
    "monitoring",
    "platforms",
    "incubators",
    "upscaling",
]

MIDDLEWARE = [
    "portal.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.core.middleware.IgnoreUnstorableCredentialsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.accounts.middleware.UserLanguageMiddleware",
    "portal.core.middleware.RejectUnstorableInputMiddleware",
    "portal.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.middleware.IdleTimeoutMiddleware",
    "portal.accounts.middleware.PasswordAgeMiddleware",
    "portal.audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.core.middleware.NotFoundPageMiddleware",
]

ROOT_URLCONF = "portal.urls"
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
                "portal.core.context_processors.portal",
            ],
            "builtins": ["portal.core.templatetags.labels"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 60 if DATABASES["default"]["ENGINE"].endswith("postgresql") else 0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Graded protection (等保 2.0 level 3): strong passwords, age limit, lockout, idle timeout.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=90)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # seconds
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login lockout (等保: 限制非法登录次数), see portal/accounts/lockout.py and docs/operations.md.
# One user name from one address: AXES_FAILURE_LIMIT failures lock it for 30 minutes *from that address*.
# Never per user name alone: that would let anyone lock any official out from anywhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts refused while locked are not counted and do not prolong the lockout.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "portal.accounts.lockout.PortalAxesHandler"
# The client address axes records is the one the audit trail records (TrustedProxyMiddleware).
AXES_CLIENT_IP_CALLABLE = "portal.core.middleware.client_address"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failed login: the per-address count reads it
AXES_LOCKOUT_CALLABLE = "portal.accounts.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# One address across user names: this many failures within the window refuse every login from the address
# for LOGIN_ADDRESS_LOCKOUT. Twice the per-account limit: one person's typos on their own account (stopped
# at 5) never shut out the colleagues behind the same NAT address, while a spray over three accounts is
# stopped before it can spend the 3 x 4 guesses the per-account limit would leave it.
LOGIN_ADDRESS_FAILURE_LIMIT = 10
# An address on our own network forwarding for others but missing from TRUSTED_PROXIES (a misconfigured
# reverse proxy: every user shares it) is locked only at this many failures within the window.
LOGIN_PROXY_FAILURE_LIMIT = env.int("LOGIN_PROXY_FAILURE_LIMIT", default=100)
LOGIN_ADDRESS_WINDOW = timedelta(minutes=15)
LOGIN_ADDRESS_LOCKOUT = timedelta(minutes=30)
# One user name across addresses (a distributed guess; portal/accounts/slowdown.py): once it has had
# ACCOUNT_SLOWDOWN_FAILURES failures within ACCOUNT_SLOWDOWN_WINDOW from at least ACCOUNT_SLOWDOWN_ADDRESSES
# addresses, every further attempt on it waits ACCOUNT_SLOWDOWN_FIRST after the last failure, doubling with
# each further failure up to ACCOUNT_SLOWDOWN_LONGEST: a guesser gets about four tries an hour, the owner
# waits at most a quarter of an hour, and not at all from an address they signed in from successfully within
# ACCOUNT_SLOWDOWN_KNOWN_ADDRESS.
ACCOUNT_SLOWDOWN_FAILURES = 10
ACCOUNT_SLOWDOWN_ADDRESSES = 3
ACCOUNT_SLOWDOWN_WINDOW = timedelta(hours=24)
ACCOUNT_SLOWDOWN_FIRST = timedelta(minutes=1)
ACCOUNT_SLOWDOWN_LONGEST = timedelta(minutes=15)
ACCOUNT_SLOWDOWN_KNOWN_ADDRESS = timedelta(days=30)
# The public forms, per client address (and password reset also per email address asked for); portal.core.ratelimit.
FORM_THROTTLE_RATES = {
    "register": "20/hour",
    "password_reset": "10/hour",
    "password_reset_email": "3/hour",
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Uploads (portal/core/uploads.py, docs/operations.md "Uploads and request sizes"). Every uploaded file is
# checked before anything parses it; an Office file (a zip) by its directory and then by inflating it once in
# 1 MB chunks. A 200,000-row registry file is about 190 MB of sheet XML, compressed about 14 times.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_ZIP_MAX_ENTRIES = 1000
UPLOAD_ZIP_MAX_ENTRY_BYTES = 200 * 1024 * 1024
UPLOAD_ZIP_MAX_TOTAL_BYTES = 240 * 1024 * 1024
UPLOAD_ZIP_MAX_RATIO = 100  # inflated / compressed, for entries over the floor below
UPLOAD_ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
# The area a worksheet may address (calamine allocates the whole rectangle its cells span).
UPLOAD_SHEET_MAX_ROWS = 210_000
UPLOAD_SHEET_MAX_COLUMNS = 64
# Request bodies: refused by Content-Length before anything reads them (portal.core.middleware.RequestBodyLimit).
# The largest form is an upload and a few fields; anonymous visitors post only the login and registration forms.
REQUEST_MAX_BODY_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
ANONYMOUS_MAX_BODY_BYTES = 64 * 1024
# Imports: a file with more data rows than this is imported by a background job with a progress bar.
IMPORT_INLINE_MAX_ROWS = 2000
# Row caps: the registry import; the monthly import also never more than the enterprises in the official's scope.
ENTERPRISE_IMPORT_MAX_ROWS = 200_000
FILING_IMPORT_MAX_ROWS = 100_000
# Where uploads wait for their job: shared by web and worker (the media volume), never served; a file a lost
# job left behind is removed after a day.
UPLOAD_SPOOL_DIR = Path(str(MEDIA_ROOT)) / "private" / "import-spool"
UPLOAD_SPOOL_MAX_AGE = timedelta(days=1)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="监测平台 <noreply@sme.example.gov.cn>")
SMS_BACKEND = env.str("SMS_BACKEND", default="logging")

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated call is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # NUL, unpaired surrogates and JSON nested past portal.core.parsers.MAX_DEPTH answer 400, for every endpoint.
    "DEFAULT_PARSER_CLASSES": [
        "portal.core.parsers.JSONParser",
        "portal.core.parsers.FormParser",
        "portal.core.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.core.throttling.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "portal.core.schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.core.throttling.PortalAnonRateThrottle",
        "portal.core.throttling.PortalUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "6000/min"},
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "省中小企业运行监测平台 API",
    "DESCRIPTION": "Data exchange and read API of the provincial SME monitoring portal.",
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Production hardening (HTTPS behind the reverse proxy, secure cookies, HSTS).
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The audit trail is kept at least six months (等保 2.0); purge_audit refuses anything shorter.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PORTAL_NAME = _("省中小企业运行监测平台")

# Monitoring calendar (seed 000): enterprises file by the 13th of the next month, counties review and
# report up by the 15th. Province staff can move both per period (holidays).
FILING_DEADLINE_DAY = 13
REVIEW_DEADLINE_DAY = 15
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

# ------------------------------------------------------------------------------------------------
# Scheduled work and notifications (portal.notifications, monitoring.reminders.services, portal.bulletins.services)
# ------------------------------------------------------------------------------------------------
ENV_VARS = (*ENV_VARS, "SITE_URL", "SMS_HTTP_URL", "SMS_HTTP_TOKEN", "CELERY_VISIBILITY_TIMEOUT")
# The portal's address as users reach it, for the links in emails and SMS.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# SMS_BACKEND (above): "logging" (the log), "http" (the gateway at SMS_HTTP_URL), "locmem" (tests), or a
# dotted path to a class of portal.notifications.sms.
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = 10  # seconds
SMS_SIGNATURE = "【省中小企业运行监测平台】"
# A task unacknowledged this long is given to another worker (acks_late): longer than any task runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
# Deadline reminders. Days are counted from each period's own deadlines (province staff may move them):
# with the 13th/15th defaults, enterprises are reminded on the 10th and 12th, counties on the 13th,
# cities on the 16th; a returned filing at once and again after two days.
FILING_REMINDER_DAYS_BEFORE_DEADLINE = (3, 1)
REVIEW_REMINDER_DAYS_AFTER_FILING_DEADLINE = (0,)
REPORT_UP_REMINDER_DAYS_AFTER_REVIEW_DEADLINE = (1,)
RETURNED_REMINDER_AFTER_DAYS = 2
# Which outside channels reach an enterprise's monitoring contact (Enterprise.contact_email/contact_phone).
ENTERPRISE_CONTACT_CHANNELS = ("email", "sms")
# Notifications are written this many per transaction, and their deliveries queued this many per task; a
# delivery is tried this often.
NOTIFICATION_WRITE_BATCH_SIZE = 5000
NOTIFICATION_BATCH_SIZE = 500
DELIVERY_MAX_ATTEMPTS = 3
# The quarterly bulletin (每季度通报各地监测企业报送情况) is drafted on this day of the month after a quarter.
BULLETIN_DAY_AFTER_QUARTER = 20
