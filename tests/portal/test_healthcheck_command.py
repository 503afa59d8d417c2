import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthcheck_command_up_and_down(settings, monkeypatch, capsys):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    call_command("healthcheck")
    assert '"database": {"ok": true' in capsys.readouterr().out
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    with pytest.raises(CommandError):
        call_command("healthcheck")
