import hashlib
import io
import struct
import unicodedata
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.filetypes import (
    ALLOWED_DISPLAY,
    MB,
    OLE_MAGIC,
    check_upload,
    detect_kind,
    safe_display_name,
)

LIMIT = 10 * MB

# --- building real files -----------------------------------------------------------------------


def make_pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_image(fmt: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, fmt)
    return buf.getvalue()


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("园区申报佐证材料")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "营业收入"
    buf = io.BytesIO()
    workbook.save(buf)
    return buf.getvalue()


def make_ofd() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                                    '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
                                    "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                                    "</ofd:DocBody></ofd:OFD>")
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buf.getvalue()


def _ole_entry(name: str, kind: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 0x40, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 0x44, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)
    struct.pack_into("<I", entry, 0x74, 0xFFFFFFFE)
    return bytes(entry)


def make_ole(*streams: str, body: bytes = b"") -> bytes:
    """A compound file (512-byte sectors): the FAT sectors, then ``body`` padded to whole sectors,
    then one directory sector holding the root entry and ``streams``."""
    assert len(streams) <= 3
    body += b"\0" * (-len(body) % 512)
    body_sectors = len(body) // 512
    fat_sectors = (body_sectors + 1 + 127) // 128 + 1  # generous; the spare entries stay free
    assert fat_sectors <= 109
    dir_sector = fat_sectors + body_sectors
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, fat_sectors, dir_sector, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    difat = list(range(fat_sectors)) + [0xFFFFFFFF] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [0xFFFFFFFD] * fat_sectors + list(range(fat_sectors + 1, dir_sector)) + [0xFFFFFFFE] * 2
    fat += [0xFFFFFFFF] * (128 * fat_sectors - len(fat))
    directory = _ole_entry("Root Entry", 5) + b"".join(_ole_entry(name, 2) for name in streams)
    directory += b"\0" * (512 - len(directory))
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + body + directory


def make_doc() -> bytes:
    return make_ole("WordDocument", "1Table")


def make_xls() -> bytes:
    return make_ole("Workbook")


def zip_with(base: bytes, name: str, content: bytes = b"x") -> bytes:
    buf = io.BytesIO(base)
    with zipfile.ZipFile(buf, "a") as archive:
        archive.writestr(zipfile.ZipInfo(name), content)
    return buf.getvalue()


def zip_with_zeros(base: bytes, name: str, megabytes: int) -> bytes:
    """``base`` plus a member of ``megabytes`` MB of zeros, streamed so memory stays small."""
    buf = io.BytesIO(base)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(name, "w", force_zip64=True) as member:
            block = bytes(MB)
            for _ in range(megabytes):
                member.write(block)
    return buf.getvalue()


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refused(content: bytes, name: str, max_bytes: int = LIMIT) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload(content, "upload.bin"), name=name, max_bytes=max_bytes)
    return excinfo.value


def english(error: ValidationError) -> str:
    with translation.override("en"):
        return " ".join(error.messages)


VALID = [
    (make_pdf, "申报书.pdf", "pdf"),
    (lambda: make_image("PNG"), "site-photo.png", "png"),
    (lambda: make_image("JPEG"), "site-photo.jpg", "jpg"),
    (lambda: make_image("JPEG"), "SITE-PHOTO.JPEG", "jpg"),
    (make_docx, "说明.docx", "docx"),
    (make_xlsx, "财务数据.xlsx", "xlsx"),
    (make_ofd, "电子证照.ofd", "ofd"),
    (make_doc, "旧版说明.doc", "doc"),
    (make_xls, "旧版报表.xls", "xls"),
]


# --- accepted files ------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "name", "kind"), VALID)
def test_real_files_are_accepted_with_their_sha256(make, name, kind):
    content = make()
    f = upload(content, name)
    assert check_upload(f, name=name, max_bytes=LIMIT) == (kind, hashlib.sha256(content).hexdigest())
    assert f.tell() == 0


@pytest.mark.parametrize(("make", "name", "kind"), VALID)
def test_plain_byte_streams_work_too(make, name, kind):
    content = make()
    f = io.BytesIO(content)
    f.seek(5)
    assert detect_kind(f, name=name) == kind
    assert f.tell() == 0
    f.read(3)
    assert check_upload(f, name=name, max_bytes=LIMIT) == (kind, hashlib.sha256(content).hexdigest())
    assert f.tell() == 0


def test_large_file_is_hashed_in_chunks():
    content = make_pdf() + bytes(range(256)) * (3 * MB // 256 + 17)
    f = io.BytesIO(content)
    assert check_upload(f, name="big.pdf", max_bytes=LIMIT)[1] == hashlib.sha256(content).hexdigest()


def test_file_of_exactly_the_limit_is_accepted():
    content = make_pdf()
    assert check_upload(upload(content, "a.pdf"), name="a.pdf", max_bytes=len(content))[0] == "pdf"


# --- OLE2: DOC or XLS ----------------------------------------------------------------------------


def test_excel_95_book_stream_is_xls():
    assert detect_kind(io.BytesIO(make_ole("Book")), name="") == "xls"


def test_stream_name_in_document_text_does_not_count():
    text = b"x" + "Workbook\0Book\0".encode("utf-16-le")  # odd offset: not a directory entry
    assert detect_kind(io.BytesIO(make_ole("WordDocument", body=text)), name="a.xls") == "doc"


def test_directory_beyond_the_first_64_kb_is_read():
    content = make_ole("Workbook", body=b"\x01" * (80 * 1024))
    assert detect_kind(io.BytesIO(content), name="a.doc") == "xls"


@pytest.mark.parametrize(("streams", "name", "kind"), [
    ((), "a.xls", "xls"),
    ((), "a.doc", "doc"),
    (("WordDocument", "Workbook"), "a.xls", "xls"),
    (("WordDocument", "Workbook"), "a.doc", "doc"),
])
def test_name_only_breaks_a_doc_xls_tie(streams, name, kind):
    assert detect_kind(io.BytesIO(make_ole(*streams)), name=name) == kind


def test_doc_named_xls_is_a_mismatch():
    assert refused(make_doc(), "报表.xls").code == "type_mismatch"


def test_doc_name_does_not_make_other_content_acceptable():
    error = refused(b"This is plain text, not a Word file." * 10, "说明.doc")
    assert error.code == "bad_type"


# --- refused content -----------------------------------------------------------------------------


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(200)
PE = b"MZ\x90\x00\x03" + bytes(55) + b"\x80\x00\x00\x00" + bytes(64) + b"PE\x00\x00" + bytes(200)


@pytest.mark.parametrize("content", [ELF, PE], ids=["elf", "pe"])
def test_executable_renamed_pdf_is_bad_type(content):
    error = refused(content, "营业执照.pdf")
    assert error.code == "bad_type"
    message = english(error)
    assert "not an allowed file type" in message
    assert "PDF、OFD、DOC、DOCX、XLS、XLSX、JPG、PNG" in message
    assert ALLOWED_DISPLAY == "PDF、OFD、DOC、DOCX、XLS、XLSX、JPG、PNG"


def test_plain_zip_is_bad_type():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("payload.exe", ELF)
    assert refused(buf.getvalue(), "a.docx").code == "bad_type"


def test_truncated_docx_is_bad_type():
    assert refused(make_docx()[:300], "a.docx").code == "bad_type"


def test_png_named_pdf_is_a_mismatch():
    error = refused(make_image("PNG"), "scan.pdf")
    assert error.code == "type_mismatch"
    message = english(error)
    assert "PDF" in message and "PNG" in message


def test_docx_named_xlsx_is_a_mismatch():
    assert refused(make_docx(), "a.xlsx").code == "type_mismatch"


def test_too_large_states_the_limit_in_mb():
    error = refused(make_pdf() + bytes(MB), "big.pdf", max_bytes=MB)
    assert error.code == "too_large"
    assert "1 MB" in english(error)


def test_true_length_is_checked_even_if_the_reported_size_is_wrong():
    content = make_pdf() + bytes(2 * MB)
    f = upload(content, "a.pdf")
    f.size = 10
    with pytest.raises(ValidationError) as excinfo:
        check_upload(f, name="a.pdf", max_bytes=MB)
    assert excinfo.value.code == "too_large"
    assert f.tell() == 0


def test_empty_file():
    assert refused(b"", "a.pdf").code == "empty"


# --- ZIP safety ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb_docx() -> bytes:
    return zip_with_zeros(make_docx(), "word/media/image1.bin", 600)


def test_zip_bomb_docx_is_refused(bomb_docx):
    assert len(bomb_docx) < 10 * MB
    assert detect_kind(io.BytesIO(bomb_docx)) == "docx"
    error = refused(bomb_docx, "bomb.docx", max_bytes=20 * MB)
    assert error.code == "zip_bomb"


def test_highly_compressed_member_over_10_mb_is_refused():
    assert refused(zip_with_zeros(make_xlsx(), "xl/media/pad.bin", 20), "a.xlsx").code == "zip_bomb"


def test_highly_compressed_small_member_is_fine():
    content = zip_with_zeros(make_docx(), "word/media/pad.bin", 5)
    assert check_upload(upload(content, "a.docx"), name="a.docx", max_bytes=LIMIT)[0] == "docx"


def test_too_many_members_is_refused():
    buf = io.BytesIO(make_ofd())
    with zipfile.ZipFile(buf, "a") as archive:
        for i in range(10_001):
            archive.writestr(f"Doc_0/Res/{i}.xml", b"")
    assert refused(buf.getvalue(), "a.ofd").code == "zip_bomb"


@pytest.mark.parametrize("member", [
    "../../evil.sh", "word/../../evil.sh", "..\\evil.bat", "/etc/cron.d/x", "\\windows\\x.dll", "C:\\x.dll",
])
def test_unsafe_member_paths_are_refused(member):
    error = refused(zip_with(make_docx(), member), "a.docx")
    assert error.code == "zip_bomb"
    assert "unsafe internal path" in english(error)


def test_dotted_but_safe_member_names_are_fine():
    content = zip_with(make_docx(), "word/..media../a..b.xml")
    assert check_upload(upload(content, "a.docx"), name="a.docx", max_bytes=LIMIT)[0] == "docx"


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\报告.pdf", "报告.pdf"),
    ("C:\\\\x\\\\报告.pdf", "报告.pdf"),
    ("/tmp/a/b\\c.pdf", "c.pdf"),
    ("报\x00告\r\n.pdf", "报告.pdf"),
    ("\x1b[31mred\x7f.png", "[31mred.png"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override would show "exe.pdf"
    ("  spaced name.pdf  ", "spaced name.pdf"),
    ("..", ""),
    ("dir/", ""),
    ("", ""),
])
def test_safe_display_name(raw, clean):
    assert safe_display_name(raw) == clean


def test_long_names_keep_their_extension():
    name = safe_display_name("很" * 300 + ".pdf")
    assert len(name) == 200
    assert name.endswith("很.pdf")
    assert len(safe_display_name("x" * 500)) == 200


@pytest.mark.parametrize(
    "name", ["", "   ", "../", "\x00\n", "passwd", "../../etc/passwd", "report.exe", "report.pdf.exe"])
def test_unusable_names_are_refused(name):
    assert refused(make_pdf(), name).code == "bad_name"


def test_client_path_and_control_characters_are_stripped_before_checking():
    content = make_pdf()
    name = "C:\\fakepath\\申报\x00书.pdf"
    assert check_upload(upload(content, "x.pdf"), name=name, max_bytes=LIMIT)[0] == "pdf"
    error = refused(make_image("PNG"), "C:\\fakepath\\scan\t.pdf")
    assert error.code == "type_mismatch"
    assert "scan.pdf" in english(error)


# --- never anything but ValidationError ----------------------------------------------------------

MAGICS = [b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", OLE_MAGIC, b"PK\x03\x04", b"PK\x05\x06"]
FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check_never_crashes(data: bytes, name: str) -> None:
    f = io.BytesIO(data)
    assert detect_kind(f, name=name) in (None, "pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "png")
    assert f.tell() == 0
    try:
        kind, digest = check_upload(f, name=name, max_bytes=4096)
    except ValidationError as error:
        assert error.code in {"bad_name", "empty", "too_large", "bad_type", "zip_bomb", "type_mismatch"}
    else:
        assert digest == hashlib.sha256(data).hexdigest()
    assert f.tell() == 0


@FUZZ
@given(
    magic=st.sampled_from(MAGICS),
    data=st.binary(max_size=6000),
    name=st.one_of(st.sampled_from(["a.pdf", "a.doc", "a.xls", "a.docx", "a.ofd", "a.jpeg"]), st.text()),
)
def test_random_bytes_only_ever_raise_validation_error(magic, data, name):
    _check_never_crashes(magic + data, name)


_SEEDS = [make_docx(), make_ofd(), make_doc()]


@FUZZ
@given(
    seed=st.sampled_from(_SEEDS),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    cut=st.integers(min_value=0),
)
def test_damaged_real_files_only_ever_raise_validation_error(seed, flips, cut):
    data = bytearray(seed[: len(seed) - cut % len(seed)] if cut % 3 == 0 else seed)
    for position, value in flips:
        if data:
            data[position % len(data)] = value
    _check_never_crashes(bytes(data), "a.docx")
    _check_never_crashes(bytes(data), "a.doc")


@FUZZ
@given(st.text())
def test_safe_display_name_is_always_safe(raw):
    name = safe_display_name(raw)
    assert len(name) <= 200
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in name)
    assert name == name.strip()
