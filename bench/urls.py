"""The portal's URLconf plus ``/bench/minimal``: the cheapest response Django can give through the
same middleware and gunicorn, the ceiling the pages are compared against."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [*portal_urlpatterns, path("bench/minimal", minimal, name="bench-minimal")]
