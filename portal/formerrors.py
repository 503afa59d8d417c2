"""A service's ValidationError shown on the form that was posted: each message next to its field, the rest
at the top of the form (what the user typed stays in the bound form)."""

from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
