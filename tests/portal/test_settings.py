"""The settings refuse an insecure production configuration; a good one passes check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **env):
    drop = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in drop}
    base.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base,
                          capture_output=True, text=True, timeout=120)


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _run(["check"], DEBUG="0", ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_refuses_a_short_or_placeholder_secret_key():
    for key in ("short", "django-insecure-" + "x" * 60):
        result = _run(["check"], DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="portal.example.gov.cn")
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_refuses_to_start_without_allowed_hosts_when_debug_is_off():
    result = _run(["check"], DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    from cryptography.fernet import Fernet

    result = _run(["check", "--deploy", "--fail-level", "WARNING"], DEBUG="0",
                  SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="portal.example.gov.cn",
                  FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(), FIELD_HASH_KEY=secrets.token_urlsafe(32))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_requires_the_field_keys():
    result = _run(["check", "--deploy"], DEBUG="0", SECRET_KEY=secrets.token_urlsafe(64),
                  ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr and "FIELD_HASH_KEY" in result.stderr


def test_email_url_parsing():
    from portal.settings import parse_email_url

    smtp = parse_email_url("smtp+tls://user%40gd.gov.cn:p%40ss@mail.gd.gov.cn:587")
    assert smtp["EMAIL_HOST"] == "mail.gd.gov.cn"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_USER"] == "user@gd.gov.cn"
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
