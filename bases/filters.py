"""The filters of the bases' lists (portal.lists): the public directory and the annual reports."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bases.models import AnnualReport
from portal.lists import PortalFilterSet, search_filter
from publicity.models import DesignatedBase


class BaseFilter(PortalFilterSet):
    q = search_filter("name", "city", "province", "document_number", label=_("Base, city or document number"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=DesignatedBase.Level.choices, empty_label=_("All"))
    province = django_filters.ChoiceFilter(label=_("Province"), choices=[], empty_label=_("All"))
    city = django_filters.ChoiceFilter(label=_("City"), choices=[], empty_label=_("All"))
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DesignatedBase.Status.choices,
                                         empty_label=_("All"))
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(("year", "year"), ("name", "name"),
                                                                  ("city", "city")),
                                      field_labels={"year": _("Year"), "name": _("Base"), "city": _("City")})

    class Meta:
        model = DesignatedBase
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(DesignatedBase.objects.order_by().values_list("province", "city", "year").distinct())  # one query
        provinces = sorted({p for p, _c, _y in rows})
        cities = sorted({c for _p, c, _y in rows})
        years = sorted({y for _p, _c, y in rows}, reverse=True)
        self.form.fields["province"].choices = [("", _("All"))] + [(p, p) for p in provinces]
        self.form.fields["city"].choices = [("", _("All"))] + [(c, c) for c in cities]
        self.form.fields["year"].choices = [("", _("All"))] + [(y, y) for y in years]


class ReportFilter(PortalFilterSet):
    q = search_filter("base__name", "base__city", label=_("Base or city"))
    year = django_filters.ChoiceFilter(field_name="period__year", label=_("Year reported on"), choices=[],
                                       empty_label=_("All"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=AnnualReport.Status.choices,
                                         empty_label=_("All"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue",
                                           widget=django_filters.widgets.BooleanWidget())

    class Meta:
        model = AnnualReport
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(set(self.queryset.order_by().values_list("period__year", flat=True).distinct()),
                       reverse=True)  # one query
        self.form.fields["year"].choices = [("", _("All"))] + [(y, y) for y in years]
        self.form.fields["overdue"].widget.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=AnnualReport.EDITABLE, period__deadline__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
