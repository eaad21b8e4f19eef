"""Rubric settings. Everything that differs between a laptop and production comes from the
environment; the defaults are a local, debug-on setup on SQLite."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "simple_history",
    "questions",
    "interviews",
    "scoring",
    "audit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "notifications",
    # Sign-in (issue 22): django-allauth for OpenID Connect; see the block "Sign-in" below.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages. Safe for forms: Django masks the CSRF token afresh in every
    # response, which defeats BREACH.
    "config.compression.PageCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RoleRequiredMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the header middleware above, so that its 400 pages carry their headers too.
    "config.middleware.MalformedRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who made each recorded change to the bank (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.sign_in",
            ],
        },
    },
    # Only for the few hot partials Django's engine renders too slowly (the grid's rows).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "scoring.jinja.environment"},
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two interviewers saving at once: WAL lets readers go on beside the writer, IMMEDIATE
    # takes the write lock when a transaction begins (a read lock upgraded later fails at once
    # with "database is locked"), and the timeout makes a writer wait its turn.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions live in the cache: a signed-in request reads and refreshes its session there
    # instead of writing the database every time. Losing the cache signs people out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "config.permissions.PermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # verifies older hashes, then upgrades
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated failed logins for a username from one address lock that pair out for a while.
# The bank's history (questions/models.py): the admin shows past versions read-only; restoring
# one is the question admin's own action, which brings back its points and anchors too.
SIMPLE_HISTORY_REVERT_DISABLED = True

AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind load balancers the client's address is in X-Forwarded-For; DJANGO_PROXY_COUNT says
# how many proxies append to it, so that a client cannot choose its own address.
if int(os.environ.get("DJANGO_PROXY_COUNT", 0)):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["DJANGO_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions end after this long without a request; every request starts the clock again.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", 60)) * 60
# Idle expiry without a write on every request: config.middleware.IdleSessionMiddleware.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The pages send the CSRF token from the form, so scripts never need the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# No inline scripts or styles anywhere, admin included: everything comes from static/.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (issue 22) -------------------------------------------------------------------------
# Passwords (guarded by django-axes) unless DJANGO_PASSWORD_LOGIN=0, and OpenID Connect through
# django-allauth when DJANGO_OIDC_ISSUER is set. docs/sign-in.md explains every variable.
PASSWORD_LOGIN = env_bool("DJANGO_PASSWORD_LOGIN", True)
OIDC_ISSUER = os.environ.get("DJANGO_OIDC_ISSUER", "").rstrip("/")
OIDC_BUTTON = os.environ.get("DJANGO_OIDC_BUTTON", "") or "Sign in with single sign-on"
OIDC_GROUPS_CLAIM = os.environ.get("DJANGO_OIDC_GROUPS_CLAIM", "") or "groups"


def oidc_roles(value: str) -> dict[str, set[str]]:
    """DJANGO_OIDC_ROLES, "Role=group,group;Role=group", as {role: {groups}}."""
    from config import roles

    known = (roles.INTERVIEWER, roles.HIRING_MANAGER, roles.QUESTION_CURATOR)
    mapping = {}
    for entry in filter(None, (part.strip() for part in value.split(";"))):
        role, _, groups = (text.strip() for text in entry.partition("="))
        if role not in known or not groups:
            raise ImproperlyConfigured(
                f"DJANGO_OIDC_ROLES: {entry!r} is not Role=group[,group], with a role among "
                f"{', '.join(known)}."
            )
        mapping[role] = {group.strip() for group in groups.split(",") if group.strip()}
    return mapping


OIDC_ROLES = oidc_roles(os.environ.get("DJANGO_OIDC_ROLES", ""))
if not PASSWORD_LOGIN and not OIDC_ISSUER:
    raise ImproperlyConfigured(
        "DJANGO_PASSWORD_LOGIN=0 needs DJANGO_OIDC_ISSUER: no one could sign in."
    )
if OIDC_ISSUER and not os.environ.get("DJANGO_OIDC_CLIENT_ID"):
    raise ImproperlyConfigured("DJANGO_OIDC_ISSUER needs DJANGO_OIDC_CLIENT_ID (and its secret).")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "sso",
                "name": OIDC_BUTTON,
                "client_id": os.environ.get("DJANGO_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("DJANGO_OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": OIDC_ISSUER},
            }
        ]
        if OIDC_ISSUER
        else [],
    }
}
if OIDC_ISSUER:
    # The login page's button posts to Rubric, which redirects to the provider: browsers hold
    # that redirect to the CSP's form-action too.
    issuer_origin = "/".join(OIDC_ISSUER.split("/")[:3])  # lower case: not itself a setting
    SECURE_CSP["form-action"] = [*SECURE_CSP["form-action"], issuer_origin]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
# People are matched by the provider's subject only: never joined to an account by email.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_AUTO_SIGNUP = True


def required_2fa(value: str) -> frozenset[str]:
    """DJANGO_REQUIRE_2FA, "superuser,Question curator,Hiring manager": who must enrol."""
    from config import roles

    known = ("superuser", roles.INTERVIEWER, roles.HIRING_MANAGER, roles.QUESTION_CURATOR)
    names = frozenset(name.strip() for name in value.split(",") if name.strip())
    if unknown := sorted(names - set(known)):
        raise ImproperlyConfigured(
            f"DJANGO_REQUIRE_2FA: {', '.join(map(repr, unknown))} unknown; name some of "
            f"{', '.join(known)}, or leave it empty for nobody."
        )
    return names


# Two-factor for password accounts (allauth.mfa): an authenticator app (TOTP) or passkeys,
# with Rubric's own hashed recovery codes (accounts/twofactor.py). Unset, DJANGO_REQUIRE_2FA
# asks it of admins, curators and managers, but not on a DEBUG (make run) machine.
REQUIRE_2FA = required_2fa(
    os.environ.get(
        "DJANGO_REQUIRE_2FA", "" if DEBUG else "superuser,Question curator,Hiring manager"
    )
)
MFA_SUPPORTED_TYPES = ["totp", "webauthn"]
MFA_FORMS = {
    "authenticate": "accounts.forms.ThrottledAuthenticateForm",
    "reauthenticate": "accounts.forms.ThrottledReauthenticateForm",
    "authenticate_webauthn": "accounts.forms.ThrottledWebAuthnForm",
    "add_webauthn": "accounts.forms.AddPasskeyForm",
}
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_TOTP_ISSUER = "Rubric"
# allauth refuses two-factor to an account with an unverified email, lest someone sign up with
# another's address and lock its owner out; nobody signs up here, and emails are not verified.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Browsers offer passkeys on https, and on http://localhost (not 127.0.0.1) for development.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "config.staticfiles.ManifestStaticFilesStorage"
    },
}


def static_file_headers(headers, path, url):
    """WhiteNoise answers static files before any middleware: their headers are set here."""
    headers["X-Content-Type-Options"] = "nosniff"
    if url.endswith((".svg", ".html")):  # the file types a browser can run scripts in
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"


WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

if not DEBUG:
    # Production sits behind a load balancer that terminates TLS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# The JSON API (api/): tokens or a session, JSON only, throttled per token, every rule and
# refusal the pages have. Its docs load their scripts from static files, within the CSP.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.authentication.TokenScope",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("DJANGO_API_RATE", "600/minute")},
    "DEFAULT_PAGINATION_CLASS": "api.errors.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rubric API",
    "DESCRIPTION": "Question sets, candidates, interviews and scorecards, with the rules of "
    "the pages. Authenticate with `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two fields are called "level": a question set's seniority and an anchor's rating level.
    "ENUM_NAME_OVERRIDES": {
        "SeniorityEnum": "questions.models.QuestionSet.Level",
        "RatingLevelEnum": "questions.models.LevelAnchor.Level",
    },
}

# Email: invitations with calendar attachments, and reminders of late scorecards. Without a
# host, a debugging setup prints mail to the console; otherwise mail goes to the SMTP server
# named (an MTA on the machine itself when none is).
email_host = os.environ.get("DJANGO_EMAIL_HOST", "")  # lower case: not itself a setting
if email_host or not DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host or "localhost",
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", 587 if email_host else 25)),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", bool(email_host)),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Rubric <rubric@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails and calendars are absolute: they are read outside any request.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Hours after an interview's scheduled end at which an unsubmitted scorecard is reminded of.
# A trainee's shadow scorecard agrees with its panel when their ratings differ from the
# panel's mean by at most this much, on average over the questions both rated.
QUALIFY_MAX_DIFFERENCE = float(os.environ.get("DJANGO_QUALIFY_MAX_DIFFERENCE", "0.5"))
REMINDER_HOURS = sorted(int(hours) for hours in env_list("DJANGO_REMINDER_HOURS", ["2", "24"]))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# ---- Running as a service (issue 23; docs/deployment.md) ------------------------------------
# Background tasks (email): "immediate" runs them inside the request that enqueues them (the
# development default: `make run` needs no worker); "database" stores them for
# `python manage.py run_worker` (the production default): django-tasks-db, which needs
# nothing beyond the database the app already has.
INSTALLED_APPS += ["django_tasks_db", "ops"]
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
task_backend = os.environ.get("DJANGO_TASK_BACKEND", "immediate" if DEBUG else "database")
if task_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASK_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {task_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[task_backend]}}
# /readyz is unready when no worker has beaten within this long (with the database backend).
WORKER_HEARTBEAT_SECONDS = 60
# Outermost: every response, error pages and static files included, is logged and counted.
MIDDLEWARE.insert(0, "ops.middleware.RequestRecordMiddleware")
# Next, the probes and /metrics: answered for any Host, over HTTP, without a session.
MIDDLEWARE.insert(1, "ops.middleware.ProbeMiddleware")
# A 503 for a database or cache outage asks clients to come back after this many seconds.
RETRY_AFTER_SECONDS = int(os.environ.get("DJANGO_RETRY_AFTER_SECONDS", 5))
# /metrics answers only these addresses (REMOTE_ADDR, or the client's behind
# DJANGO_PROXY_COUNT proxies), or a request with `Authorization: Bearer <token>`.
METRICS_ALLOWED_IPS = env_list("DJANGO_METRICS_ALLOWED_IPS", [])
METRICS_TOKEN = os.environ.get("DJANGO_METRICS_TOKEN", "")
# One JSON object per log line in production (DJANGO_LOG_FORMAT=json), plain text otherwise.
LOGGING["formatters"] = {
    "json": {"()": "ops.logs.JsonFormatter"},
    "text": {"format": "%(levelname)s %(name)s %(message)s"},
}
LOGGING["filters"] = {"request_id": {"()": "ops.logs.RequestIdFilter"}}
LOGGING["handlers"]["console"]["formatter"] = os.environ.get(
    "DJANGO_LOG_FORMAT", "text" if DEBUG else "json"
)
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
# Errors to Sentry, optional (config/sentry.py says what an event keeps: no personal data).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from config import sentry

    sentry.start(
        SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE", ""),
    )
