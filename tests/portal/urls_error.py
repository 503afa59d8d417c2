from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("secret-detail that must not reach the page")


urlpatterns = [path("boom/", boom), *portal_urlpatterns]
handler500 = "portal.home.views.server_error"
