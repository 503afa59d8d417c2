"""Deployment checks of the portal's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def field_keys(app_configs, **kwargs):
    errors = []
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys or settings.DEVELOPMENT_FIELD_ENCRYPTION_KEY in keys:
        errors.append(Error("FIELD_ENCRYPTION_KEY is not set: objectors' ID and phone numbers cannot be encrypted.",
                            hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                                 "print(Fernet.generate_key().decode())'", id="portal.E001"))
    else:
        from cryptography.fernet import Fernet

        for key in keys:
            try:
                Fernet(key.encode())
            except ValueError:
                errors.append(Error("FIELD_ENCRYPTION_KEY holds a value that is not a Fernet key.", id="portal.E002"))
    hash_key = settings.FIELD_HASH_KEY
    if len(hash_key) < 32 or hash_key == settings.DEVELOPMENT_FIELD_HASH_KEY:
        errors.append(Error("FIELD_HASH_KEY must be a random string of at least 32 characters.",
                            hint="python -c 'import secrets; print(secrets.token_urlsafe(32))'", id="portal.E003"))
    return errors
