"""The 公文 toolkit (portal/documents): title lines, the GB/T 9704 page, the Word writer, the font check."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from portal.documents.docx import GongwenDocx
from portal.documents.gongwen import Gongwen
from portal.documents.pdf import render_pdf
from portal.documents.text import chars_per_line, title_lines
from tests.archival import assert_archivable, pdf_lines

ROOT = Path(__file__).resolve().parents[2]
ISSUERS = ["广东省商务厅", "中共广东省委网络安全和信息化委员会办公室", "广东省工业和信息化厅"]


# --- title lines ---------------------------------------------------------------------------------

def test_title_lines_are_balanced_and_never_leave_a_character_alone():
    assert chars_per_line() == 20  # 二号 on the 156 mm text width
    assert title_lines("关于认定第二批广东省数字服务出口基地的通知") == [
        "关于认定第二批广东省", "数字服务出口基地的通知"]
    assert title_lines("关于推荐第二批广东省数字服务出口基地的函") == ["关于推荐第二批广东省数字服务出口基地的函"]
    assert title_lines("短标题") == ["短标题"]
    # Latin words and numbers are not split; closing punctuation never starts a line.
    lines = title_lines("关于2026年度Digital Services出口基地建设情况（第一批）的补充通知")
    assert all(not line.startswith(("）", "，")) for line in lines)
    assert "".join(lines) == "关于2026年度Digital Services出口基地建设情况（第一批）的补充通知"
    assert not any(a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum()
                   for a, b in zip(lines, lines[1:], strict=False))


@given(st.text(alphabet="关于认定第二批广东省数字服务出口基地的通知函、和", min_size=1, max_size=70))
def test_title_lines_fit_and_have_two_characters_at_least(title):
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(len(line) <= 20 for line in lines)
    if len(title) > 20:
        assert all(len(line) >= 2 for line in lines)
        assert max(map(len, lines)) - min(map(len, lines)) <= 4  # balanced


# --- the PDF page --------------------------------------------------------------------------------

def gongwen(**extra) -> Gongwen:
    values = {"issuers": ISSUERS, "title": "关于认定第二批广东省数字服务出口基地的通知",
              "addressee": "各地级以上市商务局：", "date": "2026年12月8日", "number": "粤商务服字〔2026〕45号",
              "cc": ["商务部服务贸易和商贸服务业司"], "subject": "第二批广东省数字服务出口基地"}
    return Gongwen(**{**values, **extra})


def designation_pdf(rows: int) -> bytes:
    frame = gongwen()
    columns = [{"label": "序号", "width": 10.0, "align": "center"},
               {"label": "基地名称", "width": 62.0, "align": "left"},
               {"label": "所在地市", "width": 28.0, "align": "center"}]
    cells = [[(str(n), "center"), (f"第{n}个数字服务出口基地管理委员会", "left"), ("广州市", "center")]
             for n in range(1, rows + 1)]
    context = {"gongwen": frame, "body": ["经研究，现认定以下园区为数字服务出口基地（名单见下表）。"],
               "columns": columns, "cells": cells, "closing": ["请各基地扎实推进基地建设。"],
               "closing_formula": "特此通知。"}
    return render_pdf("pdf/designation.html", context, meta=frame.meta())


def test_signature_and_date_never_alone_on_a_page_and_colophon_at_the_foot_of_the_last_page(tmp_path):
    # With 1 to 7 rows the text ends near the foot of page 1: the 落款 and the date used to go to page 2
    # alone; more rows push the table itself onto page 2.
    for rows in (1, 4, 7, 12, 19):
        pdf = designation_pdf(rows)
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        pages = [pdf_lines(pdf, first=n, last=n) for n in range(1, count + 1)]
        dated = [i for i, lines in enumerate(pages) if "2026年12月8日" in lines]
        assert dated, rows
        text_of_dated_page = "".join(pages[dated[-1]])
        assert "特此通知。" in text_of_dated_page, f"{rows} rows: the date is on a page without text"
        last = "".join(pages[-1])
        assert "印发" in last and "抄送：" in last  # 版记 on the last page
        assert last.index("2026年12月8日印发") > last.index("抄送：")
    assert_archivable(pdf, title="关于认定第二批广东省数字服务出口基地的通知", author="广东省商务厅",
                      keywords="粤商务服字〔2026〕45号", subject="第二批广东省数字服务出口基地")


# --- Word ----------------------------------------------------------------------------------------

def test_word_writer_lays_out_the_parts_of_a_gongwen():
    writer = GongwenDocx(gongwen(attachments=["1. 名单", "2. 基地建设要求"]))
    writer.head()
    writer.paragraph("经研究，现认定以下园区为数字服务出口基地。")
    writer.table([{"label": "序号", "width": 20.0, "align": "center"},
                  {"label": "基地名称", "width": 80.0, "align": "left"}], [["1", "琶洲"], ["2", "黄埔"]])
    writer.ending(["特此通知。"])
    writer.colophon()
    document = Document(io.BytesIO(writer.bytes()))
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ISSUERS
    assert texts[3] == "粤商务服字〔2026〕45号"  # centred under the issuers (通知)
    assert "关于认定第二批广东省\n数字服务出口基地的通知" in texts
    assert "附件：1. 名单" in texts and "2. 基地建设要求" in texts
    first_attachment = next(p for p in document.paragraphs if p.text == "附件：1. 名单")
    assert first_attachment.paragraph_format.first_line_indent < 0  # hanging indent
    # The last paragraph, the attachments and the signature are kept with the date.
    closing = texts.index("特此通知。")
    date = texts.index("2026年12月8日")
    assert all(document.paragraphs[i].paragraph_format.keep_with_next for i in range(closing, date))
    # 版记: 抄送 and 印发机关 with the 印发日期 at a right tab.
    assert "抄送：商务部服务贸易和商贸服务业司。" in texts
    printed = next(p for p in document.paragraphs if p.text.endswith("印发"))
    assert printed.text == "广东省商务厅\t2026年12月8日印发"
    assert printed.paragraph_format.tab_stops[0].alignment == 2  # RIGHT
    # …in one frame at the foot of the page (the last page: nothing follows).
    copied = next(p for p in document.paragraphs if p.text.startswith("抄送："))
    for paragraph in (copied, printed):
        frame = paragraph._p.pPr.find(qn("w:framePr"))
        assert frame is not None and frame.get(qn("w:yAlign")) == "bottom" and frame.get(qn("w:vAnchor")) == "margin"
    assert document.paragraphs[-1] is not None and document.paragraphs[-1].text == printed.text
    # Page numbers "— PAGE —" outside: odd pages right, even pages left.
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert "PAGE" in section.even_page_footer.paragraphs[0]._p.xml
    assert section.footer.paragraphs[0].text.startswith("— ") and section.footer.paragraphs[0].text.endswith(" —")
    # Typefaces named as GB/T 9704 asks.
    title = next(p for p in document.paragraphs if p.text.startswith("关于认定"))
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.core_properties.keywords == "粤商务服字〔2026〕45号"


# --- without a CJK font --------------------------------------------------------------------------

def test_without_a_cjk_font_pdfs_refuse_to_render_and_check_and_healthz_report_it(tmp_path):
    """A fontconfig that knows no font at all (as on a server without fonts-noto-cjk), in a fresh process."""
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<dir>{tmp_path / 'no-fonts'}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>")
    script = """
import json, django
django.setup()
from django.core import checks
from django.test import Client
from django.test.utils import setup_test_environment
from portal.documents.fonts import MissingFontError
from portal.documents.pdf import DocumentMeta, render_pdf
out = {}
try:
    render_pdf("pdf/base.html", {}, meta=DocumentMeta(title="标题", author="单位"))
    out["render"] = "rendered"
except MissingFontError as exc:
    out["render"] = str(exc)
out["checks"] = [(m.id, m.level) for m in checks.run_checks() if m.id.startswith("documents.")]
setup_test_environment()
response = Client().get("/healthz")
out["healthz"] = [response.status_code, response.json()["fonts"]]
print(json.dumps(out))
"""
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1",
           "ALLOWED_HOSTS": "testserver"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["render"].startswith("Cannot render the PDF: no CJK font is installed")
    assert "fonts-noto-cjk" in out["render"]
    assert out["checks"] == [["documents.E001", 40]]
    assert out["healthz"][0] == 503 and out["healthz"][1]["ok"] is False
    assert "CJK font missing" in out["healthz"][1]["detail"]


def test_with_the_fonts_installed_check_and_healthz_are_clean(client):
    from django.core import checks

    assert not [m for m in checks.run_checks() if m.id.startswith("documents.")]
    fonts = client.get("/healthz").json()["fonts"]
    assert fonts["ok"] is True and "Noto Serif CJK SC" in fonts["detail"]


# --- what every document shares --------------------------------------------------------------------

def test_every_pdf_template_extends_the_one_gbt_9704_page():
    """One base: each document extends pdf/base.html, itself or through other documents (pdf/gongwen.html, a
    document that another one adapts); partials start with _."""
    folder = ROOT / "templates" / "pdf"
    extends = re.compile(r'^\{% extends "pdf/([a-z_]+\.html)" %\}')
    for path in sorted(folder.glob("*.html")):
        if path.name == "base.html" or path.name.startswith("_"):
            continue
        chain, name = [], path.name
        while name != "base.html":
            assert name not in chain, chain
            chain.append(name)
            first = (folder / name).read_text(encoding="utf-8").lstrip().splitlines()[0]
            match = extends.match(first)
            assert match, f"{path.name}: {name} extends no pdf template"
            name = match.group(1)
    assert (ROOT / "templates" / "pdf" / "gongwen.html").read_text(encoding="utf-8").startswith(
        '{% extends "pdf/base.html" %}')


def test_documents_name_and_cite_the_call_alike():
    from datetime import date
    from types import SimpleNamespace

    from portal.documents import call_subject, cite_call, cn_period, paragraphs

    assert call_subject("国家数字服务出口基地申报（第一批）") == "第一批国家数字服务出口基地"
    assert call_subject("关于组织申报第二批广东省数字服务出口基地的通知") == "第二批广东省数字服务出口基地"
    organiser = SimpleNamespace(name="广东省商务厅")
    titled = SimpleNamespace(title="关于组织申报第二批广东省数字服务出口基地的通知",
                             document_number="粤商务服函〔2022〕122号", issuer_list=ISSUERS, organiser=organiser)
    assert cite_call(titled) == "《关于组织申报第二批广东省数字服务出口基地的通知》（粤商务服函〔2022〕122号）"
    plain = SimpleNamespace(title="第二批广东省数字服务出口基地申报", document_number="粤商务服函〔2022〕122号",
                            issuer_list=ISSUERS, organiser=organiser)
    assert cite_call(plain) == "广东省商务厅等部门通知（粤商务服函〔2022〕122号）"
    assert cn_period(date(2026, 11, 3), date(2026, 11, 9)) == "2026年11月3日至2026年11月9日"
    assert paragraphs(" 第一段 \n\n第二段\n") == ["第一段", "第二段"]


def test_the_shared_table_keeps_widths_alignment_and_line_breaks():
    from django.template.loader import render_to_string

    from portal.documents.pdf import table_cells, table_columns

    columns = table_columns([("序号", 10.0, "center"), ("联系人及电话", 90.0, "left")])
    cells = table_cells(columns, [["1", "张明\n020-38819191"]])
    assert cells == [[("1", "center"), ("张明\n020-38819191", "left")]]
    html = render_to_string("pdf/_table.html", {"columns": columns, "cells": cells})
    assert 'style="width: 10.00%"' in html and "<th>联系人及电话</th>" in html
    assert '<td class="left">张明<br>020-38819191</td>' in html
