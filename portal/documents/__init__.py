"""The one 公文 toolkit: everything the portal's documents (推荐函, 公示, 回执, 认定通知, the dossier
volume, rankings) share, so that the apps bring only their context and their body.

- ``text``: ``cn_date``, ``cn_datetime``, ``cn_period``, ``EMPTY``, ``title_lines`` (title lines without a lone
  character), ``paragraphs``, and how documents name and cite a call (``call_subject``, ``cite_call``);
- ``fonts``: the typefaces GB/T 9704-2012 names for each role, the Noto CJK fallback that is embedded
  when they are absent, and the check that a CJK font is installed (system check, ``/healthz``);
- ``pdf``: ``render_pdf``, which renders a template extending ``pdf/base.html`` (the GB/T 9704 page)
  as tagged PDF/A-3u with its XMP metadata, and refuses to render without a CJK font; ``table_columns`` and
  ``table_cells`` for the table that ``pdf/_table.html`` draws (and ``GongwenDocx.table`` writes);
- ``binding``: evidence files bound into a PDF volume after divider pages, with bookmarks (pypdf);
- ``docx``: the Word writer (``GongwenDocx``: 红头, 文号, 标题, 主送, 正文, 落款, 成文日期, 抄送, 版记) and the
  python-docx helpers (fonts, fields, tables, rules) the other Word files use;
- ``xlsx``: print set-up and properties of workbooks.
"""

from portal.documents.text import (
    EMPTY,
    call_subject,
    cite_call,
    cn_date,
    cn_datetime,
    cn_period,
    paragraphs,
    title_lines,
)

__all__ = ["EMPTY", "call_subject", "cite_call", "cn_date", "cn_datetime", "cn_period", "paragraphs", "title_lines"]
