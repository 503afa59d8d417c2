"""A portal that looks like one (issue 20 point 7): the footer of a government site from settings, a
favicon, help pages with the guides, the call's documents downloadable from its page, /bases/ as cards on
phones, a print stylesheet."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications import demo as demo_data
from applications import services
from applications.models import Call, CallDocument

pytestmark = pytest.mark.django_db


def test_the_footer_names_the_sponsor_and_the_registrations(settings, db):
    settings.PORTAL_SPONSOR = "广东省商务厅"
    settings.PORTAL_CONTACT = "服务贸易处 020-38819191"
    settings.PORTAL_SITE_CODE = "4400000104"
    settings.PORTAL_ICP = "粤ICP备05070829号"
    settings.PORTAL_PSB = "粤公网安备 44010402000001号"
    page = Client().get(reverse("bases")).content.decode()
    footer = page[page.index('data-testid="site-footer"'):]
    for text in ("主办单位：广东省商务厅", "联系方式：服务贸易处 020-38819191", "网站标识码：4400000104",
                 "粤ICP备05070829号", "粤公网安备 44010402000001号", "帮助与操作指南"):
        assert text in footer, text
    assert 'rel="icon"' in page and "favicon.svg" in page and 'media="print"' in page
    favicon = Client().get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"].endswith("portal/favicon.svg")


def test_the_guides_are_pages_of_the_portal_with_their_screenshots(client_for):
    index = Client().get(reverse("help")).content.decode()
    assert "园区管理员操作指南" in index
    guide = Client().get(reverse("help-guide", args=["park"])).content.decode()
    assert "<h1>园区管理员操作指南</h1>" in guide and reverse("help-image", args=["guide-park-01-start.png"]) in guide
    image = Client().get(reverse("help-image", args=["guide-park-01-start.png"]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    for bad in ("../README", "PARK", "x"):
        assert Client().get(f"/help/{bad}/").status_code == 404
    assert Client().get("/help/img/..%2Fsettings.py").status_code == 404
    workspace = client_for("park_huangpu").get(reverse("workspace-park")).content.decode()
    assert f'href="{reverse("help-guide", args=["park"])}"' in workspace


def test_the_call_documents_are_downloaded_from_the_call_page(calls, client_for, user_named):
    gd_call = calls[0]
    demo_data.load_documents(gd_call)
    assert set(gd_call.documents.values_list("kind", flat=True)) == {"notice", "guide"}
    page = client_for("park_huangpu").get(reverse("applications:call-detail", args=[gd_call.pk])).content.decode()
    guide = gd_call.documents.get(kind="guide")
    url = reverse("applications:call-document", args=[gd_call.pk, guide.pk])
    assert url in page and "广东省数字服务出口基地申报材料编制指南" in page
    download = Client().get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"
    # The organiser uploads; a file that is not what its name says is refused next to the field.
    officer = client_for("gd_officer")
    manage = reverse("applications:call-documents", args=[gd_call.pk])
    bad = officer.post(manage, {"kind": "other", "title": "申报表模板",
                                "file": SimpleUploadedFile("模板.pdf", b"MZ\x90\x00 not a pdf")})
    assert bad.status_code == 400 and "申报表模板" in bad.content.decode()
    assert gd_call.documents.count() == 2
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied for anyone but the organiser
        services.add_call_document(call=gd_call, user=user_named("park_huangpu"), kind="other",
                                   uploaded_file=SimpleUploadedFile("a.pdf", demo_data._pdf("a")))
    # A draft call's documents are not public.
    Call.objects.filter(pk=gd_call.pk).update(status="draft")
    assert Client().get(url).status_code == 404
    assert CallDocument.objects.count() == 2


def test_bases_are_cards_on_phones(db):
    from publicity.models import DesignatedBase

    DesignatedBase.objects.create(name="中关村软件园", province="北京市", city="北京市", level="national",
                                  batch="第一批国家数字服务出口基地", year=2020)
    page = Client().get(reverse("bases")).content.decode()
    assert 'class="table table-sm align-middle table-cards"' in page and 'data-label="批次"' in page
    css = open("static/portal/portal.css", encoding="utf-8").read()
    assert ".table-cards td::before { content: attr(data-label)" in css
