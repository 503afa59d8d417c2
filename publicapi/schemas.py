"""What the open-data API answers: the public fields only, as the public pages show them.

Every schema is built from a model instance by ``from_*`` functions in ``publicapi.api`` (no ORM access in
the schemas, so that a list costs the queries of its selector and nothing more)."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

MAX_PAGE_SIZE = 100  # settings.PUBLIC_API_MAX_PAGE_SIZE; the schema states the figure


class Page(Schema):
    page: int = Field(1, ge=1, description="页码，从 1 起 / page number, from 1")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="每页条数，1–100 / rows per page, 1 to 100")


class CallFilters(Page):
    level: Literal["provincial", "national"] | None = Field(None, description="级别 / level")
    status: Literal["open", "closed"] | None = Field(None, description="状态 / status")


class NoticeFilters(Page):
    status: Literal["published", "closed", "withdrawn"] | None = Field(
        None, description="公示状态（按时间判定）/ status of the notice, decided by time")


class BaseFilters(Page):
    level: Literal["national", "provincial"] | None = Field(None, description="级别 / level")
    province: str | None = Field(None, min_length=1, max_length=40, description="省份，如 广东省 / province")
    city: str | None = Field(None, min_length=1, max_length=40, description="城市，如 广州市 / city")
    year: int | None = Field(None, ge=1990, le=2100, description="认定年份 / year designated")
    status: Literal["active", "rectification", "revoked"] | None = Field(
        None, description="状态：在册 active / 限期整改 rectification / 撤销 revoked")


class Error(Schema):
    detail: str = Field(description="错误说明（随请求语言）/ what is wrong, in the request's language")
    errors: list[dict] = Field(default_factory=list, description="逐个参数的说明 / per parameter")


class CallDocumentOut(Schema):
    title: str
    kind: str = Field(description="notice | guide | other")
    kind_display: str
    file_type: str
    size: int
    sha256: str
    url: str = Field(description="下载地址（相对路径）/ download address (relative)")


class CallOut(Schema):
    id: int
    title: str
    document_number: str
    issuers: list[str]
    level: str = Field(description="provincial | national")
    level_display: str
    status: str = Field(description="open | closed")
    status_display: str
    organiser: str
    province: str | None
    recommending_tier: str
    quota_per_unit: int
    park_types: list[str]
    park_types_display: list[str]
    park_deadline: datetime
    recommend_deadline: datetime
    publicity_days: int
    documents: list[CallDocumentOut]


class CallRef(Schema):
    id: int
    title: str
    document_number: str


class CandidateOut(Schema):
    order: int
    park: str
    city: str


class ContactOut(Schema):
    phone: str
    email: str
    address: str


class WithdrawalOut(Schema):
    reason: str
    withdrawn_at: datetime | None


class NoticeOut(Schema):
    id: int
    title: str
    status: str = Field(description="published | closed | withdrawn（按时间判定 / decided by time）")
    status_display: str
    call: CallRef
    organiser: str
    publication_date: date | None
    window_end: date | None
    opens_at: datetime | None
    closes_at: datetime | None
    contact: ContactOut
    withdrawal: WithdrawalOut | None
    candidates: list[CandidateOut] = Field(description="公示的候选名单，按公示顺序 / the list as published")
    url: str
    pdf_url: str


class NoticeDetailOut(NoticeOut):
    body: str


class StatusDecisionOut(Schema):
    from_status: str
    to_status: str = Field(description="active | rectification | revoked")
    to_status_display: str
    deadline: date | None = Field(description="限期整改的期限 / the rectification deadline")
    document_number: str = Field(description="决定文件的文号 / number of the deciding document")
    document_date: date
    reason: str


class BaseOut(Schema):
    id: int
    name: str
    level: str = Field(description="national | provincial")
    level_display: str
    batch: str
    year: int
    province: str
    city: str
    document_number: str
    document_url: str | None = Field(description="认定文件（PDF）/ the designation document")
    status: str = Field(description="在册 active | 限期整改 rectification | 撤销 revoked")
    status_display: str
    status_deadline: date | None = Field(description="限期整改的期限 / the rectification deadline")
    status_document_number: str | None = Field(description="决定现状态的文号（认定时为认定文号）/ the document that "
                                                           "decided the current status (the designation at first)")
    status_document_date: date | None
    status_history: list[StatusDecisionOut] = Field(
        description="认定后的状态决定，先后为序 / later decisions, oldest first")
    url: str


class CallPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[CallOut]


class NoticePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[NoticeOut]


class BasePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[BaseOut]
