"""The filters of the publicity lists (portal.lists): the public base directory, a notice's objections."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.lists import PortalFilterSet, search_filter
from publicity.models import DesignatedBase, NoticeItem, Objection


class BaseFilter(PortalFilterSet):
    q = search_filter("name", "city", "province", "document_number", label=_("Base, city or document number"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=DesignatedBase.Level.choices, empty_label=_("All"))
    province = django_filters.ChoiceFilter(label=_("Province"), choices=[], empty_label=_("All"))
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], empty_label=_("All"))
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(("year", "year"), ("name", "name"),
                                                                  ("city", "city")),
                                      field_labels={"year": _("Year"), "name": _("Base"), "city": _("City")})

    class Meta:
        model = DesignatedBase
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        both = DesignatedBase.objects.order_by().values_list("province", "year").distinct()  # one query
        pairs = list(both)
        provinces = sorted({p for p, _y in pairs})
        years = sorted({y for _p, y in pairs}, reverse=True)
        self.form.fields["province"].choices = [("", _("All"))] + [(p, p) for p in provinces]
        self.form.fields["year"].choices = [("", _("All"))] + [(y, y) for y in years]


class ObjectionFilter(PortalFilterSet):
    q = search_filter("tracking_code", "item__park_name", label=_("Tracking code or candidate"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Objection.Status.choices, empty_label=_("All"))
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Objection.Outcome.choices, empty_label=_("All"))
    item = django_filters.ModelChoiceFilter(label=_("Candidate"), queryset=NoticeItem.objects.none(),
                                            empty_label=_("All"))
    o = django_filters.OrderingFilter(label=_("Sort by"), fields=(("created_at", "received"), ("status", "status")),
                                      field_labels={"created_at": _("Received at"), "status": _("Status")})

    class Meta:
        model = Objection
        fields = []

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = NoticeItem.objects.filter(notice=notice).order_by("order") if notice else NoticeItem.objects.none()
        self.filters["item"].queryset = items
        self.form.fields["item"].queryset = items
