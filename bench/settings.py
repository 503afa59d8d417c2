"""Settings of the benchmark: the portal's production settings (DEBUG off, PostgreSQL, Redis) plus a
minimal view to compare against, fast password hashing and objection limits that a load test does
not hit. Run with DJANGO_SETTINGS_MODULE=bench.settings; ``bench/run.py`` sets the environment
(SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL, SECURE_SSL_REDIRECT=0, STATIC_ROOT, MEDIA_ROOT).
"""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Plain HTTP on loopback: no TLS terminating proxy in front of gunicorn here.
SECURE_SSL_REDIRECT = False
SILENCED_SYSTEM_CHECKS = ["security.W008"]
# The benchmark users never sign in with a password (their sessions are created directly), but
# anything that hashes one should not spend the CPU the load test is measuring.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every objection of the load test comes from 127.0.0.1: the per-IP and per-phone limits of
# production would turn all but the first ten into 429 answers.
OBJECTION_RATE_LIMITS = {
    "per_ip_per_hour": 10**9,
    "per_phone_per_day": 10**9,
    "status_per_ip_per_hour": 10**9,
}
# …and after three of them in an hour the form asks for a person's check (portal/humancheck.py), which a
# load generator cannot answer: every POST would be shown the form again instead of creating an objection.
OBJECTION_CAPTCHA_AFTER = 10**9
