"""Lists that people search, filter, sort and page through (django-filter), the same way on every page.

``PortalFilterSet`` gives every filter form Bootstrap widgets and Chinese labels; ``search_filter()`` is the
box that searches names and codes; ``filtered_page(request, FilterSet, queryset)`` binds the query string,
pages the result (the page number apart) and says whether the input was bad (the view answers 400 and
shows the message next to the field; the list is then unfiltered by that field). The template includes
``_filters.html`` (the form) and ``_pagination.html``, which keeps the filters in its links.

A filtered list runs a constant number of queries: the filters become WHERE clauses of the one query,
the page reads only its rows, and a choice list of a filter is one query whatever the number of rows.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet whose form uses the portal's Bootstrap widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


def search_filter(*lookups: str, number: str | None = None, label=None):
    """A text box matching any of ``lookups`` (``icontains``); digits also match ``number`` exactly
    (an application number, a tracking code)."""

    def search(queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{f"{lookup}__icontains": value})
        if number and value.isdigit() and len(value) <= 18:
            condition |= Q(**{number: int(value)})
        return queryset.filter(condition)

    return django_filters.CharFilter(label=label or _("Search"), method=search, max_length=100)


def filtered_page(request, filterset_class, queryset, *, per_page: int = 50, **kwargs) -> dict:
    """Context for a list page: ``filter``, ``page``, ``extra_query`` (the filters, for page links) and
    ``filter_status`` (400 when a filter value was refused)."""
    data = request.GET.copy()
    page_number = data.pop("page", [None])[-1]
    bound = any(v for v in data.values())
    filterset = filterset_class(data if bound else None, queryset=queryset, request=request, **kwargs)
    status = 400 if bound and not filterset.is_valid() else 200
    page = Paginator(filterset.qs, per_page).get_page(page_number)
    kept = [(k, v) for k, values in data.lists() for v in values if v]
    return {"filter": filterset, "page": page, "extra_query": (urlencode(kept) + "&") if kept else "",
            "filter_status": status}
