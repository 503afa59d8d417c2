"""Hostile input on every form and upload endpoint: never a 500, never a partial write, never raw markup.

Each endpoint is driven from a request that is checked to succeed, with some of its fields replaced by
hostile values: a fixed sweep (each value into every field at once, then into each field the view reads
without a form), then Hypothesis (``FUZZ``). Every attempt runs in a savepoint that is rolled back, so
the state is built once per test. When a request is refused (4xx, the form shown again, or an error
message on a redirect), the rows the endpoint writes must be exactly as before.

Uploads: content that is not what the name says, zip bombs inside DOCX and XLSX, files over the limit
and path-traversal names are refused with a 4xx and nothing is stored: no row, no new file in MEDIA_ROOT.

One test covers the endpoints that share a state; a failing endpoint does not stop the others, and the
failure names the input and the line of application code that raised.
"""

import io
import re
import secrets
import traceback
import tracemalloc
import zipfile
import zlib
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache as django_cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from applications import demo as demo_data
from applications import services as application_services
from applications.dossier import SECTIONS_BY_KEY
from applications.forms import CallForm
from applications.models import Application, ApplicationVersion, Attachment, Call, DossierSection, Threshold
from portal.accounts.demo import DEMO_PASSWORD
from portal.accounts.models import Membership, Organization, Region, User
from publicity import services as publicity_services
from publicity.models import DesignatedBase, Designation, Notice, NoticeItem, Objection, ObjectionFile, ObjectionNote
from review import services as review_services
from review.imports import TEMPLATE_HEADERS
from review.models import (
    Assignment,
    CandidateConcurrence,
    CandidateItem,
    CandidateList,
    Conflict,
    CoReview,
    ExpertProfile,
    FormalCheck,
    Panel,
    PanelOpinion,
    PreliminaryReview,
    Recommendation,
    RecommendationItem,
    RubricCriterion,
    ScoreSheet,
)
from review.selectors.experts import rubric_of
from tests.applications.conftest import calls, fill_completely, gd_call  # noqa: F401
from tests.review.conftest import bulk_applications, extra_parks, submit_for  # noqa: F401

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MB = 1024 * 1024
PROJECT = Path(__file__).resolve().parents[2]

# No shrinking: a failure already names its input and the line that raised, and shrinking requests that each
# render a page would take minutes. The failing example is kept in .hypothesis/ and tried first next time.
FUZZ = hypothesis_settings(max_examples=15, deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
                           phases=[Phase.explicit, Phase.reuse, Phase.generate])

# --- hostile values --------------------------------------------------------------------------------------

CONTROL = "".join(chr(i) for i in range(0x20)) + "\x7f\x85"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
XSS = ['<script>alert("x1")</script>', '"><img src=x onerror=alert("x2")>', "'><svg/onload=alert('x3')>"]
# What must never come back unescaped: the part of each payload that would run.
MARKERS = ('<script>alert("x1")', '<img src=x onerror=alert("x2")', "<svg/onload=alert('x3')")
TEXTS = [
    "", " ", " \t\r\n\u3000\u00a0", "\x00", "a\x00b", CONTROL, BIDI, INVISIBLE, "\u202egnp.exe",
    "'; DROP TABLE x; --", "' OR '1'='1' --", '"; DELETE FROM auth_user; --', *XSS,
    "{{ 7|add:7 }}{% debug %}", "%(name)s %s %d %n", "${jndi:ldap://x/a}", "../../etc/passwd", "..\\..\\win.ini",
    "null", "None", "[]", "{}", "\\", "\\u0000", "مرحبا עברית 中文 Русский ελληνικά हिन्दी 🇨🇳👨‍👩‍👧",
    "ｆｕｌｌｗｉｄｔｈ　空格", "Z\u0351\u0352\u0353\u0354\u0355a\u0356\u0357l\u0358\u0359g\u035a\u035bo",
    "\U0001F600" * 300, "ﷺ" * 100,
]
NUMBERS = [
    "1e309", "-1e309", "NaN", "nan", "sNaN", "Infinity", "-inf", "-0", "+0", "0.000000000000000001", "1e-400",
    "9" * 40, str(2**63), str(-(2**63) - 1), str(2**31), "-1", "0x1F", "1_000", "١٢٣", "１２３", "1,5", "1.2.3",
    " 7 ", "1e5", "٣٫٥",
]
DATES = [
    "2026-02-30", "2026-13-01", "0000-00-00", "0001-01-01", "9999-12-31", "10000-01-01", "-2026-01-01",
    "31/12/2026", "2026/12/31", "2026-1-1", "20260101", "2026-W01-1", "2026-12-31T25:61", "9999-12-31T23:59",
    "0001-01-01T00:00", "2026-06-01T10:00+14:00", "１９９９-０１-０１", "2026-12-31 23:59:60", "yesterday",
]


def _long(seed: str, n: int) -> str:
    return (seed * (n // len(seed) + 1))[:n]


LONG = XSS[0] + "\u202e" + _long("中文 English عربي \u202e<b>", 20_000)
# The fixed sweep: each value into every field at once; RAW_SWEEP: into each field a view reads itself.
SWEEP = ["", "\x00", "NaN", "sNaN", "1e309", LONG]
RAW_SWEEP = ["", "\x00", "NaN", "1e309", str(2**64)]
MANAGEMENT = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
MANAGEMENT_SWEEP = ["\x00", "-1", "1e309"]
# Into every date field at once (a field whose valid value is a date or a date and time).
DATE_SWEEP = ["2026-02-30", "0001-01-01", "9999-12-31", "10000-01-01", "0001-01-01T00:00", "9999-12-31T23:59"]
DATE_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}")

long_text = st.builds(_long, st.one_of(st.sampled_from(["a", "中", "\u202e", "<script>", "\x00", "😀", " ", "é"]),
                                       st.text(min_size=1, max_size=8)),
                      st.integers(min_value=10_000, max_value=100_000))
hostile = st.one_of(
    st.sampled_from(TEXTS + NUMBERS + DATES),
    st.text(max_size=64),  # every Unicode category but lone surrogates, control characters included
    st.text(st.sampled_from(CONTROL + BIDI + INVISIBLE), min_size=1, max_size=16),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    long_text,
)
MISSING = object()
field_value = st.one_of(hostile, st.just(MISSING), st.lists(hostile, min_size=2, max_size=3))


# --- the harness -------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Files go to a fresh MEDIA_ROOT, so that its listing shows exactly what a request stored. Two-factor
    sign-in (a separate concern, with its own tests) is not in the way of the signed-in clients."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    settings.PORTAL_REQUIRE_2FA = False
    return settings.MEDIA_ROOT


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def rows(model, *fields, **lookup) -> list[tuple]:
    return list(model.objects.filter(**lookup).order_by("pk").values_list(*fields))


@contextmanager
def rolled_back(*, clear_cache: bool = False):
    with transaction.atomic():
        if clear_cache:  # rate limits and cached public pages start afresh
            from portal.home.caching import clear_local_public_cache

            django_cache.clear()
            clear_local_public_cache()
        yield
        transaction.set_rollback(True)


def client_as(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def apply(baseline: dict, overrides: dict) -> dict:
    data = dict(baseline)
    for key, value in overrides.items():
        if value is MISSING:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list | tuple):
        return [s for value in data for s in strings(value)]
    return [data] if isinstance(data, str) else []


def short(data: dict) -> str:
    def clip(value):
        if isinstance(value, str) and len(value) > 40:
            return value[:40] + f"…({len(value)} chars)"
        if isinstance(value, list):
            return [clip(v) for v in value]
        return "<missing>" if value is MISSING else value

    values = list(data.values())
    if len(values) > 2 and all(v == values[0] for v in values if isinstance(v, str)) \
            and all(isinstance(v, str) for v in values):
        return f"{{every field: {clip(values[0])!r}}}"
    return repr({k: clip(v) for k, v in data.items()})[:1200]


def origin(exc: BaseException) -> str:
    """The innermost line of application code in the traceback; else of a library other than Django (axes,
    openpyxl…); else of Django; else "?"."""
    found = {"ours": "?", "library": "?", "django": "?"}
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.is_relative_to(PROJECT / "tests"):
            continue
        if path.is_relative_to(PROJECT) and ".venv" not in path.parts:
            found["ours"] = f"{path.relative_to(PROJECT)}:{frame.lineno} in {frame.name}"
        elif "site-packages" in path.parts:
            inside = path.parts[path.parts.index("site-packages") + 1:]
            where = f"{'/'.join(inside)}:{frame.lineno} in {frame.name}"
            found["django" if inside[0] == "django" else "library"] = where
    return next((where for where in found.values() if where != "?"), "?")


def describe(exc: BaseException) -> str:
    lines = [f"{type(exc).__name__}: {str(exc)[:6000 if isinstance(exc, AssertionError) else 700]}"]
    lines += [note[:1500] for note in getattr(exc, "__notes__", [])]
    cause, seen = exc.__cause__ or exc.__context__, 0
    while cause is not None and seen < 3:
        lines.append(f"  raised by {type(cause).__name__}: {str(cause)[:300]} at {origin(cause)}")
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    return "\n".join(lines)


class Findings:
    """The failures of one test, gathered so that one broken endpoint does not hide the next."""

    def __init__(self):
        self.failures: list[str] = []

    @contextmanager
    def case(self, label: str):
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - reported together at the end of the test
            self.failures.append(f"[{label}] {describe(exc)}")

    def raise_any(self) -> None:
        if self.failures:
            pytest.fail(f"{len(self.failures)} endpoint(s) failed:\n\n" + "\n\n".join(self.failures), pytrace=False)


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


def form_errors(response) -> list[str]:
    """The errors of the forms in the page's context (to say why a request was refused)."""
    found = []
    for key in response.context.keys() if response.context is not None else []:
        value = response.context[key]
        if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
            found.append(f"{key}: {value.errors.as_data()}")
        elif isinstance(value, forms.BaseFormSet) and value.is_bound and not value.is_valid():
            found.append(f"{key}: {value.errors} {value.non_form_errors()}")
    return found


def error_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level >= message_levels.ERROR]


def refused_4xx_or_error_message(response) -> bool:
    return response.status_code >= 400 or bool(error_messages(response))


def form_shown_again(response) -> bool:
    """Django's auth views answer an invalid form with 200 and the form."""
    return response.status_code != 302


def assert_no_raw_markup(response, data) -> None:
    posted = "\n".join(strings(data))
    body = body_of(response)
    for marker in MARKERS:
        if marker in posted:
            assert marker not in body, f"{marker!r} echoed unescaped (status {response.status_code})"


def form_post(client, url, data):
    return client.post(url, data)


def fuzz(findings: Findings, label: str, **kwargs) -> None:
    with findings.case(label):
        _fuzz(label=label, **kwargs)


def _fuzz(*, label, url, baseline, snapshot, user=None, fields=None, raw_fields=(),
          refused=refused_4xx_or_error_message, success=(302,), post=form_post, after=None, fresh_client=False,
          clear_cache=False):
    """Post ``baseline`` (it must succeed), then the sweeps, then Hypothesis' values over ``fields``.

    ``snapshot()`` returns what the endpoint writes; it must not change when ``refused(response)``
    (``refused=None``: it must never change). ``after(response, data)`` checks more."""
    fields = sorted(set(fields or baseline))
    shared = None if fresh_client else client_as(user)

    def attempt(overrides: dict):
        data = apply(baseline, overrides)
        client = client_as(user) if fresh_client else shared
        client.cookies.pop("messages", None)  # a message of the previous attempt is not this one's
        with rolled_back(clear_cache=clear_cache):
            before = snapshot()
            try:
                response = post(client, url, data)
            except Exception as exc:  # the test client re-raises what the view raised: a 500
                raise AssertionError(f"500 for {short(overrides)}: {type(exc).__name__} at {origin(exc)}") from exc
            assert response.status_code < 500, f"{response.status_code} for {short(overrides)}"
            assert_no_raw_markup(response, data)
            if refused is None or refused(response):
                assert snapshot() == before, f"partial write on a refused request ({response.status_code}) " \
                                             f"for {short(overrides)}"
            if after is not None:
                after(response, data)
        return response

    response = attempt({})
    assert response.status_code in success, f"the baseline request failed: {response.status_code} " \
                                            f"{error_messages(response)} {form_errors(response)}"
    assert refused is None or not refused(response), f"the baseline request was refused: {error_messages(response)}"
    swept: dict[str, str] = {}
    # Each value into every field at once (a formset's management fields stay valid, so its rows are reached),
    # hostile management fields, then each field the view reads itself.
    management = [name for name in fields if name.endswith(MANAGEMENT)]
    data_fields = [name for name in fields if name not in management]
    cases = [dict.fromkeys(data_fields, value) for value in SWEEP]
    cases += [dict.fromkeys(management, value) for value in MANAGEMENT_SWEEP if management]
    dates = [name for name in fields if isinstance(baseline.get(name), str) and DATE_LIKE.match(baseline[name])]
    cases += [dict.fromkeys(dates, value) for value in DATE_SWEEP if dates]
    cases += [{name: value} for name in raw_fields for value in RAW_SWEEP]
    for overrides in cases:
        try:
            attempt(overrides)
        except AssertionError as exc:
            key = origin(exc.__cause__) if exc.__cause__ else str(exc)[:60]
            swept.setdefault(key, f"{exc}" + (f"\n    {describe(exc.__cause__)}" if exc.__cause__ else ""))
    if swept:
        raise AssertionError(f"{url}:\n  " + "\n  ".join(swept.values()))

    def run(overrides):
        attempt(overrides)

    # One example database entry per endpoint (as Hypothesis does for parametrized tests), so that a failure
    # found here is tried first the next time here, not on another endpoint sharing this inner function.
    run._hypothesis_internal_add_digest = label.encode()
    FUZZ(given(overrides=st.dictionaries(st.sampled_from(fields), field_value, min_size=1))(run))()


def formset(prefix: str, items: list[dict], *, min_num: int = 0, max_num: int = 1000) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": str(min_num), f"{prefix}-MAX_NUM_FORMS": str(max_num)}
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    return data


# --- accounts ----------------------------------------------------------------------------------------------

def password_of(user) -> list[tuple]:
    return rows(User, "password", "is_active", pk=user.pk)


def test_account_forms(demo, user_named):
    officer = user_named("gd_officer")
    new = "Nw!x9-a-much-longer-Passphrase"
    findings = Findings()

    def login(client, url, data):
        response = client.post(url, data)
        if response.status_code != 302:
            assert "_auth_user_id" not in client.session, "signed in by a refused form"
        return response

    fuzz(findings, "login", url=reverse("login"), post=login, fresh_client=True, refused=form_shown_again,
         baseline={"username": "gd_officer", "password": DEMO_PASSWORD},
         snapshot=lambda: (User.objects.count(), password_of(officer)))
    fuzz(findings, "password change", url=reverse("password_change"), user=officer, fresh_client=True,
         baseline={"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new},
         snapshot=lambda: password_of(officer), refused=form_shown_again)
    fuzz(findings, "password reset", url=reverse("password_reset"), baseline={"email": officer.email},
         snapshot=lambda: (len(mail.outbox), password_of(officer)), refused=form_shown_again)
    link = reverse("password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(officer.pk)),
                                                   default_token_generator.make_token(officer)])

    def reset_confirm(client, url, data):
        form_url = client.get(link)["Location"]  # the token moves into the session
        return client.post(form_url, data)

    fuzz(findings, "password reset confirm", url=link, post=reset_confirm, fresh_client=True,
         baseline={"new_password1": new, "new_password2": new}, snapshot=lambda: password_of(officer),
         refused=form_shown_again)
    findings.raise_any()


# --- calls ---------------------------------------------------------------------------------------------------

CALL_FIELDS = [f.attname for f in Call._meta.concrete_fields]  # every column, so a new field is covered too
THRESHOLD_FIELDS = ("call", "region_class", "total_output", "ict_output", "ict_exports", "digital_enterprises")


def form_data(form) -> dict:
    """What a browser posts for ``form`` as rendered (its initial values)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        formatted = field.widget.format_value(value)
        if getattr(field.widget, "allow_multiple_selected", False):
            data[name] = [str(v) for v in formatted or []]
        elif isinstance(formatted, list):  # a select of one: the widget formats its value as a list
            data[name] = str(formatted[0]) if formatted else ""
        else:
            data[name] = "" if formatted is None else str(formatted)
    return data


def call_form(call: Call, **changes) -> dict:
    data = form_data(CallForm(instance=call))
    data.update(formset("thresholds", [
        {"region_class": t.region_class, "total_output": t.total_output, "ict_output": t.ict_output,
         "ict_exports": t.ict_exports, "digital_enterprises": t.digital_enterprises}
        for t in call.thresholds.order_by("pk")], max_num=4))
    data.update(changes)
    return data


def test_call_forms(gd_call, user_named):  # noqa: F811
    officer = user_named("gd_officer")
    park_user = user_named("park_huangpu")
    park = park_user.memberships.get(role="park_admin").organization
    findings = Findings()

    def calls_snapshot():
        return rows(Call, *CALL_FIELDS), rows(Threshold, *THRESHOLD_FIELDS)

    fuzz(findings, "call create", url=reverse("applications:call-new"), user=officer,
         baseline=call_form(gd_call, title="第三批广东省数字服务出口基地申报"), snapshot=calls_snapshot,
         )
    fuzz(findings, "call edit", url=reverse("applications:call-edit", args=[gd_call.pk]), user=officer,
         baseline=call_form(gd_call, title=gd_call.title + "（修订）"), snapshot=calls_snapshot,
         )
    fuzz(findings, "start an application", url=reverse("applications:start", args=[gd_call.pk]), user=park_user,
         baseline={"park": str(park.pk)},
         snapshot=lambda: (rows(Application, "call", "park", "state"), DossierSection.objects.count()))
    findings.raise_any()


# --- the dossier -------------------------------------------------------------------------------------------

@pytest.fixture
def complete_draft(gd_call, user_named):  # noqa: F811
    """Huangpu's dossier, every section filled and three evidence files uploaded, not yet submitted."""
    user = user_named("park_huangpu")
    park = user.memberships.get(role="park_admin").organization
    application = application_services.start_application(call=gd_call, park=park, user=user)
    return fill_completely(application, user)


def section_form(application, key: str) -> dict:
    """What the section page posts for the section as saved: its fields, formsets and hidden fields."""
    section = application.sections.get(key=key)
    repeating = {r.prefix: r for r in SECTIONS_BY_KEY[key].rows}
    data = {"_revision": str(section.revision), "_action": "save"}
    for name, value in (section.data or {}).items():
        if name in repeating:
            data.update(formset(name, value, min_num=repeating[name].min_rows, max_num=500))
        elif value is True:
            data[name] = "on"
        elif value is False or value is None:
            continue
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    for prefix, spec in repeating.items():
        if f"{prefix}-TOTAL_FORMS" not in data:
            data.update(formset(prefix, [], min_num=spec.min_rows, max_num=500))
    return data


def dossier_snapshot(application):
    # What was typed is kept as the user's draft when a section is refused (on purpose); the saved data is not.
    return (rows(DossierSection, "key", "data", "complete", "revision", application=application),
            rows(Attachment, "original_name", "category", "removed_at", application=application),
            rows(Application, "state", "latest_version_number", "justification", pk=application.pk),
            rows(ApplicationVersion, "number", application=application))


DOSSIER_KEYS = ["cover", "overview", "foundations", "advantages", "plans", "conditions"]


def test_dossier_sections(complete_draft, user_named):
    findings = Findings()
    for key in DOSSIER_KEYS:
        baseline = section_form(complete_draft, key)
        fuzz(findings, f"section {key}", url=reverse("applications:section", args=[complete_draft.pk, key]),
             user=user_named("park_huangpu"), baseline=baseline,
             raw_fields=["_revision", "_action"],
             snapshot=lambda: dossier_snapshot(complete_draft))
    findings.raise_any()


def test_dossier_autosave(complete_draft, user_named):
    """Autosave keeps a draft and answers 200 whatever was typed; the saved sections never change."""
    findings = Findings()
    for key in DOSSIER_KEYS:
        baseline = section_form(complete_draft, key)
        del baseline["_action"]
        fuzz(findings, f"autosave {key}", url=reverse("applications:autosave", args=[complete_draft.pk, key]),
             user=user_named("park_huangpu"), baseline=baseline, success=(200,), refused=None,
             raw_fields=["_revision"], snapshot=lambda: dossier_snapshot(complete_draft))
    findings.raise_any()


def test_dossier_upload_and_submit_forms(complete_draft, user_named, tmp_path):
    findings = Findings()

    def post(client, url, data):
        name = data.get("filename")
        fields = {k: v for k, v in data.items() if k != "filename"}
        return upload(client, url, fields, [] if name is None else [("file", str(name), PDF)])

    def after(response, data):
        if response.status_code == 302:
            for attachment in Attachment.objects.filter(application=complete_draft):
                assert_stored_name_is_clean(attachment.original_name)
                assert_stored_path_is_clean(attachment.file, tmp_path / "media",
                                            f"private/applications/{complete_draft.pk}/")

    fuzz(findings, "attachment upload", url=reverse("applications:upload", args=[complete_draft.pk]),
         user=user_named("park_huangpu"), post=post, after=after,
         baseline={"category": complete_draft.call.evidence_categories[0], "filename": "证明材料.pdf"},
         snapshot=lambda: (dossier_snapshot(complete_draft), files_under(tmp_path)))
    fuzz(findings, "submit", url=reverse("applications:submit", args=[complete_draft.pk]),
         user=user_named("park_huangpu"), baseline={"justification": "", "confirm": "on"},
         snapshot=lambda: dossier_snapshot(complete_draft))
    findings.raise_any()


# --- uploads: the multipart body is built by hand, so that the file name reaches the server as sent ----------

def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type). Django's test client would strip the directories from file names itself."""
    boundary = "----hostile" + secrets.token_hex(12)
    out = io.BytesIO()
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            out.write(str(item).encode() + b"\r\n")
    for field, filename, content in files:
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode())
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(client, url, fields: dict, files: list[tuple[str, str, bytes]], **headers):
    body, content_type = multipart(fields, files)
    return client.generic("POST", url, body, content_type=content_type, **headers)


PDF = demo_data._pdf("evidence")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x90" * 400
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PASSWD = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
BOMB_MB = 600
ZERO_MB = bytes(MB)


class _ZerosDeflater:
    """zlib's output for a megabyte of zeros after a full flush is always the same: computed once, it makes the
    600 MB member in under a second instead of a quarter of a minute. The archive is a real one (zipfile
    computes the CRC of every byte written; unpacking it yields 600 MB of zeros)."""

    def __init__(self):
        deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.block = deflater.compress(ZERO_MB) + deflater.flush(zlib.Z_FULL_FLUSH)
        self.tail = deflater.flush()

    def compress(self, data: bytes) -> bytes:
        assert data == ZERO_MB
        return self.block

    def flush(self) -> bytes:
        return self.tail


def _zip_with_bomb(members: dict[str, bytes], bomb_name: str) -> bytes:
    """A ZIP with ``members`` and one member of BOMB_MB MB of zeros, streamed in (the archive stays small)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            if name != bomb_name:
                archive.writestr(name, content)
        with archive.open(bomb_name, "w", force_zip64=True) as member:
            member._compressor = _ZerosDeflater()
            for _ in range(BOMB_MB):
                member.write(ZERO_MB)
    return buffer.getvalue()


@cache
def docx_bomb() -> bytes:
    content_types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                     b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
    document = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>')
    return _zip_with_bomb({"[Content_Types].xml": content_types, "word/document.xml": document},
                          "word/media/image1.png")


def expert_xlsx(rows_: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADERS)
    for row in rows_:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_EXPERT = ["expert_new1", "林教授", "教授", "华南师范大学", "广州", "软件和信息服务、服务外包", "13800138000",
               "lin@example.edu.cn", "15", "是", ""]


@cache
def xlsx_bomb(bomb_name: str) -> bytes:
    """A valid expert workbook (one good row) with a bomb: in place of a part openpyxl reads, or beside them."""
    with zipfile.ZipFile(io.BytesIO(expert_xlsx([GOOD_EXPERT]))) as good:
        members = {info.filename: good.read(info) for info in good.infolist()}
    return _zip_with_bomb(members, bomb_name)


def oversized_pdf(size: int) -> bytes:
    return PDF + b"%" + b"0" * (size - len(PDF) - 2) + b"\n"


@contextmanager
def peak_memory(limit_mb: int):
    """The request must not unpack a bomb: Python's allocations stay far below its size."""
    tracemalloc.start()
    try:
        yield
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < limit_mb * MB, f"peak allocation {peak / MB:.0f} MB: the archive was unpacked"


# Refused by content or by name: (name, content; None is the DOCX bomb, "oversized" 1.5 MB with a 1 MB limit).
REFUSED_FILES = {
    "renamed executable": ("证明材料.pdf", EXE),
    "renamed ELF": ("统计报表.docx", ELF),
    "PNG named .pdf": ("园区照片.pdf", PNG),
    "DOCX zip bomb": ("发展规划.docx", None),
    "empty file": ("空文件.pdf", b""),
    "path traversal (/), not a PDF": ("../../etc/passwd.pdf", PASSWD),
    "path traversal (\\), an executable": ("..\\..\\x.pdf", EXE),
    "NUL in the name, an executable": ("evil.exe\x00.pdf", EXE),
    "name ends in .exe behind an RTL override": ("证明\u202efdp.exe", PDF),
    "name hides .exe after NUL": ("证明.pdf\x00.exe", PDF),
    "no usable name": ("..", PDF),
    "over the 1 MB limit": ("大文件.pdf", "oversized"),
}
# Hostile names on acceptable content: refused, or stored under a clean name in the right place.
TRAVERSAL_NAMES = ["../../etc/passwd.pdf", "..\\..\\x.pdf", "/etc/cron.d/x.pdf", "C:\\Windows\\x.pdf",
                   "a\x00b.pdf", "..%2F..%2Fx.pdf", "&#46;&#46;&#47;x.pdf", "....//x.pdf", "\u202e..\u202c/x.pdf",
                   "x" * 300 + ".pdf"]


def content_of(spec) -> bytes:
    if spec is None:
        return docx_bomb()
    if spec == "oversized":
        return oversized_pdf(int(1.5 * MB))
    return spec


def assert_stored_name_is_clean(name: str) -> None:
    """The name shown for a stored file: no directory part, no control, bidi or invisible characters."""
    assert "/" not in name and "\\" not in name and name not in (".", ".."), repr(name)
    assert not any(ch in name for ch in CONTROL + BIDI + INVISIBLE), repr(name)
    assert 0 < len(name) <= 200


def assert_stored_path_is_clean(stored_file, media_root, prefix: str) -> None:
    """Where the file is: under MEDIA_ROOT, at a name that never came from the user (no "..")."""
    assert stored_file.name.startswith(prefix) and ".." not in stored_file.name, stored_file.name
    assert Path(stored_file.path).resolve().is_relative_to(Path(media_root).resolve())


@pytest.fixture
def draft(gd_call, user_named):  # noqa: F811
    user = user_named("park_huangpu")
    park = user.memberships.get(role="park_admin").organization
    return application_services.start_application(call=gd_call, park=park, user=user)


def test_dossier_uploads_refused_and_nothing_stored(draft, user_named, settings, tmp_path):
    settings.DOSSIER_MAX_FILE_MB = 1
    url = reverse("applications:upload", args=[draft.pk])
    client = client_as(user_named("park_huangpu"))
    category = draft.call.evidence_categories[0]
    findings = Findings()
    for case, (name, spec) in REFUSED_FILES.items():
        with findings.case(case), rolled_back():
            before = (files_under(tmp_path), Attachment.objects.count())
            with peak_memory(limit_mb=64):
                response = upload(client, url, {"category": category}, [("file", name, content_of(spec))])
            assert 400 <= response.status_code < 500, response.status_code
            assert (files_under(tmp_path), Attachment.objects.count()) == before
            assert not DossierSection.objects.get(application=draft, key="evidence").complete
    for name in TRAVERSAL_NAMES:
        with findings.case(f"hostile name {name!r} on a good PDF"), rolled_back():
            before = files_under(tmp_path)
            response = upload(client, url, {"category": category}, [("file", name, PDF)])
            assert response.status_code < 500
            stored = list(Attachment.objects.filter(application=draft))
            if response.status_code >= 400:
                assert not stored and files_under(tmp_path) == before
                continue
            assert response.status_code == 302 and len(stored) == 1
            assert_stored_name_is_clean(stored[0].original_name)
            assert_stored_path_is_clean(stored[0].file, settings.MEDIA_ROOT, f"private/applications/{draft.pk}/")
            assert sorted(set(files_under(tmp_path)) - set(before)) == [
                str(Path(stored[0].file.path).relative_to(tmp_path))]
    # Defence in depth: names the multipart parser would have cleaned, given to the service directly.
    user = user_named("park_huangpu")
    for name in ["../../etc/passwd.pdf", "..\\..\\x.pdf", "a\x00b.pdf", "\u202e/..\u202c.pdf", "x" * 300 + ".pdf"]:
        with findings.case(f"service: {name!r}"), rolled_back():
            f = SimpleUploadedFile("placeholder.pdf", PDF, content_type="application/pdf")
            f._name = name  # UploadedFile's setter would strip the directory part itself
            attachment = application_services.add_attachment(application=draft, user=user, uploaded_file=f,
                                                             category=category)
            assert_stored_name_is_clean(attachment.original_name)
            assert_stored_path_is_clean(attachment.file, settings.MEDIA_ROOT, f"private/applications/{draft.pk}/")
    findings.raise_any()


# --- the city's review ---------------------------------------------------------------------------------------

def checklist(call) -> dict:
    return {f"c{i}": {"status": "met", "remark": ""} for i in range(1, len(call.basic_conditions) + 1)}


def decision_form(application, decision="approve", reasons="") -> dict:
    data = {"version": str(application.latest_version_number), "decision": decision, "reasons": reasons,
            "opinion": "符合申报条件。"}
    for i in range(1, len(application.call.basic_conditions) + 1):
        data[f"c{i}_status"] = "met"
        data[f"c{i}_remark"] = "已核"
    return data


@pytest.fixture
def approved(submit_for, user_named):  # noqa: F811
    """Pazhou's application approved by the city, concurred by both departments, on a saved list."""
    application = submit_for("park_pazhou", demo_data.PAZHOU, justification=demo_data.PAZHOU_JUSTIFICATION)
    city = user_named("city_gz")
    review_services.decide(application=application, version_number=1, user=city, decision="approve",
                           checklist=checklist(application.call))
    for username in ("gz_cac", "gz_miit"):
        review_services.co_review(application=application, user=user_named(username), stance="concur",
                                  opinion="同意推荐。")
    review_services.save_recommendation(call=application.call, user=city, application_ids=[application.pk])
    return application


def review_snapshot(call):
    return (rows(PreliminaryReview, "application", "decision", "reasons", "opinion"),
            rows(CoReview, "application", "organization", "stance", "opinion"),
            rows(Recommendation, "status", "letter_number", "return_reason", call=call),
            rows(RecommendationItem, "application", "rank", recommendation__call=call),
            rows(Application, "state", call=call), rows(FormalCheck, "decision", "reason"))


def test_city_review_forms(approved, submit_for, user_named):  # noqa: F811
    submitted = submit_for("park_huangpu")
    call = approved.call
    prefix = f"a{approved.pk}"
    findings = Findings()
    fuzz(findings, "review decision", url=reverse("review:review", args=[submitted.pk]), user=user_named("city_gz"),
         baseline=decision_form(submitted), snapshot=lambda: review_snapshot(call))
    fuzz(findings, "co-review", url=reverse("review:coreview", args=[approved.pk]), user=user_named("gz_cac"),
         baseline={f"{prefix}-stance": "object", f"{prefix}-opinion": "建议补充网络安全材料。"},
         snapshot=lambda: review_snapshot(call))
    fuzz(findings, "recommendation save", url=reverse("review:recommendation", args=[call.pk]),
         user=user_named("city_gz"), baseline={"_action": "save", f"rank_{approved.pk}": "2"}, raw_fields=["_action"],
         snapshot=lambda: review_snapshot(call))
    fuzz(findings, "recommendation send", url=reverse("review:recommendation", args=[call.pk]),
         user=user_named("city_gz"), baseline={"_action": "send", "letter_number": "穗商务函〔2026〕15号"},
         raw_fields=["_action"], snapshot=lambda: review_snapshot(call))
    findings.raise_any()


def test_formal_check_and_return_forms(approved, user_named):
    review_services.send_recommendation(call=approved.call, user=user_named("city_gz"),
                                        letter_number="穗商务函〔2026〕1号")
    recommendation = Recommendation.objects.get(call=approved.call)
    prefix = f"a{approved.pk}"
    findings = Findings()
    fuzz(findings, "formal check", url=reverse("review:formal-decide", args=[approved.pk]),
         user=user_named("gd_officer"),
         baseline={f"{prefix}-decision": "return", f"{prefix}-reason": "缺少盖章页",
                   f"{prefix}-resend_deadline": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")},
         snapshot=lambda: review_snapshot(approved.call))
    fuzz(findings, "return recommendation", url=reverse("review:recommendation-return", args=[recommendation.pk]),
         user=user_named("gd_officer"), baseline={"reason": "请补充会签文件"},
         snapshot=lambda: review_snapshot(approved.call))
    findings.raise_any()


# --- the expert review -------------------------------------------------------------------------------------

EXPERTS = {"expert_chen": "440100", "expert_zhou": "440100", "expert_li": "440300", "expert_huang": "440500",
           "expert_xu": "440100"}


@pytest.fixture
def pool(gd_call, user_named):  # noqa: F811
    """Five experts, three applications that passed the formal check, the default rubric."""
    experts = [ExpertProfile.objects.create(user=user_named(u), employer=user_named(u).memberships.get().organization,
                                            region=Region.objects.get(code=code), specialties=["software"],
                                            title="教授") for u, code in EXPERTS.items()]
    passed = bulk_applications(gd_call, extra_parks("440600", 3, "佛山园区"), "formal_passed",
                               user_named("park_huangpu"))
    review_services.ensure_default_rubric(gd_call)
    return gd_call, experts, passed


def expert_snapshot(call):
    return (rows(Assignment, "application", "expert", "no_conflict_confirmed_at", call=call),
            rows(ScoreSheet, "scores", "comment", "status", "total", "reopened_reason", assignment__call=call),
            rows(Conflict, "application", "expert", "kind", "status"),
            rows(Panel, "name", "leader", call=call), rows(Panel.members.through, "panel", "expertprofile"),
            rows(RubricCriterion, "order", "name", "description", "max_points", "weight", call=call),
            rows(PanelOpinion, "application", "text"),
            rows(CandidateList, "status", "note", call=call), rows(CandidateItem, "application", "rank"),
            rows(CandidateConcurrence, "organization", "stance", "opinion"))


def experts_snapshot():
    return (rows(User, "username", "full_name", "email"), rows(Organization, "name"),
            rows(Membership, "user", "organization", "role"),
            rows(ExpertProfile, "user", "title", "employer", "region", "specialties", "phone", "max_load",
                 "is_active", "declared_relations"))


def test_expert_pool_forms(pool, user_named, tmp_path):
    call, experts, passed = pool
    officer = user_named("gd_officer")
    findings = Findings()
    columns = [f"col{i:02}" for i in range(len(TEMPLATE_HEADERS))]

    def import_post(client, url, data):
        cells = [ILLEGAL_CHARACTERS_RE.sub("", str(v))[:32767] for v in (data.get(c, "") for c in columns)]
        return upload(client, url, {}, [("file", "专家名单.xlsx", expert_xlsx([cells]))])

    fuzz(findings, "expert import (xlsx cells)", url=reverse("review:experts"), user=officer, post=import_post,
         success=(200,), baseline=dict(zip(columns, GOOD_EXPERT, strict=True)),
         snapshot=lambda: (experts_snapshot(), files_under(tmp_path)))
    fuzz(findings, "panels", url=reverse("review:panels", args=[call.pk]), user=officer,
         baseline={"name": "第二评审组", "leader": str(experts[0].pk), "members": [str(e.pk) for e in experts[:3]]},
         snapshot=lambda: expert_snapshot(call))
    rubric = formset("rubric", [{"name": c.name, "description": c.description, "max_points": c.max_points,
                                 "weight": c.weight} for c in rubric_of(call)], max_num=30)
    fuzz(findings, "rubric", url=reverse("review:rubric", args=[call.pk]), user=officer, baseline=rubric,
         snapshot=lambda: expert_snapshot(call))
    fuzz(findings, "manual assignment", url=reverse("review:assign", args=[passed[2].pk]), user=officer,
         baseline={f"a{passed[2].pk}-experts": [str(experts[4].pk), str(experts[1].pk)]},
         snapshot=lambda: expert_snapshot(call))
    conflict = Conflict.objects.create(expert=experts[1], application=passed[0], kind="same_city")
    fuzz(findings, "conflict decision", url=reverse("review:conflict-decide", args=[conflict.pk]), user=officer,
         baseline={"confirm": "1"}, raw_fields=["confirm"], snapshot=lambda: expert_snapshot(call))
    findings.raise_any()


def test_expert_import_refuses_other_files_and_zip_bombs(demo, user_named, tmp_path):
    """Not workbooks, and valid workbooks (one good row) carrying 600 MB of zeros: as a part openpyxl reads in
    full (styles), and as a part it ignores. All refused with a 4xx, without unpacking, no expert created."""
    client = client_as(user_named("gd_officer"))
    findings = Findings()
    cases = {"not a workbook": b"username,full_name\nx,y\n", "PNG": PNG, "executable": EXE, "empty": b"",
             "DOCX bomb": docx_bomb(), "XLSX bomb in xl/styles.xml": xlsx_bomb("xl/styles.xml"),
             "XLSX bomb beside the sheets": xlsx_bomb("xl/media/image1.png")}
    for case, content in cases.items():
        with findings.case(case), rolled_back():
            assert len(content) < 2 * MB
            before = (experts_snapshot(), files_under(tmp_path))
            with peak_memory(limit_mb=100):
                response = upload(client, reverse("review:experts"), {}, [("file", "../../专家名单.xlsx", content)])
            assert 400 <= response.status_code < 500, response.status_code
            assert (experts_snapshot(), files_under(tmp_path)) == before
    findings.raise_any()


def test_expert_scoring_forms(pool, user_named):
    """Li has confirmed no conflict on the first application; Huang submitted a sheet on the second;
    Chen leads a panel. Then the candidate list: proposed, and concurred."""
    call, experts, passed = pool
    officer = user_named("gd_officer")
    task = review_services.assign_manually(application=passed[0], experts=[experts[2]], user=officer)[0]
    review_services.confirm_no_conflict(assignment=task, user=experts[2].user)
    done = review_services.assign_manually(application=passed[1], experts=[experts[3]], user=officer)[0]
    review_services.confirm_no_conflict(assignment=done, user=experts[3].user)
    sheet = review_services.save_sheet(assignment=done, user=experts[3].user, comment="", submit=True,
                                       scores={str(c.pk): "5" for c in rubric_of(call)})
    panel = Panel.objects.create(call=call, name="第一评审组", leader=experts[0])
    panel.members.set(experts[:3])
    findings = Findings()

    def snapshot():
        return expert_snapshot(call)

    scores = {f"score_{c.pk}": str(c.max_points - 1) for c in rubric_of(call)}
    sheet_form = {"_action": "save", "comment": "材料完整，规划清晰。", **scores}
    fuzz(findings, "score sheet", url=reverse("review:task", args=[task.pk]), user=experts[2].user,
         baseline=sheet_form, fields=[*sheet_form, "reason"], raw_fields=["_action", "comment", *list(scores)[:2]],
         snapshot=snapshot)
    fuzz(findings, "conflict declaration", url=reverse("review:task", args=[task.pk]), user=experts[2].user,
         baseline={"_action": "declare", "reason": "曾任该园区顾问"}, snapshot=snapshot)
    fuzz(findings, "reopen a sheet", url=reverse("review:sheet-reopen", args=[sheet.pk]), user=officer,
         baseline={"reason": "评分依据需补充"}, snapshot=snapshot)
    fuzz(findings, "panel opinion", url=reverse("review:panel-opinions", args=[call.pk]), user=experts[0].user,
         baseline={"application": str(passed[0].pk), "text": "专家组认为该园区基础扎实。"}, raw_fields=["application"],
         snapshot=snapshot)
    fuzz(findings, "propose candidates", url=reverse("review:propose", args=[call.pk]), user=officer,
         baseline={"candidate": [str(passed[1].pk)], "note": "按评审排名",
                   "missing_sheets_reason": "其余专家回避，经研究按已提交评分表确定。"},
         raw_fields=["candidate", "note"], snapshot=snapshot)
    review_services.propose_candidates(call=call, user=officer, application_ids=[passed[1].pk],
                                       missing_sheets_reason="其余专家回避，经研究按已提交评分表确定。")
    fuzz(findings, "concur on candidates", url=reverse("review:candidates", args=[call.pk]),
         user=user_named("gd_cac"), baseline={"stance": "concur", "opinion": "同意该候选名单。"},
         fields=["stance", "opinion", "_action"], raw_fields=["_action"], snapshot=snapshot)
    findings.raise_any()


# --- publicity ---------------------------------------------------------------------------------------------

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def frozen(monkeypatch):
    def freeze(moment: datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


@pytest.fixture
def notice_draft(gd_call, user_named):  # noqa: F811
    """A draft notice of three concurred candidates, with where objections go filled in."""
    applications = bulk_applications(gd_call, extra_parks("440600", 3, "候选园区"), "formal_passed",
                                     user_named("park_huangpu"))
    candidate_list = CandidateList.objects.create(call=gd_call, status="concurred")
    for rank, application in enumerate(applications, start=1):
        CandidateItem.objects.create(candidate_list=candidate_list, application=application, rank=rank)
    notice = publicity_services.draft_notice(call=gd_call, user=user_named("gd_officer"))
    Notice.objects.filter(pk=notice.pk).update(contact_phone="020-38819911", contact_email="fwmy@gdcom.gov.cn",
                                               contact_address="广州市天河区天河路351号")
    notice.refresh_from_db()
    return notice


@pytest.fixture
def published(notice_draft, user_named, frozen):
    frozen(datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
    return publicity_services.publish_notice(notice=notice_draft, user=user_named("gd_officer"),
                                             publication_date=date(2026, 12, 24))


def objection_form(notice) -> dict:
    return {"item": str(notice.items.first().pk), "name": "张明", "organization": "", "id_number": ID_NUMBER,
            "phone": "13800138000", "email": "zhang@example.com",
            "facts": "该园区申报的数字服务出口额与统计报表不一致，存在虚报情况，请予核查。"}


def publicity_snapshot(call):
    return (rows(Notice, "status", "title", "body", "contact_phone", "contact_email", "contact_address", "revision",
                 "publication_date", "window_end", "closes_at", "withdrawn_reason", call=call),
            rows(NoticeItem, "removed", notice__call=call),
            rows(Objection, "status", "outcome", "reply", "name", "facts"), rows(ObjectionFile, "original_name"),
            rows(ObjectionNote, "text"), rows(Designation, "document_number", "document_date", "title"),
            rows(DesignatedBase, "name", "year", "document_number"))


def test_publicity_forms(notice_draft, user_named, frozen, tmp_path):
    """The notice through its life: edited and published, objected to, the objection handled, withdrawn, and
    (the objection decided, the window over) the bases designated."""
    call = notice_draft.call
    officer = user_named("gd_officer")
    manage = reverse("publicity:manage-notice", args=[call.pk])
    findings = Findings()

    def snapshot():
        return publicity_snapshot(call), files_under(tmp_path)

    frozen(datetime(2026, 12, 23, 9, 0, tzinfo=SHANGHAI))
    fuzz(findings, "notice save", url=manage, user=officer, snapshot=snapshot, raw_fields=["_action", "_revision"],
         baseline={"_action": "save", "_revision": str(notice_draft.revision), "title": "候选名单公示（修订）",
                   "body": notice_draft.body, "contact_phone": notice_draft.contact_phone,
                   "contact_email": notice_draft.contact_email, "contact_address": notice_draft.contact_address})
    fuzz(findings, "notice publish", url=manage, user=officer, snapshot=snapshot, raw_fields=["_action", "_revision"],
         baseline={"_action": "publish", "publication_date": "2026-12-24", "_revision": str(notice_draft.revision),
                   "title": notice_draft.title, "body": notice_draft.body, "contact_phone": notice_draft.contact_phone,
                   "contact_email": notice_draft.contact_email, "contact_address": notice_draft.contact_address})
    notice = publicity_services.publish_notice(notice=notice_draft, user=officer, publication_date=date(2026, 12, 24))

    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))

    def objection_post(client, url, data):
        name = data.get("filename")
        fields = {k: v for k, v in data.items() if k != "filename"}
        return upload(client, url, fields, [] if name is None else [("files", str(name), PDF)])

    def stored_names_are_clean(response, data):
        if response.status_code == 302:
            for stored in ObjectionFile.objects.all():
                assert_stored_name_is_clean(stored.original_name)
                assert_stored_path_is_clean(stored.file, tmp_path / "media",
                                            f"private/objections/{stored.objection_id}/")

    fuzz(findings, "objection form", url=reverse("publicity:object", args=[notice.pk]), post=objection_post,
         after=stored_names_are_clean, clear_cache=True, snapshot=snapshot,
         baseline={**objection_form(notice), "filename": "统计报表.pdf"})
    objection = publicity_services.submit_objection(
        notice=notice, item=notice.items.first(), files=[],
        values={"name": "张明", "organization": "", "id_number": ID_NUMBER, "phone": "13800138000",
                "email": "zhang@example.com", "facts": "该园区申报的数字服务出口额与统计报表不一致，请予核查。"})
    fuzz(findings, "objection status", url=reverse("publicity:objection-status"), success=(200,), clear_cache=True,
         baseline={"tracking_code": objection.tracking_code, "phone": objection.phone}, snapshot=snapshot)
    handle = reverse("publicity:objection-manage", args=[objection.pk])
    for action, baseline in {
        "note": {"_action": "note", "text": "已电话联系异议人核实情况。"},
        "decide": {"_action": "decide", "outcome": "upheld", "reply": "经核查，异议成立，该园区不予认定。"},
        "register": {"_action": "register"},
    }.items():
        fuzz(findings, f"objection {action}", url=handle, user=officer, baseline=baseline, snapshot=snapshot,
             fields=[*baseline, "text", "outcome", "reply"], raw_fields=["_action"])
    fuzz(findings, "notice withdraw", url=manage, user=officer, snapshot=snapshot,
         baseline={"_action": "withdraw", "reason": "候选名单需重新核实"})

    publicity_services.decide_objection(objection=objection, user=officer, outcome="not_upheld",
                                        reply="经核查，申报数据与统计报表一致，异议不成立。")
    frozen(datetime(2026, 12, 31, 0, 1, tzinfo=SHANGHAI))
    assert publicity_services.close_due_notices() == 1
    fuzz(findings, "designate", url=reverse("publicity:designate", args=[call.pk]), user=officer, snapshot=snapshot,
         baseline={"document_number": "粤商务服字〔2027〕1号", "document_date": "2027-01-08", "title": ""})
    findings.raise_any()


def test_objection_evidence_refused_and_nothing_stored(published, frozen, settings, tmp_path):
    """A good PDF and a bad file in one objection: the objection is refused whole (no objection, no file)."""
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    settings.DOSSIER_MAX_FILE_MB = 1
    url = reverse("publicity:object", args=[published.pk])
    findings = Findings()
    # A part without a usable name is dropped by Django itself; evidence is optional, so that one is not here.
    for case, (name, spec) in REFUSED_FILES.items():
        if case == "no usable name":
            continue
        with findings.case(case), rolled_back(clear_cache=True):
            before = (files_under(tmp_path), Objection.objects.count(), ObjectionFile.objects.count())
            with peak_memory(limit_mb=64):
                response = upload(Client(), url, objection_form(published),
                                  [("files", "证据.pdf", PDF), ("files", name, content_of(spec))])
            assert 400 <= response.status_code < 500, response.status_code
            assert (files_under(tmp_path), Objection.objects.count(), ObjectionFile.objects.count()) == before
    for name in TRAVERSAL_NAMES:
        with findings.case(f"hostile name {name!r} on a good PDF"), rolled_back(clear_cache=True):
            before = files_under(tmp_path)
            response = upload(Client(), url, objection_form(published), [("files", name, PDF)])
            assert response.status_code < 500
            if response.status_code >= 400:
                assert not Objection.objects.exists() and files_under(tmp_path) == before
                continue
            assert response.status_code == 302
            for stored in ObjectionFile.objects.all():
                assert_stored_name_is_clean(stored.original_name)
                assert_stored_path_is_clean(stored.file, settings.MEDIA_ROOT,
                                            f"private/objections/{stored.objection_id}/")
    findings.raise_any()


def test_a_huge_exponent_is_not_expanded_into_the_page(complete_draft, user_named):
    """"1e9999999" is a valid decimal of ten million digits: eight bytes typed must not become megabytes
    (with "1e999999999", a gigabyte) of page. The live eligibility table shows what is being typed."""
    client = client_as(user_named("park_huangpu"))
    findings = Findings()
    for view in ("applications:autosave", "applications:section"):
        with findings.case(view), rolled_back():
            data = {**section_form(complete_draft, "foundations"), "ict_exports": "1e9999999", "ict_output": "x"}
            response = client.post(reverse(view, args=[complete_draft.pk, "foundations"]), data)
            assert response.status_code < 500
            assert len(response.content) < MB, f"{len(response.content) / MB:.0f} MB of page"
    findings.raise_any()


FORWARDED = ["<script>alert(1)</script>", "not-an-ip", "999.1.1.1", "1e309", "\x00", "x" * 300, "::1%25eth0",
             ", 10.0.0.1", "10.0.0.1, 10.0.0.2"]


def test_a_hostile_forwarded_for_header_on_an_audited_request(complete_draft, user_named):
    """Every audited change records the client address; a forged X-Forwarded-For is hostile input too."""
    client = client_as(user_named("park_huangpu"))
    url = reverse("applications:section", args=[complete_draft.pk, "plans"])
    findings = Findings()
    for forwarded in FORWARDED:
        with findings.case(f"X-Forwarded-For: {forwarded[:40]!r}"), rolled_back():
            before = dossier_snapshot(complete_draft)
            try:
                response = client.post(url, section_form(complete_draft, "plans"), HTTP_X_FORWARDED_FOR=forwarded)
            except Exception as exc:
                raise AssertionError(f"500: {type(exc).__name__} at {origin(exc)}") from exc
            assert response.status_code < 500
            if response.status_code >= 400:
                assert dossier_snapshot(complete_draft) == before
    findings.raise_any()


def test_objection_with_a_hostile_forwarded_for_header(published, frozen):
    """The client address is recorded with an objection."""
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    findings = Findings()
    for forwarded in FORWARDED:
        with findings.case(f"X-Forwarded-For: {forwarded[:40]!r}"), rolled_back(clear_cache=True):
            try:
                response = Client().post(reverse("publicity:object", args=[published.pk]), objection_form(published),
                                         HTTP_X_FORWARDED_FOR=forwarded)
            except Exception as exc:
                raise AssertionError(f"500: {type(exc).__name__} at {origin(exc)}") from exc
            assert response.status_code < 500
            assert Objection.objects.count() == (1 if response.status_code == 302 else 0)
    findings.raise_any()


# --- error pages escape what was typed ----------------------------------------------------------------------

PAYLOAD = XSS[0] + XSS[1] + XSS[2]


def assert_escaped(response, expected: str | None = PAYLOAD) -> None:
    body = body_of(response)
    where = response.wsgi_request.path
    for marker in MARKERS:
        assert marker not in body, f"{marker!r} unescaped in the page of {where}"
    if expected is not None:
        assert escape(expected) in body, f"{where}: the typed value is not shown again (its escaping is untested)"


def check_error_pages(cases, user_named) -> None:
    for username, url, data, expected in cases:
        response = client_as(user_named(username) if username else None).post(url, data)
        assert 400 <= response.status_code < 500 or response.status_code == 200, (url, response.status_code)
        assert_escaped(response, expected)


def test_error_pages_escape_typed_markup(complete_draft, approved, user_named):
    check_error_pages([
        (None, reverse("login"), {"username": PAYLOAD, "password": "wrong"}, PAYLOAD),
        (None, reverse("password_reset"), {"email": PAYLOAD}, PAYLOAD),
        ("park_huangpu", reverse("applications:section", args=[complete_draft.pk, "cover"]),
         {**section_form(complete_draft, "cover"), "contact_phone": "1", "address": PAYLOAD}, PAYLOAD),
        ("park_huangpu", reverse("applications:section", args=[complete_draft.pk, "overview"]),
         {**section_form(complete_draft, "overview"), "area_km2": "NaN?", "key_industries-0-name": PAYLOAD},
         PAYLOAD),
        ("gd_officer", reverse("applications:call-edit", args=[complete_draft.call_id]),
         {**call_form(complete_draft.call), "quota_per_unit": "0", "title": PAYLOAD}, PAYLOAD),
        ("gz_cac", reverse("review:coreview", args=[approved.pk]),
         {f"a{approved.pk}-stance": "maybe", f"a{approved.pk}-opinion": PAYLOAD}, PAYLOAD),
        ("city_gz", reverse("review:recommendation", args=[approved.call_id]),
         {"_action": "send", "letter_number": PAYLOAD}, PAYLOAD),
    ], user_named)


def test_public_error_pages_escape_typed_markup(published, user_named, frozen):
    frozen(datetime(2026, 12, 25, 10, 0, tzinfo=SHANGHAI))
    check_error_pages([
        (None, reverse("publicity:object", args=[published.pk]),
         {**objection_form(published), "phone": "1", "facts": PAYLOAD + "这是事实和理由的详细说明。"}, PAYLOAD),
        (None, reverse("publicity:objection-status"), {"tracking_code": PAYLOAD[:20], "phone": PAYLOAD[:20]},
         PAYLOAD[:20]),
        ("gd_officer", reverse("publicity:manage-notice", args=[published.call_id]),
         {"_action": "withdraw", "reason": PAYLOAD * 30}, PAYLOAD),
    ], user_named)


def test_not_found_and_public_pages_escape_the_url(demo):
    for path in ["/applications/{}/", "/publicity/objections/{}/", "/review/calls/1/ranking.{}", "/publicity/?page={}",
                 "/bases/?level={}", "/language/{}/"]:
        path = path.format(XSS[0])
        response = Client().get(path)
        assert response.status_code < 500, path
        assert_escaped(response, expected=None)


def test_the_hostile_values_are_what_they_claim():
    """The harness itself, so that a pass means the application handled these values."""
    assert "\x00" in SWEEP and "\u202e" in LONG and len(LONG) > 20_000 and MARKERS[0] in LONG
    assert all(chr(i) in CONTROL for i in range(0x20))
    bomb = docx_bomb()
    assert len(bomb) < MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        member = archive.getinfo("word/media/image1.png")
        assert member.file_size == BOMB_MB * MB and member.compress_size < MB
        with archive.open(member) as unpacked:  # really zeros (zipfile checks the CRC at the end of a full read)
            assert unpacked.read(4 * MB) == bytes(4 * MB)
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= 5 * MB  # the long values reach the views
