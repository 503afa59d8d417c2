"""Binding a dossier section's forms: saved data, a restored draft, or what was just posted."""

from applications.dossier import (
    CONDITIONS_KEY,
    EVIDENCE_KEY,
    cleaned_to_data,
    conditions_form_class,
    row_formset_class,
)
from applications.programmes import spec_for
from applications.selectors import active_attachments


class SectionEditor:
    def __init__(self, application, stored, *, data=None, files=None, revision=None):
        self.application = application
        self.stored = stored
        self.outline = tuple(spec_for(application).sections(application))
        self.section = next(s for s in self.outline if s.key == stored.key)
        self.revision = stored.revision if revision is None else revision
        self.bound = data is not None
        saved = stored.data or {}
        form_class = self._form_class()
        self.form = None
        self.formsets = {}
        if form_class is not None:
            self.form = form_class(data, initial=None if self.bound else saved)
            for rows in self.section.rows:
                formset_class = row_formset_class(rows)
                self.formsets[rows.prefix] = formset_class(
                    data, initial=None if self.bound else saved.get(rows.prefix, []), prefix=rows.prefix)

    def _form_class(self):
        if self.section.key == EVIDENCE_KEY:
            return None
        if self.section.key == CONDITIONS_KEY:
            choices = [(str(a.pk), f"{a.category}：{a.original_name}")
                       for a in active_attachments(self.application)]
            return conditions_form_class(self.application.call.basic_conditions, choices)
        return self.section.form_class

    @property
    def row_sets(self):
        return [(rows, self.formsets[rows.prefix]) for rows in self.section.rows]

    def is_valid(self) -> bool:
        if self.form is None:
            return False
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def cleaned_data(self) -> dict:
        return cleaned_to_data(self.form, self.formsets)

    def live_values(self) -> dict:
        """The values as typed (strings), for the eligibility table while the user types."""
        if not self.bound or self.form is None:
            return {}
        return {name: self.form.data.get(name) for name in self.form.fields if name in self.form.data}

    def next_section(self):
        keys = [s.key for s in self.outline]
        index = keys.index(self.section.key)
        return self.outline[index + 1] if index + 1 < len(self.outline) else None

    def conditions(self):
        """(number, text, declared, explanation, evidence) bound fields of each basic condition."""
        if self.section.key != CONDITIONS_KEY:
            return []
        return [(i, text, self.form[f"c{i}_declared"], self.form[f"c{i}_explanation"],
                 self.form[f"c{i}_evidence"])
                for i, text in enumerate(self.application.call.basic_conditions, start=1)]
