"""The portal's messages, one per event: who is told what, with placeholders such as ``{call}``.

Every transition that hands work to someone, or tells a park what became of its application, sends one
of these through ``portal.notifications.services.notify_event``: in the portal and by e-mail, in Chinese.
The organiser may replace the title and text of any event for a call (``MessageTemplate``); the defaults
below apply otherwise. Placeholders are plain names in braces; an unknown name is left as typed.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PLACEHOLDERS: dict[str, str] = {
    "call": _("the call's title"),
    "park": _("the park's name"),
    "unit": _("the recommending unit or department"),
    "version": _("the version number of the dossier"),
    "decision": _("the decision taken"),
    "reason": _("the reasons given, where there are any"),
    "count": _("a number of parks, sheets or items"),
    "deadline": _("a deadline, as a date"),
    "days": _("working days left"),
    "window": _("the notice period, from … to …"),
    "document": _("the document number"),
    "code": _("the objection's tracking code"),
    "name": _("the objector's name"),
    "outcome": _("the outcome of the objection"),
    "notice": _("the notice's title"),
    "reply": _("the written reply"),
    "year": _("the year reported on"),
    "link": _("the address of the page to open"),
}


@dataclass(frozen=True)
class Event:
    key: str
    label: str
    audience: str
    title: str
    body: str
    placeholders: tuple[str, ...]


def _e(key, label, audience, title, body, placeholders) -> Event:
    return Event(key, label, audience, title, body, tuple(placeholders.split()))


EVENTS: tuple[Event, ...] = (
    _e("application.submitted", _("Dossier submitted (confirmation)"), _("the park"),
       _("Application submitted: {call} (version {version})"),
       _("The dossier of {park} has been submitted as version {version}. Your city's commerce bureau will "
         "review it."), "call park version link"),
    _e("application.received", _("New submission to review"), _("the city's reviewers"),
       _("New application to review: {park}"),
       _("{park} has submitted version {version} of its dossier for {call}. It awaits your preliminary "
         "review; recommendations are due by {deadline}."), "call park version deadline link"),
    _e("review.return", _("Returned for revision"), _("the park"),
       _("Your application was returned for revision"),
       _("{unit} returned version {version} of your dossier for {call} for revision.\nReasons: {reason}"),
       "call park unit version reason link"),
    _e("review.reject", _("Not recommended (不予推荐)"), _("the park"),
       _("Your application will not be recommended"),
       _("{unit} decided not to recommend version {version} of your dossier for {call}.\nReasons: {reason}"),
       "call park unit version reason link"),
    _e("review.approve", _("Passed the preliminary review"), _("the park"),
       _("Your application passed the preliminary review"),
       _("{unit} passed version {version} of your dossier for {call}. The co-reviewing departments give "
         "their opinion next."), "call park unit version link"),
    _e("coreview.requested", _("Awaits co-review"), _("the unit's co-reviewing departments"),
       _("Co-review requested: {park}"),
       _("{unit} passed {park} (version {version}) in the preliminary review for {call}. Your department's "
         "opinion is needed before the recommendation is sent (deadline {deadline})."),
       "call park unit version deadline link"),
    _e("coreview.given", _("Co-review opinion given"), _("the city's reviewers"),
       _("{unit}: {decision} on {park}"),
       _("{unit} gave its opinion on {park} (version {version}) for {call}: {decision}.\n{reason}"),
       "call park unit version decision reason link"),
    _e("coreview.reminder", _("Co-review reminder before the deadline"), _("the co-reviewing departments"),
       _("{days} working day(s) left: {count} application(s) await your co-review"),
       _("The recommendations to {call} are due by {deadline}. {count} application(s) still await your "
         "department's opinion."), "call count days deadline link"),
    _e("recommendation.reminder", _("Recommendation reminder before the deadline"), _("the city's reviewers"),
       _("{days} working day(s) left to send your recommendation"),
       _("The deadline for recommendations to {call} is {deadline}."), "call days deadline link"),
    _e("recommendation.sent", _("Recommendation received"), _("the organiser"),
       _("Recommendation received from {unit}"),
       _("{unit} recommends {count} park(s) for {call}."), "call unit count link"),
    _e("recommendation.returned", _("Recommendation returned to the unit"), _("the city's reviewers"),
       _("Your recommendation was returned by the organiser"),
       _("Your recommendation for {call} was returned.\nReason: {reason}"), "call reason link"),
    _e("formal_check.pass", _("Formal check passed"), _("the park"),
       _("Your application passed the formal check"),
       _("Your application for {call} passed the organiser's formal check and goes to expert review."),
       "call park link"),
    _e("formal_check.return", _("Returned after the formal check"), _("the park and the city's reviewers"),
       _("An application was returned after the formal check: {park}"),
       _("The organiser returned the application of {park} for {call} to the recommending unit after the "
         "formal check.\nReason: {reason}"), "call park reason link"),
    _e("candidates.proposed", _("Candidate list awaits concurrence"), _("the co-issuing departments"),
       _("Candidate list proposed for concurrence"),
       _("The organiser proposes a candidate list of {count} park(s) for {call}. Your department's "
         "concurrence is needed before it is published."), "call count link"),
    _e("candidates.reminder", _("Candidate list still awaits concurrence"), _("the co-issuing departments"),
       _("The candidate list of {call} still awaits your concurrence"),
       _("The candidate list for {call} was proposed on {deadline} and still awaits your department's "
         "opinion."), "call deadline link"),
    _e("candidates.concurred", _("Candidate list concurred"), _("the organiser"),
       _("The candidate list has been concurred"),
       _("Every co-issuing department concurred with the candidate list of {call}. The notice can be "
         "published."), "call link"),
    _e("candidates.listed", _("The park is on the candidate list"), _("the park"),
       _("Your park is on the candidate list: {call}"),
       _("After expert review {park} is on the candidate list for {call}. The list will be published for "
         "public comment."), "call park link"),
    _e("notice.published", _("Candidate list on public notice"), _("the parks on the notice"),
       _("The candidate list is on public notice: {call}"),
       _("The candidate list for {call}, on which {park} appears, is on public notice ({window})."),
       "call park window notice link"),
    _e("notice.closed", _("Notice period ended"), _("the organiser"),
       _("The notice period has ended: {notice}"),
       _("The notice period ({window}) of {notice} has ended. Decide any objection still open, then "
         "designate the bases."), "call notice window link"),
    _e("objection.received", _("New objection"), _("the organiser"),
       _("New objection {code}"),
       _("An objection to {park} was filed on the notice “{notice}”."), "call park notice code link"),
    _e("objection.decided", _("Reply to the objector (e-mail)"), _("the objector"),
       _("Reply to your objection {code}"),
       _("{name}:\n\nYour objection to {park} on “{notice}” has been decided: {outcome}.\n\n{reply}\n\nYou "
         "can also read it with your tracking code and phone number at {link}"),
       "call park notice code name outcome reply link"),
    _e("designation.countersign_requested", _("Designation document awaits countersignature (会签)"),
       _("the co-issuing departments"),
       _("A designation document awaits your department's countersignature (会签)"),
       _("The designation document of {call} ({document}) awaits your department's countersignature (会签)."),
       "call document link"),
    _e("designation.countersigned", _("Designation document countersigned"), _("the organiser"),
       _("Every co-issuing department has countersigned the designation document"),
       _("Every co-issuing department has countersigned the designation document of {call} ({document}). "
         "It can be published."), "call document link"),
    _e("designation.designated", _("Designated (已认定)"), _("the park"),
       _("{park} is designated: {call}"),
       _("{park} is designated as a digital service export base by document {document}."),
       "call park document link"),
    _e("designation.not_selected", _("Not selected (未入选)"), _("the park"),
       _("Outcome of your application: not selected"),
       _("{park} was not designated in {call} (document {document}).\nReason: {reason}"),
       "call park document reason link"),
    _e("base.status_changed", _("Status of the base changed"), _("the base's park"),
       _("Status of {park}: {decision}"),
       _("By document {document} the status of {park} is now: {decision}. {deadline}\nReasons: {reason}"),
       "park decision document deadline reason link"),
    _e("report.requested", _("Annual progress report requested"), _("the base's park"),
       _("Annual progress report on {year} requested"),
       _("Please file the annual progress report of {park} on {year} in the portal by {deadline}."),
       "park year deadline link"),
    _e("report.reminder", _("Annual progress report reminder before the deadline"), _("the base's park"),
       _("{days} day(s) left to file the annual progress report on {year}"),
       _("The annual progress report of {park} on {year} is due by {deadline} and has not been submitted."),
       "park year days deadline link"),
    _e("report.submitted", _("Annual progress report submitted"), _("the organiser"),
       _("Annual progress report received: {park}"),
       _("{park} submitted its annual progress report on {year} (version {version})."),
       "park year version link"),
    _e("report.accepted", _("Annual progress report accepted"), _("the base's park"),
       _("Your annual progress report on {year} was accepted"),
       _("The organiser accepted the annual progress report of {park} on {year}."), "park year link"),
    _e("report.returned", _("Annual progress report returned"), _("the base's park"),
       _("Your annual progress report on {year} was returned for revision"),
       _("The organiser returned the annual progress report of {park} on {year} for revision.\nReasons: "
         "{reason}"), "park year reason link"),
)
EVENTS_BY_KEY = {e.key: e for e in EVENTS}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(text: str, context: dict) -> str:
    """Replace each ``{name}`` by its value; names without a value stay as typed (no attribute access,
    no formatting language: organisers write these texts)."""
    return _PLACEHOLDER.sub(lambda m: str(context[m.group(1)]) if m.group(1) in context else m.group(0),
                            str(text))


def sample_context() -> dict:
    """Illustrative values for the preview."""
    return {
        "call": "第二批广东省数字服务出口基地申报", "park": "广州开发区（黄埔区）数字经济产业园管理委员会",
        "unit": "广州市商务局", "version": "2", "decision": "同意", "reason": "请补充2021年度出口统计证明材料。",
        "count": "3", "deadline": "2022年7月10日", "days": "3", "window": "2022年8月1日至2022年8月5日",
        "document": "粤商务服字〔2022〕18号", "code": "YY-ABCD-EFGH-JKLM", "name": "张明", "outcome": "不成立",
        "notice": "第二批广东省数字服务出口基地候选名单公示", "reply": "经核查，申报数据与统计报表一致。",
        "year": "2025", "link": "https://portal.example.gov.cn/",
    }


def cn_day(value) -> str:
    """A date or a moment as people write it in a message: ``2022年7月10日`` (moments in local time)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"
