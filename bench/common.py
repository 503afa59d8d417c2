"""What the benchmark scripts share: paths, the environment of the benchmark stack, signed-in sessions."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA_FILE = BENCH / ".data.json"
VENV_BIN = ROOT / ".venv" / "bin"
if not VENV_BIN.exists():  # a git worktree sharing another checkout's environment
    import sys

    VENV_BIN = Path(sys.executable).parent

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
BENCH_FIELD_ENCRYPTION_KEY = "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleTA="  # a Fernet key (32 bytes, base64)
BENCH_FIELD_HASH_KEY = "bench-only-field-hash-key-0123456789abcdef"


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every process of the benchmark: production settings (DEBUG off) on the
    benchmark database, plain HTTP on loopback."""
    env = dict(os.environ)
    for name in ("DEBUG", "TESTING", "PORTAL_REQUIRE_2FA", "DB_CONN_MAX_AGE", "PUBLIC_PAGE_CACHE_SECONDS"):
        env.pop(name, None)  # the production defaults, whatever the caller's shell says
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        # Personal data at rest (portal/crypto.py): fixed keys of the benchmark only (its database is
        # generated and dropped), the same in every process of the run.
        "FIELD_ENCRYPTION_KEY": BENCH_FIELD_ENCRYPTION_KEY,
        "FIELD_HASH_KEY": BENCH_FIELD_HASH_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "portal-bench",
        "STATIC_ROOT": str(BENCH / ".staticfiles"),
        "MEDIA_ROOT": str(BENCH / ".media"),
        "EMAIL_URL": "locmem://",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def load_data() -> dict:
    if not DATA_FILE.exists():
        raise SystemExit(f"{DATA_FILE} is missing: run bench/run.py without --skip-generate first")
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def verified_device(user):
    """A confirmed TOTP device of ``user``: staff roles must pass two-factor sign-in before any page
    (portal/accounts/middleware.py), so a benchmark session carries a verified device like a real one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True, name="bench").first()
    return device or TOTPDevice.objects.create(user=user, name="bench", confirmed=True)


def session_for(username: str) -> str:
    """A session key of ``username``, signed in and two-factor verified, as after a real sign-in.
    Needs Django set up (DJANGO_SETTINGS_MODULE=bench.settings)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY

    user = get_user_model().objects.get(username=username)
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    store.create()
    return store.session_key


def valid_id_number(first17: str = "44010619800101123") -> str:
    """A resident ID number whose check character is right (the objection form checks it)."""
    from portal.accounts.validators import id_number_check_character

    return first17 + id_number_check_character(first17)
