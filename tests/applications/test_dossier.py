"""The park's side: starting, filling, autosave, conflicts, eligibility, attachments, submission."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import demo as demo_data
from applications import eligibility, services
from applications.dossier import SECTIONS
from applications.models import Application, ApplicationVersion, Attachment, Call, DossierSection
from applications.sections import SectionEditor
from portal.accounts.models import Region
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from tests.applications.conftest import fill_completely, pdf_upload

pytestmark = pytest.mark.django_db


# --- starting ------------------------------------------------------------------------------------

def test_park_starts_an_application_from_its_workspace(gd_call, client_for, park):
    c = client_for("park_huangpu")
    page = c.get(reverse("workspace-park")).content.decode()
    assert gd_call.title in page
    response = c.post(reverse("applications:start", args=[gd_call.pk]), {"park": park.pk})
    application = Application.objects.get(call=gd_call, park=park)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:section", args=[application.pk, "cover"])
    assert application.state == Application.State.DRAFT
    assert AuditEvent.objects.filter(verb="application.started", target_id=str(application.pk)).exists()


def test_a_second_application_to_the_same_call_is_refused_with_a_link(new_application, client_for):
    c = client_for("park_huangpu")
    response = c.post(reverse("applications:start", args=[new_application.call_id]),
                      {"park": new_application.park_id})
    assert response.status_code == 409
    body = response.content.decode()
    assert reverse("applications:detail", args=[new_application.pk]) in body
    assert Application.objects.filter(call=new_application.call, park=new_application.park).count() == 1


def test_a_park_cannot_start_for_another_park(gd_call, client_for, user_named):
    other_park = user_named("park_pazhou").memberships.get().organization
    response = client_for("park_huangpu").post(reverse("applications:start", args=[gd_call.pk]),
                                               {"park": other_park.pk})
    assert response.status_code == 302
    assert not Application.objects.filter(park=other_park, call=gd_call).exists()


# --- sections ------------------------------------------------------------------------------------

def _post_section(client, application, key, data, revision):
    return client.post(reverse("applications:section", args=[application.pk, key]),
                       {**data, "_revision": revision, "_action": "save"})


COVER = {"park_name": "广州开发区（黄埔区）数字经济产业园管理委员会", "legal_representative": "黄伟东",
         "contact_person": "黄晓燕", "contact_phone": "020-82111234", "contact_email": "hp@demo.gov.cn",
         "address": "广州市黄埔区开创大道2666号"}


def test_a_valid_section_is_saved_and_marked_complete(new_application, client_for):
    c = client_for("park_huangpu")
    response = _post_section(c, new_application, "cover", COVER, 0)
    assert response.status_code == 302
    section = DossierSection.objects.get(application=new_application, key="cover")
    assert section.complete and section.revision == 1
    assert section.data["contact_phone"] == "020-82111234"


def test_bad_contact_details_get_messages_and_keep_what_was_typed(new_application, client_for):
    c = client_for("park_huangpu")
    bad = {**COVER, "contact_phone": "12345", "contact_email": "not-an-email"}
    response = _post_section(c, new_application, "cover", bad, 0)
    assert response.status_code == 400
    body = response.content.decode()
    assert "12345" in body and "not-an-email" in body
    section = DossierSection.objects.get(application=new_application, key="cover")
    assert not section.complete and section.revision == 0
    assert "contact_email" in response.context["editor"].form.errors
    assert "contact_phone" in response.context["editor"].form.errors
    # What was typed is kept as the user's draft and comes back when the page is reopened.
    again = c.get(reverse("applications:section", args=[new_application.pk, "cover"])).content.decode()
    assert "not-an-email" in again


def test_autosave_keeps_typing_and_updates_the_eligibility_table(new_application, client_for, park_user):
    c = client_for("park_huangpu")
    url = reverse("applications:autosave", args=[new_application.pk, "foundations"])
    response = c.post(url, {"ict_exports": "0.10", "ict_output": "5.00"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body
    assert 'data-criterion="ict_exports" class="table-warning"' in body
    section = DossierSection.objects.get(application=new_application, key="foundations")
    assert section.draft[str(park_user.pk)]["raw"]["ict_exports"] == ["0.10"]
    assert not section.complete
    page = c.get(reverse("applications:section", args=[new_application.pk, "foundations"]))
    assert 'value="0.10"' in page.content.decode()


def test_two_users_editing_the_same_section_the_second_is_told(new_application, client_for, user_named):
    from portal.accounts.models import Role
    from portal.accounts.services import add_membership

    colleague = user_named("expert_xu")
    add_membership(user=colleague, organization=new_application.park, role=Role.PARK_ADMIN)
    first, second = client_for("park_huangpu"), client_for("expert_xu")
    # Both open the section at revision 0.
    assert first.get(reverse("applications:section", args=[new_application.pk, "cover"])).status_code == 200
    assert second.get(reverse("applications:section", args=[new_application.pk, "cover"])).status_code == 200
    assert _post_section(first, new_application, "cover", COVER, 0).status_code == 302
    theirs = {**COVER, "address": "第二位用户输入的地址"}
    response = _post_section(second, new_application, "cover", theirs, 0)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-testid="edit-conflict"' in body
    assert "第二位用户输入的地址" in body
    section = DossierSection.objects.get(application=new_application, key="cover")
    assert section.data["address"] == COVER["address"] and section.revision == 1


def test_every_demo_section_is_valid_for_its_form(new_application):
    """The demo dossiers must be what the forms accept, or the demo would show impossible data."""
    for figures in (demo_data.PAZHOU, demo_data.HUANGPU, demo_data.SHANTOU):
        data = demo_data.dossier(new_application.park, figures)
        for section in SECTIONS:
            if section.form_class is None:
                continue
            form = section.form_class(data[section.key])
            assert form.is_valid(), (section.key, form.errors)
            stored = DossierSection(application=new_application, key=section.key, data=data[section.key])
            editor = SectionEditor(new_application, stored)
            for rows in section.rows:
                assert editor.formsets[rows.prefix].initial == data[section.key][rows.prefix]


# --- eligibility ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("level_call", "region_code", "expected_class", "total_needed"),
    [(0, "440100", "prd", "20.00"), (0, "440500", "ewn", "10.00"),
     (1, "110000", "east", "200.00"), (1, "510000", "cwn", "100.00"), (1, "210000", "cwn", "100.00")],
)
def test_each_threshold_class(calls, level_call, region_code, expected_class, total_needed):
    call = calls[level_call]
    region = Region.objects.get(code=region_code)
    assert call.region_class_for(region) == expected_class
    needed = call.thresholds_by_class[expected_class]
    just_below = {"total_output": str(needed.total_output - 1), "ict_output": str(needed.ict_output),
                  "ict_exports": str(needed.ict_exports),
                  "digital_enterprise_count": needed.digital_enterprises, "established_on": "2010-01-01"}
    result = {c.key: c for c in eligibility.evaluate(call=call, region=region, data=just_below)}
    assert total_needed in result["total_output"].required
    assert result["total_output"].met is False
    assert result["ict_output"].met is True and result["ict_exports"].met is True
    assert result["digital_enterprise_count"].met is True
    assert result["operating_years"].met is True


def test_operating_two_years_is_counted_to_the_call_deadline(gd_call):
    deadline = timezone.localtime(gd_call.park_deadline).date()
    region = Region.objects.get(code="440100")
    exactly = deadline.replace(year=deadline.year - 2)
    one_day_short = exactly + timedelta(days=1)
    met = eligibility.evaluate(call=gd_call, region=region, data={"established_on": exactly.isoformat()})
    short = eligibility.evaluate(call=gd_call, region=region,
                                 data={"established_on": one_day_short.isoformat()})
    assert met[0].met is True
    assert short[0].met is False


# --- attachments ---------------------------------------------------------------------------------

def _upload(client, application, upload, category=None):
    return client.post(reverse("applications:upload", args=[application.pk]), {
        "category": category or application.call.evidence_categories[0], "file": upload})


def test_upload_stores_the_file_privately_with_its_sha256(new_application, client_for, settings):
    import hashlib

    content = demo_data._pdf("evidence")
    response = _upload(client_for("park_huangpu"), new_application, pdf_upload("统计公报.pdf", content))
    assert response.status_code == 302
    attachment = Attachment.objects.get(application=new_application)
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.kind == "pdf" and attachment.original_name == "统计公报.pdf"
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    assert "/static/" not in attachment.file.path
    assert DossierSection.objects.get(application=new_application, key="evidence").complete


def test_an_executable_renamed_pdf_is_refused_and_earlier_files_stay(new_application, client_for):
    c = client_for("park_huangpu")
    _upload(c, new_application, pdf_upload("first.pdf"))
    exe = pdf_upload("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200)
    response = _upload(c, new_application, exe)
    assert response.status_code == 400
    body = response.content.decode()
    assert "first.pdf" in body  # the files already uploaded stay listed
    assert response.context["attachment_form"].errors["file"]
    assert Attachment.objects.filter(application=new_application).count() == 1


def test_file_size_limits(new_application, client_for, settings):
    c = client_for("park_huangpu")
    settings.DOSSIER_MAX_FILE_MB = 1
    big = demo_data._pdf("big") + b"%" + b"0" * (1024 * 1024 + 10)
    response = _upload(c, new_application, pdf_upload("big.pdf", big))
    assert response.status_code == 400
    assert "1" in str(response.context["attachment_form"].errors["file"])
    settings.DOSSIER_MAX_FILE_MB = 20
    settings.DOSSIER_MAX_TOTAL_MB = 1
    half = demo_data._pdf("half") + b"%" + b"0" * (600 * 1024)
    assert _upload(c, new_application, pdf_upload("a.pdf", half)).status_code == 302
    response = _upload(c, new_application, pdf_upload("b.pdf", half))
    assert response.status_code == 400
    assert Attachment.objects.filter(application=new_application).count() == 1


# --- submission ----------------------------------------------------------------------------------

def test_submitting_freezes_a_numbered_version_and_notifies(complete_application, client_for, park_user,
                                                            mailoutbox, django_capture_on_commit_callbacks):
    c = client_for("park_huangpu")
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("applications:submit", args=[complete_application.pk]), {"confirm": "on"})
    assert response.status_code == 302
    complete_application.refresh_from_db()
    assert complete_application.state == Application.State.SUBMITTED
    version = ApplicationVersion.objects.get(application=complete_application)
    assert version.number == 1 and complete_application.latest_version_number == 1
    assert version.data["cover"]["legal_representative"] == "黄伟东"
    assert len(version.attachments) == 3 and all(len(a["sha256"]) == 64 for a in version.attachments)
    assert version.misses == 0
    assert Notification.objects.filter(recipient=park_user).exists()
    assert any("数字经济产业园" in m.body for m in mailoutbox)
    assert AuditEvent.objects.filter(verb="application.submitted").exists()


def test_submitted_versions_are_immutable_and_editing_stops(complete_application, park_user, client_for):
    version = services.submit_application(application=complete_application, user=park_user)
    version.data["cover"]["address"] = "changed"
    with pytest.raises(ValueError):
        version.save()
    with pytest.raises(ValueError):
        version.delete()
    c = client_for("park_huangpu")
    response = _post_section(c, complete_application, "cover", {**COVER, "address": "改了"}, 1)
    assert response.status_code == 302  # sent back to the overview with a message
    version.refresh_from_db()
    assert version.data["cover"]["address"] != "改了"
    assert DossierSection.objects.get(application=complete_application, key="cover").data["address"] != "改了"


def test_submission_refused_after_the_deadline_with_the_deadline_shown(complete_application, client_for):
    Call.objects.filter(pk=complete_application.call_id).update(
        park_deadline=timezone.now() - timedelta(minutes=1))
    response = client_for("park_huangpu").post(reverse("applications:submit", args=[complete_application.pk]),
                                               {"confirm": "on"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "截止" in body or "deadline" in body.lower()
    complete_application.refresh_from_db()
    assert complete_application.state == Application.State.DRAFT
    assert not ApplicationVersion.objects.exists()


def test_submission_refused_when_a_section_is_incomplete(new_application, park_user):
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=new_application, user=park_user)
    assert exc.value.code == "incomplete"


def test_a_threshold_miss_needs_a_justification(new_application, park_user):
    fill_completely(new_application, park_user, figures=demo_data.PAZHOU)  # ICT exports 1.76 < 2
    with pytest.raises(ValidationError) as exc:
        services.submit_application(application=new_application, user=park_user, justification="太短")
    assert exc.value.code == "justification"
    version = services.submit_application(application=new_application, user=park_user,
                                          justification=demo_data.PAZHOU_JUSTIFICATION)
    assert version.misses == 1
    assert version.justification == demo_data.PAZHOU_JUSTIFICATION
    misses = [c for c in version.eligibility if c["met"] is False]
    assert [c["key"] for c in misses] == ["ict_exports"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_make_one_version(complete_application, park_user):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def submit():
        try:
            return services.submit_application(application=complete_application, user=park_user).number
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__
        finally:
            connection.close()

    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: submit(), range(2)))
    assert results.count(1) == 1, results
    assert ApplicationVersion.objects.filter(application=complete_application).count() == 1


def test_a_restored_draft_still_detects_a_colleagues_save(new_application, client_for, user_named):
    """A opens the section, B saves, A's autosave keeps A's text: saving it must still conflict."""
    from portal.accounts.models import Role
    from portal.accounts.services import add_membership

    add_membership(user=user_named("expert_xu"), organization=new_application.park, role=Role.PARK_ADMIN)
    a, b = client_for("park_huangpu"), client_for("expert_xu")
    a.post(reverse("applications:autosave", args=[new_application.pk, "cover"]),
           {**COVER, "address": "A 的草稿", "_revision": 0})
    assert _post_section(b, new_application, "cover", COVER, 0).status_code == 302
    page = a.get(reverse("applications:section", args=[new_application.pk, "cover"]))
    assert "A 的草稿" in page.content.decode()
    assert page.context["editor"].revision == 0  # the revision A opened, not B's
    response = _post_section(a, new_application, "cover", {**COVER, "address": "A 的草稿"}, 0)
    assert response.status_code == 409
    assert DossierSection.objects.get(application=new_application, key="cover").data["address"] == COVER["address"]


def test_a_late_autosave_does_not_resurrect_saved_text(new_application, client_for, park_user):
    c = client_for("park_huangpu")
    assert _post_section(c, new_application, "cover", COVER, 0).status_code == 302
    c.post(reverse("applications:autosave", args=[new_application.pk, "cover"]), {**COVER, "_revision": 0})
    section = DossierSection.objects.get(application=new_application, key="cover")
    assert not (section.draft or {}).get(str(park_user.pk))
