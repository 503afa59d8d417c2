"""What changed between two submitted versions of a dossier."""

from django.utils.translation import gettext as _

from applications.dossier import CONDITIONS_KEY
from applications.programmes import spec_for


def _rows_text(rows: list[dict]) -> str:
    return "\n".join("；".join(str(v) for v in row.values() if v not in (None, "")) for row in rows or [])


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def compare_versions(old, new) -> list[dict]:
    """A list of changes: section title, field label, old text, new text."""
    changes = []
    for section in spec_for(new.application).sections(new.application):
        if section.form_class is None:
            continue
        before, after = old.data.get(section.key, {}), new.data.get(section.key, {})
        form = section.form_class()
        for name, field in form.fields.items():
            if before.get(name) != after.get(name):
                changes.append({"section": section.title, "label": field.label,
                                "old": _value(before.get(name)), "new": _value(after.get(name))})
        for rows in section.rows:
            if before.get(rows.prefix) != after.get(rows.prefix):
                changes.append({"section": section.title, "label": rows.title,
                                "old": _rows_text(before.get(rows.prefix)) or "—",
                                "new": _rows_text(after.get(rows.prefix)) or "—"})
    conditions = new.application.call.basic_conditions
    before, after = old.data.get(CONDITIONS_KEY, {}), new.data.get(CONDITIONS_KEY, {})
    for i, text in enumerate(conditions, start=1):
        for suffix, label in (("declared", _("declaration")), ("explanation", _("explanation")),
                              ("evidence", _("linked evidence"))):
            key = f"c{i}_{suffix}"
            if before.get(key) != after.get(key):
                changes.append({"section": _("Basic conditions"), "label": f"{i}. {text[:30]}… {label}",
                                "old": _value(before.get(key)), "new": _value(after.get(key))})
    old_files = {a["sha256"]: a for a in old.attachments}
    new_files = {a["sha256"]: a for a in new.attachments}
    for sha, a in new_files.items():
        if sha not in old_files:
            changes.append({"section": _("Supporting evidence"), "label": a["category"],
                            "old": "—", "new": _("added: %(name)s") % {"name": a["name"]}})
    for sha, a in old_files.items():
        if sha not in new_files:
            changes.append({"section": _("Supporting evidence"), "label": a["category"],
                            "old": a["name"], "new": _("removed")})
    if old.justification != new.justification:
        changes.append({"section": _("Eligibility"), "label": _("Justification"),
                        "old": old.justification or "—", "new": new.justification or "—"})
    return changes
