import os

import pytest
from hypothesis import settings as hypothesis_settings

# Timing varies on a loaded 2-core machine; correctness, not speed, is what these tests check.
hypothesis_settings.register_profile("portal", deadline=None, derandomize=False)
hypothesis_settings.load_profile("portal")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The production hasher is slow by design; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    """Tasks run in-process unless a test starts a real worker (see test_notifications)."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import caches

    for alias in ("default", "limits"):
        caches[alias].clear()
    yield


@pytest.fixture
def demo(db):
    """The demo organisations and users (the same loader as `manage.py load_demo`)."""
    from portal.accounts.demo import load

    load()


@pytest.fixture
def user_named(demo):
    from portal.accounts.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(client, user_named):
    """A test client signed in as the named demo user (a fresh client each call)."""
    from django.test import Client

    def make(username: str) -> Client:
        c = Client()
        c.force_login(user_named(username))
        return c

    return make
