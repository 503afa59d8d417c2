"""帮助: the role guides of docs/ (guide-*.md) as pages of the portal, with their screenshots."""

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse

DOCS = Path(settings.BASE_DIR) / "docs"
SLUG = re.compile(r"^[a-z]+$")
IMAGE = re.compile(r"^[a-z0-9-]+\.png$")
# The guide of each workspace (workspace key → guide slug).
WORKSPACE_GUIDES = {"park": "park", "city": "city", "coreview": "coreview", "province": "province",
                    "expert": "expert", "system": "admin",
                    "enterprise": "fund", "district": "fund", "fund": "fund"}


def guides() -> list[tuple[str, str]]:
    """(slug, title) of every guide, in a stable order."""
    found = []
    for path in sorted(DOCS.glob("guide-*.md")):
        slug = path.stem.removeprefix("guide-")
        if SLUG.match(slug):
            first = path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else slug
            found.append((slug, first.lstrip("# ").strip()))
    return found


@lru_cache(maxsize=32)
def _rendered(slug: str, mtime: float) -> str:
    import markdown

    text = (DOCS / f"guide-{slug}.md").read_text(encoding="utf-8")
    text = re.sub(r"\]\(img/([a-z0-9-]+\.png)\)", lambda m: f"]({reverse('help-image', args=[m.group(1)])})", text)
    text = re.sub(r"\]\(guide-([a-z]+)\.md\)", lambda m: f"]({reverse('help-guide', args=[m.group(1)])})", text)
    return markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")


def help_index(request):
    return render(request, "home/help.html", {"guides": guides()})


def help_guide(request, slug: str):
    path = DOCS / f"guide-{slug}.md"
    if not SLUG.match(slug) or not path.is_file():
        raise Http404
    title = dict(guides()).get(slug, slug)
    return render(request, "home/help_guide.html", {
        "guides": guides(), "slug": slug, "title": title, "html": _rendered(slug, path.stat().st_mtime)})


def help_image(request, name: str):
    path = DOCS / "img" / name
    if not IMAGE.match(name) or not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response
