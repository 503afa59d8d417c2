import django_filters
from django.utils.translation import gettext_lazy as _

from portal.lists import PortalFilterSet, search_filter
from publicity.models import DesignatedBase


class DashboardFilter(PortalFilterSet):
    q = search_filter("name", "city", "province", label=_("Base or city"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=DesignatedBase.Level.choices, empty_label=_("All"))

    class Meta:
        model = DesignatedBase
        fields = []
