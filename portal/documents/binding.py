"""Evidence bound into a PDF volume (装订): each file after a divider page, with bookmarks.

The volume's template lays out, for every ``Enclosure``, a divider page (a heading with a bookmark,
the file's details) followed by the file's pages: an image is placed on its own page by WeasyPrint;
a PDF (or an Office file converted to PDF by LibreOffice when it is installed) gets one empty page
per page of the file, each with an anchor. After rendering, ``overlay`` draws every page of the file
onto its empty page with pypdf, scaled into the text area, so that the volume keeps its own page
numbers, table of contents and bookmarks. A file that cannot be bound (an OFD, an Office file
without LibreOffice, an unreadable PDF, a file whose SHA-256 changed) gets no divider page: it is
listed after the bound files with a note saying why.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

# The text area of the GB/T 9704 page, in points: left and bottom margins, width and height.
MM = 72 / 25.4
AREA = (28 * MM, 35 * MM, (210 - 28 - 26) * MM, (297 - 37 - 35) * MM)

IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
OFFICE_KINDS = {"doc", "docx", "xls", "xlsx"}
CONVERT_TIMEOUT = 120


@dataclass
class Enclosure:
    """One evidence file to bind. ``data`` is the file's bytes (``None`` when it could not be read)."""

    anchor: str
    title: str
    kind: str
    details: list[dict] = field(default_factory=list)  # {"label", "value"} shown on the divider page
    data: bytes | None = None
    sha256: str = ""
    # set by ``prepare``:
    pdf: bytes | None = None
    pages: list[str] = field(default_factory=list)  # the anchors of the empty pages a PDF is drawn on
    image: str = ""  # a data: URI
    note: str = ""

    @property
    def bound(self) -> bool:
        return bool(self.pages or self.image)


def office_converter() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_office(data: bytes, kind: str) -> bytes | None:
    """An Office file as PDF with LibreOffice (headless), or ``None`` when it is not installed or fails."""
    command = office_converter()
    if command is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"evidence.{kind}"
        source.write_bytes(data)
        try:
            subprocess.run([command, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "pdf", "--outdir", tmp, str(source)],
                           check=True, capture_output=True, timeout=CONVERT_TIMEOUT)
        except (subprocess.SubprocessError, OSError):
            return None
        out = Path(tmp) / "evidence.pdf"
        return out.read_bytes() if out.exists() else None


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    if reader.is_encrypted:
        reader.decrypt("")
    return len(reader.pages)


def prepare(enclosures: list[Enclosure]) -> None:
    """Decide how each file is bound; fill ``pages``, ``image`` or ``note``."""
    for enclosure in enclosures:
        data = enclosure.data
        if data is None:
            enclosure.note = "文件无法读取，未装订。"
            continue
        if enclosure.sha256 and hashlib.sha256(data).hexdigest() != enclosure.sha256:
            enclosure.note = "文件与提交时的 SHA-256 不一致，未装订。"
            continue
        kind = enclosure.kind.lower()
        if kind in IMAGE_TYPES:
            enclosure.image = f"data:{IMAGE_TYPES[kind]};base64,{base64.b64encode(data).decode()}"
            continue
        if kind == "pdf":
            enclosure.pdf = data
        elif kind in OFFICE_KINDS:
            enclosure.pdf = convert_office(data, kind)
            if enclosure.pdf is None:
                enclosure.note = ("本机未安装 LibreOffice，Office 文件未转换装订，请查阅电子版原件。"
                                  if office_converter() is None else "Office 文件转换失败，未装订，请查阅电子版原件。")
                continue
        else:  # OFD and anything else
            enclosure.note = f"{kind.upper()} 文件不能装订，请查阅电子版原件。"
            continue
        try:
            count = _page_count(enclosure.pdf)
        except Exception:  # noqa: BLE001 - any unreadable PDF is listed, not bound
            enclosure.pdf, enclosure.note = None, "PDF 文件无法读取，未装订。"
            continue
        enclosure.pages = [f"{enclosure.anchor}-p{n}" for n in range(1, count + 1)]


def page_indexes(document) -> dict[str, int]:
    """anchor → index of the page it is on, in a rendered WeasyPrint document."""
    indexes = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            indexes.setdefault(anchor, index)
    return indexes


def overlay(volume: bytes, enclosures: list[Enclosure], indexes: dict[str, int]) -> bytes:
    """Draw each bound PDF's pages onto their empty pages of ``volume``."""
    from pypdf import PdfReader, PdfWriter, Transformation

    if not any(e.pages for e in enclosures):
        return volume
    writer = PdfWriter(clone_from=PdfReader(BytesIO(volume)))
    left, bottom, width, height = AREA
    for enclosure in enclosures:
        if not enclosure.pages:
            continue
        reader = PdfReader(BytesIO(enclosure.pdf))
        if reader.is_encrypted:
            reader.decrypt("")
        staged = PdfWriter(clone_from=reader)  # pages of a writer can have their rotation applied
        for anchor, source in zip(enclosure.pages, staged.pages, strict=True):
            source.transfer_rotation_to_content()
            box = source.cropbox
            w, h = float(box.width), float(box.height)
            scale = min(width / w, height / h)
            tx = left + (width - w * scale) / 2 - float(box.left) * scale
            ty = bottom + (height - h * scale) / 2 - float(box.bottom) * scale
            target = writer.pages[indexes[anchor]]
            target.merge_transformed_page(source, Transformation().scale(scale).translate(tx, ty))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
