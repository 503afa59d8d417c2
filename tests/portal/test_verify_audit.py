import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from review import services as review_services
from tests.applications.conftest import calls, gd_call  # noqa: F401
from tests.review.conftest import submit_for  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_log_of_an_applications_life_is_verified_complete(submit_for, user_named, capsys):  # noqa: F811
    application = submit_for("park_huangpu")
    checklist = {f"c{i}": {"status": "met", "remark": ""} for i in range(1, 7)}
    review_services.decide(application=application, version_number=1, user=user_named("city_gz"),
                           decision="approve", checklist=checklist)
    call_command("verify_audit", "applications.Application", str(application.pk))
    out = capsys.readouterr().out
    assert "application.submitted" in out and "review.approve" in out and "MISSING" not in out


def test_a_gap_in_the_log_is_reported(submit_for, capsys):  # noqa: F811
    application = submit_for("park_huangpu")
    # Tamper with the log as only a database superuser could (the app and the trigger refuse it).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # bypasses triggers: superuser only
        cursor.execute("UPDATE audit_auditevent SET verb = 'tampered' WHERE verb = 'application.submitted'")
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with pytest.raises(CommandError, match="lacks 1"):
        call_command("verify_audit", "applications.Application", str(application.pk))
    assert "MISSING  application.submitted" in capsys.readouterr().out
