"""Uploads and generated documents through STORAGES: the file system by default, S3-compatible object storage
by setting (a real S3 server on loopback), and private downloads through the proxy with X-Accel-Redirect."""

import hashlib
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from applications import services as application_services
from applications.models import Attachment, DossierExport
from portal.audit.models import AuditEvent
from tests.applications.conftest import calls, gd_call, new_application, park, park_user  # noqa: F401
from tests.applications.conftest import complete_application as filled  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, settings, tmp_path):
    """Each test runs on both storages."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if request.param == "s3":
        client, bucket = request.getfixturevalue("s3_storage")
        return request.param, client, bucket
    return request.param, None, None


def _stored_bytes(storage, name: str) -> bytes:
    kind, client, bucket = storage
    if kind == "s3":
        key = f"portal/{name}"
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return (django_settings.MEDIA_ROOT / name).read_bytes()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_uploads_are_stored_and_served_from_the_configured_storage(storage, filled, park_user):  # noqa: F811
    kind = storage[0]
    assert type(default_storage._wrapped).__name__ == ("S3Storage" if kind == "s3" else "FileSystemStorage")
    attachments = list(Attachment.objects.filter(application=filled))
    assert attachments
    for attachment in attachments:
        content = _stored_bytes(storage, attachment.file.name)
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
    if kind == "s3":
        assert not (django_settings.MEDIA_ROOT / "private").exists()  # nothing went to the local disk
    client = Client()
    client.force_login(park_user)
    attachment = attachments[0]
    response = client.get(reverse("applications:attachment", args=[filled.pk, attachment.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(_body(response)).hexdigest() == attachment.sha256
    assert AuditEvent.objects.filter(verb="application.attachment_downloaded").count() == 1


def test_generated_documents_go_to_the_configured_storage(storage, filled, park_user):  # noqa: F811
    application_services.submit_application(application=filled, user=park_user, justification="")
    version = filled.versions.get()
    export = application_services.request_export(version=version, fmt="docx", user=park_user)
    export = application_services.render_export(export_id=export.pk)
    assert export.status == DossierExport.Status.READY
    content = _stored_bytes(storage, export.file.name)
    assert content[:2] == b"PK"  # a docx (zip) in the storage
    client = Client()
    client.force_login(park_user)
    response = client.get(reverse("applications:export-download", args=[filled.pk, version.number, "docx"]))
    assert response.status_code == 200
    assert _body(response) == content


def test_behind_nginx_the_view_hands_the_file_to_the_proxy(storage, filled, park_user, settings, s3_server):  # noqa: F811
    settings.PRIVATE_MEDIA_ACCEL = True
    kind = storage[0]
    attachment = Attachment.objects.filter(application=filled).first()
    client = Client()
    client.force_login(park_user)
    response = client.get(reverse("applications:attachment", args=[filled.pk, attachment.pk]))
    assert response.status_code == 200
    assert response.content == b""  # gunicorn sends no bytes
    assert "attachment" in response["Content-Disposition"]
    target = response["X-Accel-Redirect"]
    if kind == "s3":
        _kind, _client, bucket = storage
        assert target.startswith(f"/_private/s3/{bucket}/portal/{attachment.file.name}?")
        query = parse_qs(urlsplit(target).query)
        assert "X-Amz-Signature" in query and query["X-Amz-Expires"] == ["60"]
        # What nginx fetches: the signed object from the storage, named as the portal said.
        with urllib.request.urlopen(s3_server + target.removeprefix("/_private/s3")) as fetched:  # noqa: S310
            assert hashlib.sha256(fetched.read()).hexdigest() == attachment.sha256
            assert "attachment" in fetched.headers["Content-Disposition"]
    else:
        assert target == f"/_private/media/{attachment.file.name}"
        assert (django_settings.MEDIA_ROOT / attachment.file.name).is_file()
    # Refused: another park's user gets no redirect at all.
    other = Client()
    from portal.accounts.models import User

    other.force_login(User.objects.get(username="park_pazhou"))
    refused = other.get(reverse("applications:attachment", args=[filled.pk, attachment.pk]))
    assert refused.status_code in (403, 404)
    assert "X-Accel-Redirect" not in refused
