"""The open-data API (开放数据接口): read-only JSON for the calls, the notices (公示) and the directory of
designated bases, with its OpenAPI schema at ``/api/v1/openapi.json`` and a Swagger UI at ``/api/v1/docs``
(served from the vendored files of django-ninja, under the portal's strict CSP).

It shows what the public pages show and nothing else: calls that are not drafts, notices that are published,
closed or withdrawn (a withdrawn notice with its reason, as its page shows it), the candidates as published;
never an objection, an objector, an address or a draft. Reads go through the selectors of the apps, in a
constant number of queries per page; anonymous answers are cached like the public pages
(``portal.home.caching.public_cache``: keyed on the public version, so that a change is served at once, and a
hit costs no query), and every client address is limited to ``PUBLIC_API_LIMIT_PER_MINUTE`` requests.

Bad parameters answer 400 with a message in the request's language (Chinese by default) per parameter; an
unknown parameter is refused too, so that a typing error is not silently ignored.
"""

from functools import wraps

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from applications.models import Call
from applications.selectors import public_calls
from bases.selectors import public_bases, status_history
from portal.clientip import client_ip
from portal.home.caching import public_cache
from portal.ratelimit import RateLimited, hit
from publicapi import schemas
from publicity.models import DesignatedBase, Designation, Notice
from publicity.selectors import public_notices


class ChineseJSONRenderer(JSONRenderer):
    """汉字 as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def rate_limited(view):
    """At most ``PUBLIC_API_LIMIT_PER_MINUTE`` requests a minute from one client address (portal.ratelimit)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = settings.PUBLIC_API_LIMIT_PER_MINUTE
        if limit:
            try:
                hit(f"api:{client_ip(request) or 'unknown'}", limit, 60)
            except RateLimited as exc:
                response = JsonResponse(
                    {"detail": _("Too many requests from this address. Please try again in %(seconds)s seconds.")
                     % {"seconds": exc.retry_after}, "errors": []},
                    status=429, json_dumps_params={"ensure_ascii": False})
                response["Retry-After"] = str(exc.retry_after)
                return response
        return view(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="数字服务出口基地 开放数据接口 Open data API",
    version="1",
    description="申报批次、公示与数字服务出口基地名录（只读，公开信息）。Calls, public notices and the directory of "
                "designated digital service export bases (read-only, public information only).",
    urls_namespace="publicapi",
    renderer=ChineseJSONRenderer(),
    docs_decorator=public_cache,
)

# The last decorator is the outermost: the limit counts cached answers too.
public = decorate_view(public_cache, rate_limited)


# --- errors ----------------------------------------------------------------------------------------

def _parameter_message(name: str, error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return _("Unknown parameter %(name)s.") % {"name": name}
    if name == "page":
        return _("page must be a whole number from 1.")
    if name == "page_size":
        return _("page_size must be a whole number from 1 to %(max)s.") % {"max": schemas.MAX_PAGE_SIZE}
    if name == "year":
        return _("year must be a year from 1990 to 2100.")
    if kind == "literal_error":
        return _("%(name)s must be one of %(choices)s.") % {"name": name,
                                                              "choices": error.get("ctx", {}).get("expected", "")}
    if name in ("province", "city"):
        return _("%(name)s must be 1 to 40 characters.") % {"name": name}
    return _("The value of %(name)s is not valid.") % {"name": name}


@api.exception_handler(NinjaValidationError)
def bad_parameters(request, exc):
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "filters")]
        name = location[-1] if location else ""
        errors.append({"parameter": name, "message": _parameter_message(name, error)})
    detail = " ".join(e["message"] for e in errors) or _("The request is not valid.")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


def _known_parameters_only(request, filters: type[schemas.Page] | None = None) -> None:
    """An unknown parameter (a typing error, ``pagesize``) is refused rather than ignored; it would also make a
    new cache entry of the same answer."""
    unknown = sorted(set(request.GET) - set(filters.model_fields if filters else ()))
    if unknown:
        raise NinjaValidationError([{"loc": ("query", name), "type": "extra_forbidden"} for name in unknown])


# --- paging --------------------------------------------------------------------------------------

def _page(queryset: QuerySet, filters: schemas.Page, convert) -> dict:
    paginator = Paginator(queryset, filters.page_size)
    if filters.page > paginator.num_pages:
        raise HttpError(404, _("Page %(page)s does not exist; the last page is %(pages)s.")
                        % {"page": filters.page, "pages": paginator.num_pages})
    page = paginator.page(filters.page)
    return {"count": paginator.count, "page": filters.page, "page_size": filters.page_size,
            "pages": paginator.num_pages, "results": [convert(obj) for obj in page.object_list]}


# --- calls ---------------------------------------------------------------------------------------

def call_out(call: Call) -> dict:
    return {
        "id": call.pk, "title": call.title, "document_number": call.document_number, "issuers": call.issuer_list,
        "level": call.level, "level_display": call.get_level_display(),
        "status": call.status, "status_display": call.get_status_display(),
        "organiser": call.organiser.name, "province": call.region.name if call.region_id else None,
        "recommending_tier": call.recommending_tier, "quota_per_unit": call.quota_per_unit,
        "park_types": list(call.park_types), "park_types_display": call.park_type_labels,
        "park_deadline": call.park_deadline, "recommend_deadline": call.recommend_deadline,
        "publicity_days": call.publicity_days,
        "documents": [{"title": d.title, "kind": d.kind, "kind_display": d.get_kind_display(),
                       "file_type": d.file_kind, "size": d.size, "sha256": d.sha256,
                       "url": reverse("applications:call-document", args=[call.pk, d.pk])}
                      for d in call.documents.all()],
    }


@api.get("/calls", response={200: schemas.CallPage, 400: schemas.Error, 404: schemas.Error}, url_name="calls",
         summary="申报批次 Calls", tags=["calls"])
@public
def calls(request, filters: Query[schemas.CallFilters]):
    """Every call that is not a draft, newest deadline for parks first (then by id), with its public documents
    (the notice of the call, the 编制指南)."""
    _known_parameters_only(request, schemas.CallFilters)
    queryset = public_calls()
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    return _page(queryset, filters, call_out)


# --- notices -------------------------------------------------------------------------------------

def _notice_status_filter(queryset: QuerySet, status: str) -> QuerySet:
    """The status as the public pages show it: decided by time, whether or not the beat task recorded it."""
    now = timezone.now()
    still_open = Q(status=Notice.Status.PUBLISHED) & (Q(closes_at__isnull=True) | Q(closes_at__gte=now))
    if status == Notice.Status.PUBLISHED:
        return queryset.filter(still_open)
    if status == Notice.Status.CLOSED:
        return queryset.filter(Q(status=Notice.Status.CLOSED) | (Q(status=Notice.Status.PUBLISHED) & ~still_open))
    return queryset.filter(status=status)


def notice_out(notice: Notice) -> dict:
    withdrawn = notice.status == Notice.Status.WITHDRAWN
    return {
        "id": notice.pk, "title": notice.title,
        "status": notice.current_status, "status_display": notice.get_current_status_display(),
        "call": {"id": notice.call_id, "title": notice.call.title, "document_number": notice.call.document_number},
        "organiser": notice.call.organiser.name,
        "publication_date": notice.publication_date, "window_end": notice.window_end,
        "opens_at": notice.opens_at, "closes_at": notice.closes_at,
        "contact": {"phone": notice.contact_phone, "email": notice.contact_email, "address": notice.contact_address},
        "withdrawal": {"reason": notice.withdrawn_reason, "withdrawn_at": notice.withdrawn_at} if withdrawn else None,
        # The list as published: a candidate removed later after an upheld objection is still on it (the
        # notice's page and PDF show the same).
        "candidates": [{"order": i.order, "park": i.park_name, "city": i.city_name} for i in notice.items.all()],
        "url": reverse("publicity:notice", args=[notice.pk]),
        "pdf_url": reverse("publicity:notice-pdf", args=[notice.pk]),
    }


@api.get("/notices", response={200: schemas.NoticePage, 400: schemas.Error, 404: schemas.Error},
         url_name="notices", summary="公示 Public notices", tags=["notices"])
@public
def notices(request, filters: Query[schemas.NoticeFilters]):
    """The notices of candidate lists, during and after their notice period and when withdrawn (never drafts),
    newest publication first (then by id)."""
    _known_parameters_only(request, schemas.NoticeFilters)
    queryset = public_notices()
    if filters.status:
        queryset = _notice_status_filter(queryset, filters.status)
    return _page(queryset, filters, notice_out)


@api.get("/notices/{pk}", response={200: schemas.NoticeDetailOut, 400: schemas.Error, 404: schemas.Error},
         url_name="notice", summary="一则公示 One notice", tags=["notices"])
@public
def notice(request, pk: int):
    """One notice with its text (正文)."""
    _known_parameters_only(request)
    found = public_notices().filter(pk=pk).first()
    if found is None:
        raise HttpError(404, _("No public notice has this number."))
    return {**notice_out(found), "body": found.body}


# --- bases ---------------------------------------------------------------------------------------

def _decision(change) -> dict:
    return {"from_status": change.from_status, "to_status": change.to_status,
            "to_status_display": change.get_to_status_display(), "deadline": change.deadline,
            "document_number": change.document_number, "document_date": change.document_date,
            "reason": change.reason}


def base_out(base: DesignatedBase, history: list) -> dict:
    """What the directory and the base's page show: the base, its status with the document that decided it (the
    designation until a later decision) and the decisions (never who recorded them or their files)."""
    designation = base.designation
    published = designation is not None and designation.status == Designation.Status.PUBLISHED
    last = history[-1] if history else None
    return {
        "id": base.pk, "name": base.name, "level": base.level, "level_display": base.get_level_display(),
        "batch": base.batch, "year": base.year, "province": base.province, "city": base.city,
        "document_number": base.document_number,
        "document_url": reverse("publicity:designation-document", args=[designation.call_id, "pdf"])
        if published else None,
        "status": base.status, "status_display": base.get_status_display(),
        "status_deadline": base.status_deadline if base.status == DesignatedBase.Status.RECTIFICATION else None,
        "status_document_number": last.document_number if last else (base.document_number or None),
        "status_document_date": last.document_date if last else (designation.document_date if designation else None),
        "status_history": [_decision(change) for change in history],
        "url": reverse("bases:base", args=[base.pk]),
    }


@api.get("/bases", response={200: schemas.BasePage, 400: schemas.Error, 404: schemas.Error}, url_name="bases",
         summary="基地名录 Designated bases", tags=["bases"])
@public
def bases(request, filters: Query[schemas.BaseFilters]):
    """The public directory of designated bases (national and provincial), revoked ones included, with their status
    (在册 / 限期整改 / 撤销) and the document that decided it; newest year first, then level, batch and the order of the
    designation document."""
    _known_parameters_only(request, schemas.BaseFilters)
    queryset = public_bases()
    for field in ("level", "province", "city", "year", "status"):
        value = getattr(filters, field)
        if value:
            queryset = queryset.filter(**{field: value})
    result = _page(queryset, filters, lambda base: base)
    history = status_history(result["results"])  # one query for the page
    result["results"] = [base_out(base, history.get(base.pk, [])) for base in result["results"]]
    return result
