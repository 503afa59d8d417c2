"""Who can reach an application: every URL of the app, built from the URLconf, for outsiders."""

import io

import pytest
from django.urls import URLPattern, get_resolver, reverse
from docx import Document

from applications import services
from applications.models import Application, Attachment, DossierExport
from portal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

APPLICATION_URL_PREFIX = "applications:"


def _application_patterns():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["applications"][1]
    for pattern in namespace.url_patterns:
        assert isinstance(pattern, URLPattern)
        if "pk" in pattern.pattern.converters and not str(pattern.pattern).startswith("calls/"):
            yield pattern


@pytest.fixture
def submitted(complete_application, park_user):
    services.submit_application(application=complete_application, user=park_user)
    complete_application.refresh_from_db()
    return complete_application


def _urls(application):
    attachment = Attachment.objects.filter(application=application).first()
    values = {"pk": application.pk, "key": "cover", "attachment_pk": attachment.pk, "number": 1,
              "fmt": "pdf"}
    for pattern in _application_patterns():
        kwargs = {name: values[name] for name in pattern.pattern.converters}
        yield pattern.name, reverse(APPLICATION_URL_PREFIX + pattern.name, kwargs=kwargs)


def test_the_patterns_cover_every_application_view():
    names = {p.name for p in _application_patterns()}
    assert {"detail", "section", "autosave", "upload", "attachment", "attachment-remove", "submit",
            "version", "compare", "export", "export-download"} <= names


@pytest.mark.parametrize("outsider", ["park_pazhou", "city_sz", "expert_chen", "gd_cac"])
def test_outsiders_get_403_or_404_on_every_url(submitted, client_for, outsider):
    c = client_for(outsider)
    for name, url in _urls(submitted):
        for method in ("get", "post"):
            response = getattr(c, method)(url)
            assert response.status_code in (403, 404, 405), (outsider, name, method, response.status_code)
            assert response.status_code != 405 or method == "get"
    assert not DossierExport.objects.exists()
    assert not AuditEvent.objects.filter(verb__endswith="downloaded").exists()


def test_anonymous_is_sent_to_sign_in_on_every_url(submitted, client):
    for _name, url in _urls(submitted):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_draft_is_the_parks_alone(new_application, client_for):
    url = reverse("applications:detail", args=[new_application.pk])
    assert client_for("park_huangpu").get(url).status_code == 200
    assert client_for("city_gz").get(url).status_code == 404
    assert client_for("gd_officer").get(url).status_code == 404


def test_the_parks_city_and_the_organiser_read_the_submitted_version_but_cannot_edit(submitted, client_for):
    for username in ("city_gz", "gd_officer"):
        c = client_for(username)
        assert c.get(reverse("applications:version", args=[submitted.pk, 1])).status_code == 200
        attachment = Attachment.objects.filter(application=submitted).first()
        assert c.get(reverse("applications:attachment", args=[submitted.pk, attachment.pk])).status_code == 200
        assert c.get(reverse("applications:section", args=[submitted.pk, "cover"])).status_code in (403, 404)


def test_word_dossier_is_rendered_by_task_downloaded_and_audited(submitted, client_for,
                                                                 django_capture_on_commit_callbacks):
    c = client_for("city_gz")
    export_url = reverse("applications:export", args=[submitted.pk, 1, "docx"])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(export_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    export = DossierExport.objects.get(version__application=submitted, format="docx")
    assert export.status == DossierExport.Status.READY
    status = c.get(export_url, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("applications:export-download", args=[submitted.pk, 1, "docx"]) in status
    download = c.get(reverse("applications:export-download", args=[submitted.pk, 1, "docx"]))
    assert download.status_code == 200
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("园区概况" in h or "overview" in h.lower() for h in headings)
    event = AuditEvent.objects.get(verb="application.dossier_downloaded")
    assert event.actor.username == "city_gz" and event.data == {"version": 1, "format": "docx"}
    # A second request for the same version reuses the rendered file.
    c.post(export_url)
    assert DossierExport.objects.filter(version__application=submitted).count() == 1


def test_another_application_is_not_found_not_forbidden(submitted, client_for):
    """An outsider cannot even tell that the application exists."""
    response = client_for("park_pazhou").get(reverse("applications:detail", args=[submitted.pk]))
    assert response.status_code == 404
    missing = reverse("applications:detail", args=[Application.objects.order_by("-pk").first().pk + 100])
    assert client_for("park_pazhou").get(missing).status_code == 404
