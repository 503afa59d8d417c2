"""Templates ask the workflow (``obj|in_group:"…"``, ``{% actions_for %}``, ``{% can %}``), never compare a state
with a string: a scan of every template keeps it so."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# a variable named …status… or …state… (``o.status``, ``t.sheet_status``, ``state``) compared with a literal
NAME = r"[\w.]*(?:status|state)\w*"
LITERAL = r"""(?:"[^"]*"|'[^']*')"""
COMPARISON = re.compile(rf"\b{NAME}\s*(?:==|!=)\s*{LITERAL}|{LITERAL}\s*(?:==|!=)\s*{NAME}\b")

# Not workflow states: the background task's progress, and the objection window of a notice, computed from
# its dates ("before" / "open" / "after") by the view.
ALLOWED = {
    "_rendering_status.html": re.compile(r"^item\.status\b"),
    "publicity/notice_detail.html": re.compile(r"""^state == "(?:open|before|after)"$"""),
    "publicity/object_closed.html": re.compile(r"""^state == "(?:open|before|after)"$"""),
}
TAG = re.compile(r"{%.*?%}", re.S)


def comparisons(text: str) -> list[str]:
    return [m.group(0) for tag in TAG.findall(text) for m in COMPARISON.finditer(tag)]


def test_the_scan_finds_a_state_compared_with_a_string():
    found = comparisons("""{% if o.status != "decided" %}{% elif 'draft' == t.sheet_status %}{% if state == 'x' %}""")
    assert found == ['o.status != "decided"', "'draft' == t.sheet_status", "state == 'x'"]
    assert comparisons('{% if o|in_group:"decided" %}{{ o.status }} == "x"') == []


def test_no_template_compares_a_state_with_a_string():
    offending = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith("pdf/"):
            continue
        allowed = ALLOWED.get(name)
        for found in comparisons(path.read_text(encoding="utf-8")):
            if allowed is None or not allowed.match(found):
                offending.append(f"{name}: {found}")
    assert offending == [], "use the workflow's groups or actions instead:\n" + "\n".join(offending)
