"""Settings, all from the environment (twelve-factor); safe defaults for production.

Names follow the app contract (`DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS`, `DJANGO_DEBUG`);
the short forms (`SECRET_KEY`, `ALLOWED_HOSTS`, `DEBUG`) are accepted too.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _first(*names: str, default: str = "") -> str:
    for name in names:
        value = env.str(name, default="")
        if value:
            return value
    return default


def _list(*names: str, default: str = "") -> list[str]:
    return [item.strip() for item in _first(*names, default=default).split(",") if item.strip()]


DEBUG = _first("DJANGO_DEBUG", "DEBUG", default="false").lower() in {"1", "true", "yes", "on"}

SECRET_KEY = _first("DJANGO_SECRET_KEY", "SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and pass it in the "
            "environment (or set DJANGO_DEBUG=true for local development only)."
        )
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105 - only reachable with DEBUG on

ALLOWED_HOSTS = _list("DJANGO_ALLOWED_HOSTS", "ALLOWED_HOSTS", default="localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")
CORS_ALLOWED_ORIGINS = _list("CORS_ALLOWED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "corsheaders",
    "django_prometheus",
    "accounts",
    "products",
    "orders",
    "payments",
    "fraud",
    "ops",
]

MIDDLEWARE = [
    "ops.middleware.ProbeMiddleware",
    "config.middleware.RejectNulBytesMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
# API paths carry no trailing slash; a redirect would turn a POST into a GET.
APPEND_SLASH = False
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        # The prometheus wrapper adds query/connection metrics to the plain postgresql backend.
        "ENGINE": "django_prometheus.db.backends.postgresql",
        "HOST": env.str("DB_HOST", default="localhost"),
        "PORT": env.int("DB_PORT", default=5432),
        "NAME": env.str("DB_NAME", default="ecommerce"),
        "USER": env.str("DB_USER", default="ecommerce"),
        "PASSWORD": env.str("DB_PASSWORD", default=""),
        "CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
        # An unreachable database fails a request (503) and /readyz within 2 s, libpq's
        # minimum, instead of holding a worker thread.
        "OPTIONS": {"connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=2)},
    }
}
if env.str("DB_SSLMODE", default=""):
    DATABASES["default"]["OPTIONS"]["sslmode"] = env.str("DB_SSLMODE")

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Product images above this size are refused with a 400 before Pillow decodes them.
MAX_IMAGE_UPLOAD_BYTES = env.int("MAX_IMAGE_UPLOAD_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        # The browsable API and the Django admin share the session login.
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: a view without an explicit permission is closed, not open.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=12),
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"auth": env.str("AUTH_THROTTLE_RATE", default="20/min")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
}

# Proxies whose X-Forwarded-For the backend believes (config/client_address.py): the
# storefront's nginx reaches the backend over the host's Docker network. Nothing else may
# connect to port 8000 but the monitoring server (the firewall), so the private ranges are
# our own hops; set an empty value when the backend is reached directly.
TRUSTED_PROXY_CIDRS = _list(
    "TRUSTED_PROXY_CIDRS", default="127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,::1/128"
)

# Throttles and login back-off count in PostgreSQL, the one store every gunicorn worker and
# every app server shares (the table is created by accounts' migration 0002).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

# Login back-off (accounts/login_guard.py): failed logins counted per window.
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
# Failures of one account from one address before that pair waits out the window.
LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = env.int("LOGIN_FAILURES_PER_ACCOUNT_ADDRESS", default=5)
# Failures of one address over all accounts (credential stuffing from one host).
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
# Failures of one account from all addresses; past it, only addresses that logged in to
# this account before may still try, so a flood cannot lock the owner out.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=50)
# How long a successful login keeps its address known to the account.
LOGIN_KNOWN_ADDRESS_DAYS = env.int("LOGIN_KNOWN_ADDRESS_DAYS", default=30)

SPECTACULAR_SETTINGS = {
    "TITLE": "ecomops shop API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="sandbox")
if PAYMENT_GATEWAY not in {"sandbox", "stripe"}:
    raise ImproperlyConfigured(
        f"PAYMENT_GATEWAY={PAYMENT_GATEWAY!r} is not supported; use 'sandbox' or 'stripe'."
    )
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
if PAYMENT_GATEWAY == "stripe" and not STRIPE_SECRET_KEY:
    raise ImproperlyConfigured(
        "PAYMENT_GATEWAY=stripe needs STRIPE_SECRET_KEY (sk_test_... or sk_live_...)."
    )
PAYMENT_CURRENCY = env.str("PAYMENT_CURRENCY", default="usd")

# How long a server started without RUN_MIGRATIONS waits for another host to migrate.
MIGRATION_WAIT_SECONDS = env.int("MIGRATION_WAIT_SECONDS", default=300)

# Security headers: on whatever the transport. HTTPS-only settings follow DJANGO_HTTPS,
# because TLS terminates at the load balancer and the lab serves plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

LOGGING = logging_config(env.str("LOG_LEVEL", default="INFO"))
