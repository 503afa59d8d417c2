"""Checking uploaded evidence files by their content, not by their name.

Only PDF, OFD, DOC, DOCX, XLS, XLSX, JPG and PNG are accepted. The kind is read from the bytes
(magic numbers, the OLE2 directory, the names inside a ZIP container); the file name only has to
agree with it. ZIP-based kinds (DOCX, XLSX, OFD) are also checked for decompression bombs and
unsafe member paths, using the sizes declared in the central directory (nothing is unpacked).
"""

import hashlib
import os
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KINDS = ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "png")
ALLOWED_DISPLAY = "、".join(kind.upper() for kind in KINDS)
EXTENSION_KIND = {**{kind: kind for kind in KINDS}, "jpeg": "jpg"}
ZIP_KINDS = frozenset({"docx", "xlsx", "ofd"})

MAX_NAME_LENGTH = 200
MB = 1024 * 1024
HASH_BLOCK = MB
OLE_SCAN_BYTES = 64 * 1024
ZIP_MAX_TOTAL = 500 * MB
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_SIZE = 10 * MB

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPG_MAGIC = b"\xff\xd8\xff"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
OLE_DIR_ENTRY = 128
OLE_WORD_STREAMS = ("WordDocument",)
OLE_EXCEL_STREAMS = ("Workbook", "Book")

# What a damaged or hostile archive can make ``zipfile`` raise while reading its directory.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
               NotImplementedError, OverflowError, struct.error)
# Cc control, Cf format (zero-width, bidi overrides that disguise "exe.pdf"), Cs lone surrogates,
# Zl/Zp line and paragraph separators.
_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_DRIVE = re.compile(r"^[A-Za-z]:")


class BinaryFile(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...
    def tell(self) -> int: ...


# --- names -------------------------------------------------------------------------------------

def safe_display_name(name: str) -> str:
    """The client-supplied ``name`` made safe to store and show: no directory part (``/`` or ``\\``),
    no control or invisible format characters, NFC-normalised, at most 200 characters (a long stem
    is shortened so the extension survives). May be empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _STRIPPED_CATEGORIES)
    name = re.split(r"[/\\]", name)[-1].strip()
    if name in (".", ".."):
        return ""
    return _truncate(name, MAX_NAME_LENGTH)


def _truncate(name: str, limit: int) -> str:
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and stem and len(ext) < 16:
        return stem[: limit - len(ext) - 1].rstrip() + "." + ext
    return name[:limit].rstrip()


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


# --- content sniffing ----------------------------------------------------------------------------

def detect_kind(f: BinaryFile, *, name: str | None = None) -> str | None:
    """The allowed kind the content of ``f`` is ("pdf", "docx", …), or None. ``f`` is rewound to 0.

    ``name`` (default: ``f.name`` if any) is used only to choose between DOC and XLS when the OLE2
    directory names neither or both of their streams; it never makes other content acceptable."""
    if name is None:
        name = getattr(f, "name", None) or ""
    return _sniff(f, name)[0]


def _sniff(f: BinaryFile, name: str) -> tuple[str | None, list[zipfile.ZipInfo] | None]:
    """(kind, ZIP members for ZIP-based kinds else None); always rewinds ``f``."""
    try:
        f.seek(0)
        head = f.read(len(PNG_MAGIC))
        if head.startswith(PDF_MAGIC):
            return "pdf", None
        if head.startswith(PNG_MAGIC):
            return "png", None
        if head.startswith(JPG_MAGIC):
            return "jpg", None
        if head.startswith(OLE_MAGIC):
            return _ole_kind(f, name), None
        if head.startswith(ZIP_MAGIC):
            return _zip_kind(f)
        return None, None
    finally:
        f.seek(0)


def _ole_kind(f: BinaryFile, name: str) -> str:
    data = _ole_bytes(f)
    word = _has_ole_entry(data, OLE_WORD_STREAMS)
    excel = _has_ole_entry(data, OLE_EXCEL_STREAMS)
    if word != excel:
        return "doc" if word else "xls"
    return "xls" if _extension(name) == "xls" else "doc"


def _ole_bytes(f: BinaryFile) -> list[bytes]:
    """The first 64 KB, plus the first directory sector named by the header if it lies beyond."""
    f.seek(0)
    head = f.read(OLE_SCAN_BYTES)
    chunks = [head]
    if len(head) < 0x34:
        return chunks
    (shift,) = struct.unpack_from("<H", head, 0x1E)
    (first_dir,) = struct.unpack_from("<I", head, 0x30)
    if shift in (9, 12) and first_dir < 0xFFFFFFFA:
        offset = (first_dir + 1) << shift
        if offset >= len(head):
            f.seek(offset)
            chunks.append(f.read(1 << shift))
    return chunks


def _has_ole_entry(chunks: list[bytes], names: tuple[str, ...]) -> bool:
    """Whether a directory entry carries one of ``names``. Entries are 128 bytes and sectors are 512
    or 4096 bytes, so an entry's UTF-16-LE, NUL-terminated name starts at a multiple of 128; that
    keeps document text that happens to say "Book" from counting."""
    for data in chunks:
        for stream in names:
            needle = (stream + "\0").encode("utf-16-le")
            pos = data.find(needle)
            while pos != -1:
                if pos % OLE_DIR_ENTRY == 0:
                    return True
                pos = data.find(needle, pos + 1)
    return False


def _zip_kind(f: BinaryFile) -> tuple[str | None, list[zipfile.ZipInfo] | None]:
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as archive:  # type: ignore[arg-type]
            members = archive.infolist()
    except _ZIP_ERRORS:
        return None, None
    names = {info.filename for info in members}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx", members
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx", members
    if "OFD.xml" in names:
        return "ofd", members
    return None, None


# --- the upload check --------------------------------------------------------------------------

def check_upload(f: BinaryFile, *, name: str, max_bytes: int) -> tuple[str, str]:
    """(kind, sha256 hex) of an acceptable upload; else ValidationError with code ``bad_name``,
    ``empty``, ``too_large``, ``bad_type``, ``zip_bomb`` or ``type_mismatch``. ``name`` is the
    client-supplied file name (it is sanitised with :func:`safe_display_name` first). ``f`` is
    rewound to 0."""
    display = safe_display_name(name)
    declared = _check_name(display)
    _check_size(_size(f), display, max_bytes)
    kind, members = _sniff(f, display)
    if kind is None:
        raise ValidationError(
            _("The content of “%(name)s” is not an allowed file type. Allowed types: %(allowed)s."),
            code="bad_type", params={"name": display, "allowed": ALLOWED_DISPLAY})
    if members is not None:
        _check_archive(members, display)
    if kind != declared:
        raise ValidationError(
            _("The file “%(name)s” is named as %(declared)s but its content is %(actual)s."),
            code="type_mismatch",
            params={"name": display, "declared": declared.upper(), "actual": kind.upper()})
    digest, length = _sha256(f)
    _check_size(length, display, max_bytes)  # in case the reported size was not the real one
    return kind, digest


def _check_name(display: str) -> str:
    """The kind ``display`` claims by its extension."""
    if not display:
        raise ValidationError(_("The file has no usable name."), code="bad_name")
    declared = EXTENSION_KIND.get(_extension(display))
    if declared is None:
        raise ValidationError(
            _("The file name “%(name)s” must end in one of: %(allowed)s."),
            code="bad_name", params={"name": display, "allowed": ALLOWED_DISPLAY})
    return declared


def _check_size(size: int, display: str, max_bytes: int) -> None:
    if size <= 0:
        raise ValidationError(_("The file “%(name)s” is empty."), code="empty", params={"name": display})
    if size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is larger than the limit of %(limit)s MB."),
            code="too_large", params={"name": display, "limit": _megabytes(max_bytes)})


def _megabytes(n: int) -> str:
    return f"{n / MB:.2f}".rstrip("0").rstrip(".") or "0"


def _size(f: BinaryFile) -> int:
    size = getattr(f, "size", None)
    if isinstance(size, int):
        return size
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(0)
    return size


def _check_archive(members: list[zipfile.ZipInfo], display: str) -> None:
    bomb = ValidationError(
        _("The file “%(name)s” would expand to an unsafe size when unpacked and was refused."),
        code="zip_bomb", params={"name": display})
    if len(members) > ZIP_MAX_MEMBERS:
        raise bomb
    if sum(info.file_size for info in members) > ZIP_MAX_TOTAL:
        raise bomb
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > ZIP_RATIO_MIN_SIZE and ratio > ZIP_MAX_RATIO:
            raise bomb
        if _unsafe_member_path(info.filename):
            raise ValidationError(
                _("The file “%(name)s” contains an unsafe internal path and was refused."),
                code="zip_bomb", params={"name": display})


def _unsafe_member_path(path: str) -> bool:
    if path.startswith(("/", "\\")) or _DRIVE.match(path):
        return True
    return ".." in re.split(r"[/\\]", path)


def _sha256(f: BinaryFile) -> tuple[str, int]:
    """(hex digest, byte count), streaming; rewinds ``f``."""
    digest = hashlib.sha256()
    length = 0
    try:
        for chunk in _chunks(f):
            digest.update(chunk)
            length += len(chunk)
    finally:
        f.seek(0)
    return digest.hexdigest(), length


def _chunks(f: BinaryFile) -> Iterator[bytes]:
    chunks = getattr(f, "chunks", None)
    if callable(chunks):
        yield from chunks()
        return
    f.seek(0)
    while block := f.read(HASH_BLOCK):
        yield block
