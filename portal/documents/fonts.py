"""Typefaces of official documents (GB/T 9704-2012) and the check that a CJK font is installed.

The standard names 方正小标宋简体 for the title, 仿宋_GB2312 for the body, 黑体 and 楷体_GB2312 for first-
and second-level headings. Those fonts are commercial and rarely on a server: each role names them
first and falls back to a Noto CJK font (Debian ``fonts-noto-cjk``), which WeasyPrint then embeds.
The Word files name the standard's fonts (Word and LibreOffice substitute on a machine without them).

Without any CJK font Pango would draw every 汉字 as an empty box: ``require_cjk_fonts()`` refuses to
render instead, and the same finding is reported by the system check ``documents.E001`` and by
``/healthz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Typeface:
    names: tuple[str, ...]  # the standard's font first, then the names it goes by elsewhere
    fallback: str           # the Noto CJK font embedded when none of ``names`` is installed
    generic: str            # the CSS generic family

    @property
    def css(self) -> str:
        families = [f"'{name}'" for name in (*self.names, self.fallback)]
        return ", ".join([*families, self.generic])

    @property
    def word(self) -> str:
        return self.names[0] if self.names else self.fallback


TITLE = Typeface(("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S"), "Noto Serif CJK SC", "serif")
BODY = Typeface(("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"), "Noto Serif CJK SC", "serif")
HEADING1 = Typeface(("黑体", "SimHei"), "Noto Sans CJK SC", "sans-serif")
HEADING2 = Typeface(("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi"), "Noto Serif CJK SC", "serif")
MONO = Typeface((), "Noto Sans Mono CJK SC", "monospace")
TYPEFACES = {"title": TITLE, "body": BODY, "heading1": HEADING1, "heading2": HEADING2, "mono": MONO}

# Latin text in Word files (python-docx writes both the East Asian and the Latin font of a run).
LATIN_BODY = "Times New Roman"
LATIN_HEADING = "Arial"

PACKAGE_HINT = "apt-get install fonts-noto-cjk"


class MissingFontError(RuntimeError):
    """No CJK font for a role of the document: rendering would draw empty boxes instead of 汉字."""


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """The font families fontconfig knows (the library WeasyPrint renders with; ``FONTCONFIG_FILE``
    and the other fontconfig variables apply)."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    families: set[str] = set()
    try:
        fonts = fontconfig.FcConfigGetFonts(config, 0)  # FcSetSystem
        if fonts != ffi.NULL:
            value = ffi.new("FcChar8 **")
            for i in range(fonts.nfont):
                n = 0
                while fontconfig.FcPatternGetString(fonts.fonts[i], b"family", n, value) == 0:  # FcResultMatch
                    families.add(ffi.string(value[0]).decode("utf-8", "replace"))
                    n += 1
    finally:
        fontconfig.FcConfigDestroy(config)
    return frozenset(families)


def resolved(typeface: Typeface) -> str | None:
    """The family that will render ``typeface``: the first installed of its names, else its Noto
    fallback when that is installed, else ``None``."""
    families = installed_families()
    for name in (*typeface.names, typeface.fallback):
        if name in families:
            return name
    return None


def missing_fonts() -> list[str]:
    """One sentence per role that no installed font can render (empty when all is well)."""
    problems = []
    for role, typeface in TYPEFACES.items():
        if role == "mono":  # only hashes are set in it; the body font renders them otherwise
            continue
        if resolved(typeface) is None:
            wanted = "、".join((*typeface.names, typeface.fallback))
            problems.append(f"{role}: none of {wanted} is installed")
    return problems


def font_report() -> tuple[bool, str]:
    """(ok, detail) for ``/healthz``: the family rendering each role, or what is missing."""
    problems = missing_fonts()
    if problems:
        return False, f"CJK font missing ({'; '.join(problems)}): {PACKAGE_HINT}"
    return True, ", ".join(sorted({resolved(t) for r, t in TYPEFACES.items() if r != "mono"}))


def require_cjk_fonts() -> None:
    """Raise ``MissingFontError`` unless every role of a document has an installed CJK font."""
    problems = missing_fonts()
    if problems:
        raise MissingFontError(
            "Cannot render the PDF: no CJK font is installed for "
            + "; ".join(problems) + f". Install the Noto CJK fonts ({PACKAGE_HINT}) and restart.")
