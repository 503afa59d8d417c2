"""The dossier is one volume (issue 18 point 2): real table-of-contents entries in the Word file, and
the evidence files bound into the PDF after 证明材料, each after a divider page, with bookmarks."""

import hashlib
import io
import re
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn
from PIL import Image
from pypdf import PdfReader

from applications.dossier import SECTIONS_BY_KEY
from applications.exports import dossier_outline, render_docx, render_pdf
from applications.models import ApplicationVersion, Attachment
from tests.applications.test_exports import PARK_NAME, application, call, make_version, park_user  # noqa: F401
from tests.archival import assert_archivable, pdf_lines

pytestmark = pytest.mark.django_db


def evidence_pdf() -> bytes:
    """A two-page evidence PDF, as a park would scan or print one."""
    from weasyprint import HTML

    return HTML(string="<html lang='zh'><body style=\"font-family: 'Noto Serif CJK SC'\">"
                       "<p>证据甲第一页</p><p style='break-before: page'>证据甲第二页</p></body></html>").write_pdf()


def evidence_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (30, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def evidence_docx() -> bytes:
    document = Document()
    document.add_paragraph("网络安全管理制度")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def volume_version(application, park_user, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    files = [("统计数据证明", "服务贸易直报数据.pdf", "pdf", evidence_pdf()),
             ("获奖及资质证明", "园区牌匾照片.png", "png", evidence_png()),
             ("网络安全", "网络安全管理制度.docx", "docx", evidence_docx())]
    snapshots = []
    for category, name, kind, data in files:
        digest = hashlib.sha256(data).hexdigest()
        attachment = Attachment.objects.create(
            application=application, category=category, original_name=name, kind=kind, size=len(data),
            sha256=digest, uploaded_by=park_user, file=ContentFile(data, name=name))
        snapshots.append({"id": attachment.pk, "category": category, "name": name, "kind": kind,
                          "size": len(data), "sha256": digest, "uploaded_at": "2022-07-01T10:00:00+08:00"})
    version = make_version(application, attachments=[])
    # The version is immutable through the ORM's save(); the test gives it the real files' snapshots.
    ApplicationVersion.objects.filter(pk=version.pk).update(attachments=snapshots)
    return ApplicationVersion.objects.get(pk=version.pk)


def outline_titles(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return found


def test_evidence_is_bound_after_the_list_of_evidence_with_dividers_and_bookmarks(volume_version):
    pdf = render_pdf(volume_version)
    the_call = volume_version.application.call
    reader = assert_archivable(pdf, title=f"{_('Digital Service Export Base Application Dossier')} · {PARK_NAME}",
                               author=PARK_NAME, subject=the_call.title,
                               keywords=f"{the_call.document_number}, {_('Version %(n)s') % {'n': 1}}",
                               check_title_lines=False)
    bookmarks = outline_titles(reader)
    titles = [title for _level, title, _page in bookmarks]
    evidence_title = str(SECTIONS_BY_KEY["evidence"].title)
    first = _("Evidence %(n)s: %(name)s") % {"n": 1, "name": "服务贸易直报数据.pdf"}
    second = _("Evidence %(n)s: %(name)s") % {"n": 2, "name": "园区牌匾照片.png"}
    # Bookmarks for each bound file, under 证明材料 and before the next chapter.
    assert titles.index(evidence_title) < titles.index(first) < titles.index(second) \
        < titles.index(str(SECTIONS_BY_KEY["conditions"].title))
    levels = {title: level for level, title, _page in bookmarks}
    assert levels[first] == levels[second] == levels[evidence_title] + 1
    pages = {title: page for _level, title, page in bookmarks}

    # The divider page names the file and its SHA-256; the PDF's two pages follow it, in the volume's
    # page numbering ("— n —" on each).
    divider = pdf_lines(pdf, first=pages[first] + 1, last=pages[first] + 1)
    joined = "".join(divider)
    assert "服务贸易直报数据.pdf" in joined and volume_version.attachments[0]["sha256"] in joined
    page_one = "".join(pdf_lines(pdf, first=pages[first] + 2, last=pages[first] + 2))
    page_two = "".join(pdf_lines(pdf, first=pages[first] + 3, last=pages[first] + 3))
    assert "证据甲第一页" in page_one and f"— {pages[first] + 2} —" in page_one
    assert "证据甲第二页" in page_two and f"— {pages[first] + 3} —" in page_two
    # The image on its own page after its divider.
    assert pages[second] == pages[first] + 3
    image_page = reader.pages[pages[second] + 1]
    assert image_page.images, "the PNG is drawn on the page after its divider"

    # The Word file cannot be bound without LibreOffice: listed with a note, not silently dropped.
    text = "".join("".join(pdf_lines(pdf)).split())
    assert "网络安全管理制度.docx" in text and "LibreOffice" in text
    assert _("Evidence not bound into this volume") in titles
    # The chapters after 证明材料 keep their page numbers in the table of contents.
    conditions_title = str(SECTIONS_BY_KEY["conditions"].title)
    toc = " ".join(pdf_lines(pdf, first=2, last=3))
    entry = re.search(rf"{conditions_title}[\s.]*(\d+)", toc)
    assert entry and int(entry.group(1)) == pages[conditions_title] + 1, toc


def test_page_numbers_are_outside_odd_right_even_left(volume_version):
    reader = PdfReader(io.BytesIO(render_pdf(volume_version)))
    width = float(reader.pages[0].mediabox.width)
    positions = {}
    for index in (1, 2, 3, 4):  # pages 2–5 (the cover has no number)
        number = f"— {index + 1} —"

        def visit(text, cm, tm, font, size, index=index, number=number):
            if text.strip() == number or (number.split()[1] == text.strip() and index not in positions):
                positions[index] = tm[4] * cm[0] + cm[4]

        reader.pages[index].extract_text(visitor_text=visit)
    assert set(positions) == {1, 2, 3, 4}, positions
    assert positions[1] < width / 3 and positions[3] < width / 3           # pages 2 and 4: left
    assert positions[2] > width * 2 / 3 and positions[4] > width * 2 / 3   # pages 3 and 5: right


def test_word_table_of_contents_holds_real_entries_in_a_toc_field(volume_version):
    content = render_docx(volume_version)
    document = Document(io.BytesIO(content))
    outline = dossier_outline(volume_version)
    sections = outline[1:]
    entries = [(p.style.name, p.text.split("\t")[0]) for p in document.paragraphs if p.style.name.startswith("toc ")]
    expected = []
    for section in sections:
        expected.append(("toc 1", section["title"]))
        expected += [("toc 2", b["title"]) for b in section["blocks"] if b["title"]]
    assert entries == expected and len(entries) > len(sections)

    body = document.element.body
    anchors = [link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))]
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert anchors and set(anchors) <= bookmarks  # every entry links to its heading
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("word/document.xml").decode()
    # Still a TOC field Word can update: it begins before the first entry and ends after the last.
    begin = xml.index('TOC \\o "1-3" \\h \\z \\u')
    assert begin < xml.index(sections[0]["title"]) < xml.rindex('w:fldCharType="end"')
    assert xml.count("PAGEREF _Toc_") == len(expected)
    # No duplicated heading: each chapter is one Heading 1; the contents' own title is not in it.
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s["title"] for s in sections]
    assert [p.text for p in document.paragraphs].count(_("Table of contents")) == 1
