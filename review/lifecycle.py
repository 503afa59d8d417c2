"""The audit events the review's records imply for an application."""

from review.models import CoReview, FormalCheck, PreliminaryReview, ScoreSheet


def review_events(application) -> list[tuple[str, dict]]:
    events = []
    for decision, number in PreliminaryReview.objects.filter(application=application).values_list(
            "decision", "version__number"):
        events.append((f"review.{decision}", {"version": number}))
    for stance, number in CoReview.objects.filter(application=application).values_list("stance", "version__number"):
        events.append((f"coreview.{stance}", {"version": number}))
    for (decision,) in FormalCheck.objects.filter(application=application).values_list("decision"):
        events.append((f"formal_check.{decision}", {}))
    for (pk,) in FormalCheck.objects.filter(resent_application=application).values_list("pk"):
        events.append(("recommendation.resent", {"formal_check": pk}))
    for (assignment,) in ScoreSheet.objects.filter(application=application, status="submitted").values_list(
            "assignment_id"):
        events.append(("sheet.submitted", {"assignment": assignment}))
    return events
