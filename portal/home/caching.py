"""Caching of public pages for anonymous visitors.

A page is stored under the current *public version*, the language and the path; any change that
public pages show (a notice, a call opening, a designation) calls ``bump_public_cache()`` and so
starts a new version: the old entries are never served again and expire on their own.

Two levels. Redis (the shared cache) holds the version and the pages for every worker. In front of it
each worker process keeps its own small copy: the version for ``PUBLIC_CACHE_LOCAL_SECONDS`` (1 s)
and the last pages it served, keyed on that version, so that a hit costs no network round trip (a
Redis operation costs about as much as the whole minimal view; see docs/performance.md). A change
is therefore seen at once by the process that made it and within that second by the others.
The version starts at a random number, so that pages cached before Redis was emptied never match.
"""

import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation

CACHE_VERSION_KEY = "public:version"
LOCAL_PAGES = 256  # pages kept per process (the public site has a few dozen addresses per language)


class _Local:
    """The per-process level: the version with the time it was read, and an LRU of pages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version: int | None = None
        self.read_at = 0.0
        self.pages: OrderedDict[str, tuple[float, bytes, str]] = OrderedDict()

    def clear(self) -> None:
        with self.lock:
            self.version, self.read_at = None, 0.0
            self.pages.clear()

    def get(self, key: str):
        with self.lock:
            hit = self.pages.get(key)
            if hit is None:
                return None
            if hit[0] < time.monotonic():
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return hit[1], hit[2]

    def put(self, key: str, content: bytes, content_type: str, seconds: int) -> None:
        with self.lock:
            self.pages[key] = (time.monotonic() + seconds, content, content_type)
            self.pages.move_to_end(key)
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)


_local = _Local()


def clear_local_public_cache() -> None:
    """Forget this process's copy (tests call it when they empty the shared cache)."""
    _local.clear()


def _initial_version() -> int:
    return secrets.randbelow(2**40) + 1


def bump_public_cache() -> None:
    try:
        cache.incr(CACHE_VERSION_KEY)
    except ValueError:
        cache.set(CACHE_VERSION_KEY, _initial_version(), None)
    _local.clear()  # this process sees its own change at once


def _shared_version() -> int:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        cache.add(CACHE_VERSION_KEY, _initial_version(), None)
        version = cache.get(CACHE_VERSION_KEY) or 1
    return version


def public_cache_version() -> int:
    """The public version, read from Redis at most once per ``PUBLIC_CACHE_LOCAL_SECONDS`` per process."""
    now = time.monotonic()
    ttl = settings.PUBLIC_CACHE_LOCAL_SECONDS
    with _local.lock:
        if _local.version is not None and now - _local.read_at < ttl:
            return _local.version
    version = _shared_version()
    with _local.lock:
        if version != _local.version:
            _local.pages.clear()  # pages of older versions are never served again
        _local.version, _local.read_at = version, now
    return version


def public_cache(view):
    """Serve anonymous GETs from the cache (no database query on a hit; no Redis operation either when
    this process holds the page). Signed-in users, who carry a session cookie, always get a fresh page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        if request.method != "GET" or not anonymous:
            return view(request, *args, **kwargs)
        key = f"public:{public_cache_version()}:{translation.get_language()}:{request.get_full_path()}"
        seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
        hit = _local.get(key)
        if hit is None:
            hit = cache.get(key)
            if hit is not None:
                _local.put(key, hit[0], hit[1], seconds)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), seconds)
            _local.put(key, response.content, response["Content-Type"], seconds)
        return response

    return wrapper
