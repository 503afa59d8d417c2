"""Debian's nginx with the repository's config in front of gunicorn, all on loopback with ephemeral ports.

The config is deploy/nginx/portal.conf.template rendered as the nginx image renders it (envsubst of the NGINX_*
variables). Checked: `nginx -t`; a private file sent by nginx (X-Accel-Redirect) after the portal's permission
check; a refused one; the client address the portal records; a public page served from the micro-cache; static
files; the upload limit; the internal locations closed to the outside.
"""

import hashlib
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from applications.models import Attachment
from portal.audit.models import AuditEvent
from tests.applications.conftest import calls, gd_call, new_application, park, park_user  # noqa: F401
from tests.applications.conftest import complete_application as filled  # noqa: F401
from tests.ops.conftest import (
    ROOT,
    free_port,
    nginx_program,
    portal_env,
    s3_client,
    s3_options,
    stop,
    wait_for,
    wait_for_port,
)

pytestmark = pytest.mark.django_db(transaction=True)
TEMPLATE = ROOT / "deploy" / "nginx" / "portal.conf.template"
CLIENT_ADDRESS = "127.0.0.5"  # the "citizen": a loopback address other than the proxy's


def render_template(values: dict[str, str]) -> str:
    """What the nginx image's envsubst does: replace ${NAME} for the variables it is given, nothing else."""
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    left = re.findall(r"\$\{NGINX_[A-Z_]+\}", text)
    assert not left, f"variables without a value: {left}"
    return text


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "tls.crt", directory / "tls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=localhost", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


@pytest.fixture(scope="module", params=["filesystem", "s3"])
def stack(request, tmp_path_factory, django_db_setup, django_db_blocker, s3_server):
    """gunicorn on the test database behind nginx, its files on the file system or in the S3 server."""
    storage = request.param
    bucket = f"nginx-{uuid.uuid4().hex[:10]}"
    work = tmp_path_factory.mktemp("nginx")
    media = work / "media"
    media.mkdir()
    cert, key = self_signed(work)
    ports = {"https": free_port(), "http": free_port(), "gunicorn": free_port(),
             "objects": int(s3_server.rsplit(":", 1)[1])}
    storage_env = {}
    if storage == "s3":
        s3_client(s3_server).create_bucket(Bucket=bucket)
        storage_env = {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server,
                       "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_PREFIX": "portal"}
    database = django_settings.DATABASES["default"]
    gunicorn_env = portal_env(
        DATABASE_URL=f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
                     f"{database['PORT'] or 5432}/{database['NAME']}",
        MEDIA_ROOT=str(media), TRUSTED_PROXIES="127.0.0.1", PRIVATE_MEDIA_ACCEL="1", DEBUG="1", TESTING="1",
        ALLOWED_HOSTS="localhost,127.0.0.1", PUBLIC_PAGE_CACHE_SECONDS="0", **storage_env)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{ports['gunicorn']}",
         "--workers", "1", "--access-logfile", str(work / "gunicorn-access.log")],
        cwd=ROOT, env=gunicorn_env, stdout=subprocess.DEVNULL, stderr=open(work / "gunicorn.log", "wb"))  # noqa: SIM115
    config = render_template({
        "NGINX_UPSTREAM_SERVERS": f"server 127.0.0.1:{ports['gunicorn']};",
        "NGINX_OBJECT_STORAGE": f"127.0.0.1:{ports['objects']}",
        "NGINX_SERVER_NAME": "localhost",
        "NGINX_HTTP_PORT": f"127.0.0.1:{ports['http']}",
        "NGINX_HTTPS_PORT": f"127.0.0.1:{ports['https']}",
        "NGINX_TLS_CERT": str(cert), "NGINX_TLS_KEY": str(key),
        "NGINX_CLIENT_MAX_BODY_SIZE": f"{django_settings.UPLOAD_REQUEST_MAX_MB}m",
        "NGINX_STATIC_ROOT": str(ROOT / "static"), "NGINX_MEDIA_ROOT": str(media),
        "NGINX_CACHE_DIR": str(work / "cache"),
    })
    (work / "portal.conf").write_text(config)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers read the test's private temp files
    temp = " ".join(f"{kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                     "scgi"))
    (work / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
        f" access_log {work / 'access.log'};\n {temp}\n include {work / 'portal.conf'};\n}}\n")
    program = nginx_program()
    checked = subprocess.run([program, "-t", "-c", str(work / "nginx.conf"), "-p", str(work)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([program, "-c", str(work / "nginx.conf"), "-p", str(work)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(f"http://127.0.0.1:{ports['gunicorn']}/healthz", gunicorn)
        wait_for_port(ports["https"], nginx)
        yield {**ports, "media": media, "work": work, "storage": storage, "bucket": bucket, "s3": s3_server}
    finally:
        stop(nginx)
        stop(gunicorn)
        shutil.rmtree(work / "cache", ignore_errors=True)


def fetch(port: int, path: str, *, cookie: str = "", headers: dict | None = None, method: str = "GET",
          tls: bool = True, source: str = CLIENT_ADDRESS) -> tuple[int, dict, bytes]:
    """One request from the citizen's address (CLIENT_ADDRESS) to nginx."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, source_address=(source, 0),
                                           timeout=30)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=30)
    all_headers = {"Host": "localhost", **(headers or {})}
    if cookie:
        all_headers["Cookie"] = f"sessionid={cookie}"
    conn.request(method, path, headers=all_headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_private_files_go_out_through_nginx_after_the_permission_check(stack, filled, park_user, settings,  # noqa: F811
                                                                       user_named):
    settings.MEDIA_ROOT = stack["media"]
    if stack["storage"] == "s3":  # this process writes where gunicorn reads
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage",
                                                              "OPTIONS": s3_options(stack["s3"], stack["bucket"])}}
    # The dossier's files, written where gunicorn and nginx read them.
    Attachment.objects.filter(application=filled).delete()
    from applications import services
    from tests.applications.conftest import pdf_upload

    attachment = services.add_attachment(application=filled, user=park_user, uploaded_file=pdf_upload(),
                                         category=filled.call.evidence_categories[0])
    path = f"/applications/{filled.pk}/attachments/{attachment.pk}/"
    # Straight from gunicorn: no bytes, only the instruction to nginx.
    status, headers, body = fetch(stack["gunicorn"], path, cookie=session_of(park_user), tls=False,
                                  source="127.0.0.1")
    assert status == 200 and body == b""
    if stack["storage"] == "s3":
        assert headers["x-accel-redirect"].startswith(f"/_private/s3/{stack['bucket']}/portal/{attachment.file.name}?")
        assert "X-Amz-Signature=" in headers["x-accel-redirect"]
    else:
        assert headers["x-accel-redirect"] == f"/_private/media/{attachment.file.name}"
    # Through nginx: the file itself, and the instruction does not leak. A forged X-Forwarded-For is replaced.
    status, headers, body = fetch(stack["https"], path, cookie=session_of(park_user),
                                  headers={"X-Forwarded-For": "198.51.100.9"})
    assert status == 200
    assert hashlib.sha256(body).hexdigest() == attachment.sha256
    assert "attachment" in headers["content-disposition"]
    assert headers["content-type"] == "application/pdf"
    assert "x-accel-redirect" not in headers
    # The portal saw the citizen's address, not the proxy's, not the forged one.
    events = AuditEvent.objects.filter(verb="application.attachment_downloaded").order_by("pk")
    assert list(events.values_list("ip_address", flat=True)) == ["127.0.0.1", CLIENT_ADDRESS]
    # Refused: another park's user, and nobody signed in; nginx serves nothing.
    status, headers, body = fetch(stack["https"], path, cookie=session_of(user_named("park_pazhou")))
    assert status == 404 and hashlib.sha256(body).hexdigest() != attachment.sha256
    status, headers, _ = fetch(stack["https"], path)
    assert status == 302 and "/accounts/login/" in headers["location"]
    # The internal locations are closed to the outside.
    for internal in (f"/_private/media/{attachment.file.name}",
                     f"/_private/s3/{stack['bucket']}/portal/{attachment.file.name}"):
        status, _, body = fetch(stack["https"], internal)
        assert status == 404 and hashlib.sha256(body).hexdigest() != attachment.sha256


def test_public_pages_come_from_the_micro_cache_for_anonymous_visitors(stack, park_user):  # noqa: F811
    statuses = [fetch(stack["https"], "/bases/")[1].get("x-cache-status") for _ in range(3)]
    assert statuses[0] in ("MISS", "EXPIRED")
    assert "HIT" in statuses[1:]
    # A signed-in visitor always reaches the portal.
    _, headers, _ = fetch(stack["https"], "/bases/", cookie=session_of(park_user))
    assert headers.get("x-cache-status") == "BYPASS"
    # So does a visitor holding a CSRF cookie (a form page rendered for them must not be served to others).
    _, headers, _ = fetch(stack["https"], "/bases/", headers={"Cookie": "csrftoken=abcdefghijklmnopqrstuvwxyz123456"})
    assert headers.get("x-cache-status") == "BYPASS"
    # Other paths are not cached.
    _, headers, _ = fetch(stack["https"], "/accounts/login/")
    assert "x-cache-status" not in headers


def test_static_files_limits_and_closed_locations(stack):
    status, headers, body = fetch(stack["https"], "/static/portal/portal.css")
    assert status == 200 and body == (ROOT / "static" / "portal" / "portal.css").read_bytes()
    assert "immutable" in headers["cache-control"]
    # Plain HTTP is sent to HTTPS.
    status, headers, _ = fetch(stack["http"], "/bases/", tls=False)
    assert status == 301 and headers["location"].startswith("https://localhost")
    # A body over the portal's upload limit stops at nginx (it reads only the announced length).
    too_big = str((django_settings.UPLOAD_REQUEST_MAX_MB + 1) * 1024 * 1024)
    status, _, _ = fetch(stack["https"], "/publicity/", method="POST", headers={"Content-Length": too_big})
    assert status == 413
    # Metrics are not published through the proxy.
    assert fetch(stack["https"], "/metrics")[0] == 404
    # The portal's address-from-proxy rule holds end to end: healthz answers through nginx.
    assert fetch(stack["https"], "/healthz")[0] == 200
