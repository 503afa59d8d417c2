"""The demo's audit log is complete: every object the demo creates has the history its state implies."""

import pytest
from django.apps import apps
from django.core.management import call_command

from applications.models import Application, Call
from bases.models import AnnualReport
from portal.audit.lifecycle import missing_events, registered_models
from portal.audit.selectors import history_of


@pytest.mark.django_db
def test_every_object_of_the_demo_has_a_complete_audit_log(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    gaps, checked = [], {}
    for label in registered_models():
        objects = list(apps.get_model(label).objects.all())
        checked[label] = len(objects)
        for obj in objects:
            _found, missing = missing_events(obj)
            if missing:
                gaps.append(f"{label} {obj.pk}: {missing}")
    assert gaps == []
    # the demo holds objects in later states of their lives, so the check above is not vacuous
    assert checked["bases.annualreport"] >= 30 and checked["applications.application"] >= 9
    assert Call.objects.filter(status=Call.Status.CLOSED).count() >= 2
    # and verify_audit says so for one of them
    report = AnnualReport.objects.filter(status=AnnualReport.Status.ACCEPTED).first()
    capsys.readouterr()
    call_command("verify_audit", "bases.AnnualReport", str(report.pk))
    assert "complete" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_history_before_the_portal_is_recorded_as_imported_not_as_decided(settings):
    settings.DEBUG = True
    call_command("load_demo")
    for report in AnnualReport.objects.all():
        assert list(history_of(report).values_list("verb", flat=True)) == ["report.imported"], report
    national = Call.objects.get(title="国家数字服务出口基地申报（第一批）")
    verbs = list(history_of(national).values_list("verb", flat=True))
    assert "call.imported" in verbs and not {"call.opened", "call.closed"} & set(verbs)
    for application in Application.objects.filter(call=national):
        verbs = list(history_of(application).values_list("verb", flat=True))
        assert "application.imported" in verbs and "formal_check.pass" not in verbs
        assert "application.submitted" not in verbs
    # the current round still goes through the services: opened, started and submitted by its people
    gd = Call.objects.get(title="第二批广东省数字服务出口基地申报")
    assert "call.opened" in history_of(gd).values_list("verb", flat=True)
    submitted = Application.objects.filter(call=gd).exclude(state=Application.State.DRAFT)
    assert submitted.exists()
    for application in submitted:
        assert history_of(application).filter(verb="application.submitted", actor__username__startswith="park_") \
            .exists()
