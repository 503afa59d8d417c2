"""Checks every PDF the portal issues must pass (issue 18): tagged, PDF/A-3u declared in the XMP, the
metadata (title, author, subject, keywords, language), every font embedded, and a title that never
leaves one character alone on a line."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader

PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def pdf_fonts(pdf: bytes) -> list[dict]:
    """pdffonts' table as dicts (name, type, emb), split at the columns of its dashed rule."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        lines = subprocess.run(["pdffonts", f.name], check=True, capture_output=True, text=True).stdout.splitlines()
    header, rule, *rows = lines
    spans, start = [], 0
    for part in rule.split(" "):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    names = ["name", "type", "encoding", "emb", "sub", "uni", "object", "id"]
    return [{n: row[a:b].strip() for n, (a, b) in zip(names, spans, strict=False)} for row in rows]


def pdf_lines(pdf: bytes, *, first: int | None = None, last: int | None = None) -> list[str]:
    """The text lines pdftotext reads (layout order), stripped, empty lines dropped."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        command = ["pdftotext", "-raw", "-enc", "UTF-8"]
        if first:
            command += ["-f", str(first)]
        if last:
            command += ["-l", str(last)]
        text = subprocess.run([*command, f.name, "-"], check=True, capture_output=True, text=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def title_lines_in_pdf(pdf: bytes, title: str) -> list[str]:
    """The consecutive lines of page 1 that, joined, make ``title``: how the title was broken."""
    lines = pdf_lines(pdf, first=1, last=1)
    for i in range(len(lines)):
        joined, j = "", i
        while j < len(lines) and len(joined) < len(title) and title.startswith(joined + lines[j]):
            joined += lines[j]
            j += 1
        if joined == title:
            return lines[i:j]
    raise AssertionError(f"title {title!r} not found on page 1: {lines[:12]}")


def assert_archivable(pdf: bytes, *, title: str, author: str, keywords: str = "", subject: str | None = None,
                      check_title_lines: bool = True) -> PdfReader:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    # Tagged: a structure tree and MarkInfo /Marked true; the language in the catalogue.
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert str(root["/Lang"]) == "zh-Hans"
    # PDF/A-3u declared in the XMP metadata, with the document's own metadata.
    xmp = reader.xmp_metadata
    assert xmp is not None
    described = xmp.rdf_root.getElementsByTagNameNS("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description")
    parts = {d.getAttributeNS(PDFAID, "part") for d in described} - {""}
    conformance = {d.getAttributeNS(PDFAID, "conformance") for d in described} - {""}
    assert parts == {"3"} and conformance == {"U"}, (parts, conformance)
    assert xmp.dc_title == {"x-default": title}
    assert xmp.dc_creator == [author]
    if subject is not None:
        assert xmp.dc_description == {"x-default": subject}
    assert (xmp.pdf_keywords or "") == keywords
    assert xmp.dc_language == ["zh-Hans"]
    assert reader.metadata.title == title and reader.metadata.author == author
    # Output intent (sRGB) as PDF/A requires.
    assert root["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    # Every font embedded; the 汉字 in a CJK font.
    fonts = pdf_fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts), fonts
    assert any("CJK" in f["name"] for f in fonts), fonts
    if check_title_lines:
        lines = title_lines_in_pdf(pdf, title)
        assert all(len(line) >= 2 for line in lines), f"a lone character on a line of the title: {lines}"
    return reader


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path
