"""Caching of public pages for anonymous visitors.

A page is stored under the current *public version*, the language and the path; any change that
public pages show (a notice, a call opening, a designation) calls ``bump_public_cache()`` and so
starts a new version: the old entries are never served again and expire on their own.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

CACHE_VERSION_KEY = "public:version"


def bump_public_cache() -> None:
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, 2, None)


def public_cache_version() -> int:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        cache.add(CACHE_VERSION_KEY, 1, None)
        version = cache.get(CACHE_VERSION_KEY) or 1
    return version


def public_cache(view):
    """Serve anonymous GETs from the cache (no database query on a hit). Signed-in users, who carry a
    session cookie, always get a fresh page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        if request.method != "GET" or not anonymous:
            return view(request, *args, **kwargs)
        key = f"public:{public_cache_version()}:{translation.get_language()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapper
