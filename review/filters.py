"""The filters of the review's lists (portal.lists: django-filter, Bootstrap widgets, constant queries)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from portal.accounts.models import Region
from portal.lists import PortalFilterSet, search_filter
from portal.workflow import states_in_group
from review.models import Conflict, ExpertProfile, Specialty
from review.selectors.city import REVIEWABLE_STATES

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _park_search():
    return search_filter("park__name", "park__credit_code", number="pk",
                         label=_("Park name, credit code or application number"))


class _CityFilter(django_filters.ModelChoiceFilter):
    """The cities (or districts) of the parks in the list: one query for the choices."""

    def __init__(self, field_name="park__region", **kwargs):
        super().__init__(field_name=field_name, queryset=Region.objects.none(), label=_("City"),
                         empty_label=_("All"), **kwargs)


class _ApplicationFilters(PortalFilterSet):
    city_field = "park__region"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "city" in self.filters:
            regions = Region.objects.filter(pk__in=self.queryset.order_by().values(self.city_field)).order_by("code")
            self.filters["city"].queryset = regions
            self.form.fields["city"].queryset = regions


class InboxFilter(_ApplicationFilters):
    q = _park_search()
    state = django_filters.ChoiceFilter(label=_("State"), empty_label=_("All"),
                                        choices=[(s, Application.State(s).label) for s in REVIEWABLE_STATES])
    city = _CityFilter()
    misses = django_filters.ChoiceFilter(label=_("Criteria not met"), choices=YES_NO, empty_label=_("All"),
                                         method="filter_misses")
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(
        ("latest_submitted_at", "submitted"), ("park__name", "park"), ("state", "state")),
        field_labels={"latest_submitted_at": _("Submitted at"), "park__name": _("Park"), "state": _("State")})

    def filter_misses(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(latest_misses__gt=0)
        return queryset.filter(Q(latest_misses=0) | Q(latest_misses__isnull=True))


class OrganiserApplicationFilter(_ApplicationFilters):
    """Formal check and assignment lists of the organiser."""

    q = _park_search()
    city = _CityFilter()
    o = django_filters.OrderingFilter(label=_("Sort by"),
                                      fields=(("park__name", "park"), ("submitted_at", "submitted")),
                                      field_labels={"park__name": _("Park"), "submitted_at": _("Submitted at")})


class FormalFilter(OrganiserApplicationFilter):
    state = django_filters.ChoiceFilter(label=_("State"), empty_label=_("All"), choices=[
        (s, Application.State(s).label) for s in states_in_group("application", "with_organiser")])


class ConflictFilter(_ApplicationFilters):
    city_field = "application__park__region"
    q = search_filter("application__park__name", "expert__user__full_name", "expert__employer__name",
                      label=_("Park, expert or employer"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Conflict.Status.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Reason"), choices=Conflict.Kind.choices, empty_label=_("All"))
    city = _CityFilter(field_name="application__park__region")
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(
        ("application__park__name", "park"), ("expert__user__full_name", "expert"), ("created_at", "created")),
        field_labels={"application__park__name": _("Park"), "expert__user__full_name": _("Expert"),
                      "created_at": _("Found at")})


class ExpertFilter(PortalFilterSet):
    q = search_filter("user__full_name", "user__username", "employer__name", "title",
                      label=_("Name, user name or employer"))
    specialty = django_filters.ChoiceFilter(label=_("Specialty"), choices=Specialty.choices, empty_label=_("All"),
                                            method="filter_specialty")
    region = django_filters.ModelChoiceFilter(label=_("City"), empty_label=_("All"), queryset=Region.objects.none())
    active = django_filters.ChoiceFilter(label=_("Active"), choices=YES_NO, empty_label=_("All"),
                                         method="filter_active")
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(
        ("user__full_name", "name"), ("employer__name", "employer"), ("max_load", "load")),
        field_labels={"user__full_name": _("Name"), "employer__name": _("Employer"), "max_load": _("Maximum load")})

    class Meta:
        model = ExpertProfile
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(pk__in=self.queryset.order_by().values("region")).order_by("code")
        self.filters["region"].queryset = regions
        self.form.fields["region"].queryset = regions

    def filter_specialty(self, queryset, name, value):
        return queryset.filter(specialties__icontains=f'"{value}"')  # a JSON list of codes; SQLite too

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")


class CoReviewFilter(_ApplicationFilters):
    """The co-reviewing department's list (网信/工信, city or province): the applications its unit approved."""

    q = _park_search()
    city = _CityFilter()
    stance = django_filters.ChoiceFilter(label=_("My department's opinion"), empty_label=_("All"), choices=[
        ("pending", _("Not yet given")), ("concur", _("Concurred")), ("object", _("Objected"))],
        method="filter_stance")
    state = django_filters.ChoiceFilter(label=_("State"), empty_label=_("All"), choices=[
        (s, Application.State(s).label) for s in (Application.State.APPROVED, Application.State.RECOMMENDED)])
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(
        ("park__name", "park"), ("submitted_at", "submitted"), ("my_stance", "opinion")),
        field_labels={"park__name": _("Park"), "submitted_at": _("Submitted at"),
                      "my_stance": _("My department's opinion")})

    def filter_stance(self, queryset, name, value):
        if value == "pending":
            return queryset.filter(my_stance__isnull=True)
        return queryset.filter(my_stance=value)
