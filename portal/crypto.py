"""Personal data at rest (个人信息保护): field encryption, keyed hashes and masking.

- ``EncryptedTextField`` stores a Fernet token (AES-128-CBC + HMAC-SHA256) of the value. The keys come from
  ``FIELD_ENCRYPTION_KEY``: one or more Fernet keys separated by commas; the first encrypts, every one
  decrypts (MultiFernet), so a new key is put first, ``manage.py rotate_field_key`` re-encrypts every
  value with it, and the old key is then removed.
- ``keyed_hash`` is an HMAC-SHA256 with ``FIELD_HASH_KEY``: equal inputs give equal hashes, so limits and
  look-ups (the same phone, the same ID number) work without the plaintext, and without the key nobody can
  test guesses against the stored hashes.
- ``mask`` shows the ends of a value only (``440106********1234``).

With ``DEBUG`` on both keys have development defaults (settings.py); with it off they must be set (``check --deploy``
reports their absence, and the first use raises ImproperlyConfigured).
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def encryption_keys() -> list[str]:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DEBUG is off (generate one with: "
                                   "python -c 'from cryptography.fernet import Fernet; "
                                   "print(Fernet.generate_key().decode())').")
    return keys


def hash_key() -> bytes:
    key = settings.FIELD_HASH_KEY
    if not key:
        raise ImproperlyConfigured("FIELD_HASH_KEY must be set when DEBUG is off (a random string of at least "
                                   "32 characters; it is never rotated, since the hashes depend on it).")
    return key.encode()


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY holds a value that is not a Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(encryption_keys()))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("An encrypted field cannot be decrypted with the keys of FIELD_ENCRYPTION_KEY "
                                   "(was a key removed before rotate_field_key ran?).") from exc


def rotate(token: str) -> str:
    """The token re-encrypted with the first key."""
    return fernet().rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of the normalised value (spaces removed, upper case): for limits and look-ups."""
    normalised = "".join((value or "").split()).upper()
    if not normalised:
        return ""
    return hmac.new(hash_key(), normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, head: int = 3, tail: int = 4) -> str:
    """``440106199001011234`` → ``440***********1234``: the first ``head`` and the last ``tail``
    characters, a star for each one in between. A value too short to keep both ends keeps only its
    first character."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= head + tail:
        return value[:1] + "*" * (len(value) - 1) if len(value) > 1 else "*"
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_number(value: str) -> str:
    """Identity documents: ``440106********1234`` for an 18-character number, fewer kept of shorter ones."""
    value = (value or "").strip()
    if len(value) >= 15:
        return mask(value, 6, 4)
    return mask(value, 2, 2)


def mask_phone(value: str) -> str:
    """``138****8000``; ``+852****4567`` (a number with its country code keeps ``+`` and three digits)."""
    value = (value or "").strip()
    if value.startswith("+"):
        return mask(value, 4, 4)
    return mask(value, 3, 4)


class EncryptedTextField(models.TextField):
    """A text value stored as a Fernet token; read back in clear. It cannot be filtered on: store a
    ``keyed_hash`` beside it for look-ups."""

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull", "exact"):
            return None
        return super().get_lookup(lookup_name)


class ObjectorDataMixin:
    """An objector's identity number and phone (``id_number`` and ``phone``, encrypted fields), each with its keyed
    hash (``id_number_hash``, ``phone_hash``) kept beside it on every save, for limits and look-ups; shown masked."""

    def save(self, *args, **kwargs):
        # The hashes are derived from the values they stand for, always together with them.
        self.id_number_hash = keyed_hash(self.id_number)
        self.phone_hash = keyed_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ({"id_number", "phone"} & set(update_fields)):
            kwargs["update_fields"] = {*update_fields, "id_number_hash", "phone_hash"}
        super().save(*args, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


def encrypted_fields():
    """(model, [field names]) for every model with an encrypted field."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names
