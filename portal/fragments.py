"""Rendered parts of a signed-in page kept in the cache, keyed on the version of what they show.

A long table of a staff page (the ranking, the city inbox) costs most of the page's CPU in the template;
the same rows are drawn again for every request until the data changes. ``cached_fragment`` renders such a
table once per version of its data and keeps the HTML in the cache (Redis, shared by the workers):

- ``version`` must name everything the fragment shows that can change (the stored ranking's computation
  time, the latest ``updated_at`` and the count of the rows' records, the page, the options of the view);
  the language is added. What the version does not cover (a park renamed) is at most ``timeout`` old.
- A fragment is the same for everyone allowed to see the page it belongs to: the caller builds the key
  from what scopes the rows (the call, the unit), never shows one unit's fragment to another.
- Forms inside a fragment carry ``{% csrf_token %}`` as usual: it is rendered as a placeholder and
  replaced by the requester's own token on every request, so no token is shared.
- ``context`` is a function: on a hit its queries are not run at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

FRAGMENT_SECONDS = 300


def _placeholder() -> str:
    """A string no one can type into a page on purpose: derived from the secret key."""
    digest = hashlib.sha256(f"fragment-csrf:{settings.SECRET_KEY}".encode()).hexdigest()[:32]
    return f"csrf{digest}"


def fragment_key(template: str, version: Iterable) -> str:
    parts = repr((template, get_language(), *version))
    return "fragment:" + hashlib.sha256(parts.encode()).hexdigest()


def cached_fragment(request, template: str, context: Callable[[], dict], *, version: Iterable,
                    use_cache: bool = True, timeout: int = FRAGMENT_SECONDS) -> SafeString:
    """``template`` rendered with ``context()``, from the cache when the same ``version`` was rendered
    before; ``use_cache=False`` renders it for this request only (e.g. with what a refused form kept)."""
    key = fragment_key(template, version)
    html = cache.get(key) if use_cache else None
    placeholder = _placeholder()
    if html is None:
        html = render_to_string(template, {**context(), "csrf_token": placeholder})
        if use_cache:
            cache.set(key, html, timeout)
    if placeholder in html:
        html = html.replace(placeholder, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped there
