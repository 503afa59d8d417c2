"""The filters of the publicity lists (portal.lists): a notice's objections (the base directory's are in bases)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.lists import PortalFilterSet, search_filter
from publicity.models import NoticeItem, Objection


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
