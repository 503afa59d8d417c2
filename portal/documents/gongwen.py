"""The parts of a 公文 (GB/T 9704-2012), shared by the PDF template ``pdf/gongwen.html`` and the
Word writer ``docx.GongwenDocx``: an app builds one ``Gongwen`` and lays only its body out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.documents.pdf import DocumentMeta, render_pdf, table_cells
from portal.documents.text import TEXT_WIDTH_PT, title_lines

RED = "#c00"
RED_HEX = "CC0000"


def header_size(names: list[str]) -> float:
    """The size of the issuers' names (发文机关标志): 22 pt (二号), smaller when the longest name would
    not fit one line."""
    longest = max((len(n) for n in names), default=1)
    return float(min(22, int(TEXT_WIDTH_PT * 0.96 / longest)))


def numbered(attachments: list[str]) -> list[str]:
    """附件说明: "1. …", "2. …" when there is more than one attachment, a single one unnumbered."""
    if len(attachments) > 1:
        return [f"{n}. {text}" for n, text in enumerate(attachments, start=1)]
    return list(attachments)


@dataclass
class Gongwen:
    """One official document's frame. ``number_position``: ``"center"`` puts the 发文字号 centred under
    the issuers, above the red rule (通知, 决定); ``"right"`` under the rule on the right (函)."""

    issuers: list[str]                 # 发文机关: the 红头, stacked; also the signatories by default
    title: str                         # 标题
    addressee: str                     # 主送机关, with its colon
    date: str                          # 成文日期, written as cn_date writes it
    number: str = ""                   # 发文字号
    number_position: str = "center"
    signatories: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # 附件说明 (see ``numbered``)
    cc: list[str] = field(default_factory=list)           # 抄送机关
    printed_by: str = ""               # 印发机关 (the first issuer by default)
    printed_on: str = ""               # 印发日期 ("…印发")
    contact: str = ""                  # 联系人 and telephone, under the date (函)
    subject: str = ""                  # for the metadata: what the document is about
    created: datetime | None = None

    def __post_init__(self):
        self.signatories = self.signatories or list(self.issuers)
        self.printed_by = self.printed_by or (self.issuers[0] if self.issuers else "")
        self.printed_on = self.printed_on or f"{self.date}印发"

    @property
    def header_size(self) -> float:
        return header_size(self.issuers)

    @property
    def title_lines(self) -> list[str]:
        return title_lines(self.title)

    @property
    def cc_text(self) -> str:
        return f"{'，'.join(self.cc)}。" if self.cc else ""

    def meta(self) -> DocumentMeta:
        return DocumentMeta(title=self.title, author=self.printed_by, subject=self.subject,
                            keywords=[self.number] if self.number else [], created=self.created)


def gongwen_pdf(template: str, context: dict, gongwen: Gongwen) -> bytes:
    """A 公文 as PDF: ``template`` extends ``pdf/gongwen.html``; the context's ``columns`` and ``rows``, when
    present, become the ``cells`` of ``pdf/_table.html``; the metadata comes from the frame."""
    context = {**context, "gongwen": gongwen}
    if "columns" in context and "rows" in context:
        context["cells"] = table_cells(context["columns"], context["rows"])
    return render_pdf(template, context, meta=gongwen.meta())
