"""Check characters of Chinese identifiers.

- 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a
  31-character alphabet; the last one is a check character over the first 17.
- 居民身份证号码 (resident ID number), GB 11643-1999: 17 digits and a check digit or X.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_RE = re.compile(rf"^[{CREDIT_CODE_ALPHABET}]{{18}}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def credit_code_check_character(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=False))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    if not isinstance(value, str) or not _CREDIT_CODE_RE.match(value):
        return False
    return credit_code_check_character(value[:17]) == value[17]


def validate_credit_code(value: str) -> None:
    if not isinstance(value, str) or len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="credit_code_length"
        )
    if not _CREDIT_CODE_RE.match(value):
        raise ValidationError(
            _(
                "A unified social credit code uses only digits and capital letters "
                "other than I, O, S, V and Z."
            ),
            code="credit_code_alphabet",
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong; please check it."),
            code="credit_code_check",
        )


def id_number_check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=False))
    return ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    if not isinstance(value, str) or not _ID_RE.match(value):
        return False
    return id_number_check_character(value[:17]) == value[17]


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(
            _("This resident ID number is not valid (18 characters, check character wrong?)."),
            code="id_number",
        )


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits) or a landline with area code (020-12345678)."""
    compact = value.replace(" ", "")
    if not (MOBILE_RE.match(compact) or LANDLINE_RE.match(compact)):
        raise ValidationError(
            _("Enter a mainland mobile number (11 digits) or a landline with area code, e.g. 020-83331234."),
            code="phone",
        )


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value.replace(" ", "")):
        raise ValidationError(_("Enter a mainland mobile number of 11 digits."), code="mobile")


# --- identity documents of people with or without a mainland resident ID -------------------------

IDENTITY_FORMATS = {
    # 港澳居民来往内地通行证: H (Hong Kong) or M (Macao) and 8 digits (10 on cards issued before 2013).
    "hk_macao_permit": (re.compile(r"^[HM](\d{8}|\d{10})$"),
                        _("A Mainland Travel Permit for Hong Kong and Macao Residents is H or M followed by 8 "
                          "(or 10) digits, e.g. H12345678.")),
    # 台湾居民来往大陆通行证: 8 digits (10 digits on the booklet issued before 2015).
    "taiwan_permit": (re.compile(r"^(\d{8}|\d{10})$"),
                      _("A Mainland Travel Permit for Taiwan Residents number has 8 (or 10) digits.")),
    # 护照: 5 to 17 letters and digits, at least one digit (formats differ between countries).
    "passport": (re.compile(r"^(?=.*\d)[A-Z0-9]{5,17}$"),
                 _("A passport number has 5 to 17 letters and digits.")),
}


def normalize_identity_document(kind: str, value: str) -> str:
    """The number of an identity document of the given kind, normalised (upper case, no spaces or hyphens);
    ValidationError naming the expected format when it does not match."""
    compact = "".join((value or "").split()).replace("-", "").upper()
    if kind == "resident_id":
        if not is_valid_id_number(compact):
            raise ValidationError(_("This resident ID number is not valid (18 characters, check character wrong?)."),
                                  code="id_number")
    elif kind == "credit_code":
        if not is_valid_credit_code(compact):
            raise ValidationError(_("This unified social credit code is not valid (check the last character)."),
                                  code="credit_code")
    elif kind in IDENTITY_FORMATS:
        pattern, message = IDENTITY_FORMATS[kind]
        if not pattern.match(compact):
            raise ValidationError(message, code=kind)
    else:
        raise ValidationError(_("Choose the type of identity document."), code="id_type")
    return compact


INTERNATIONAL_RE = re.compile(r"^\+([1-9]\d{0,3})(\d{4,14})$")


def normalize_mobile(value: str) -> str:
    """A mainland mobile number (11 digits, also written +86 …) or, for others, a number with its country
    code: ``+852 9123 4567`` → ``+85291234567`` (E.164, 8 to 15 digits)."""
    compact = "".join((value or "").split()).replace("-", "").replace("(", "").replace(")", "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+86"):
        compact = compact[3:]
    if MOBILE_RE.match(compact):
        return compact
    digits = compact[1:]
    if compact.startswith("+") and INTERNATIONAL_RE.match(compact) and 8 <= len(digits) <= 15:
        return compact
    raise ValidationError(_("Enter a mainland mobile number of 11 digits, or a number with its country code, "
                            "e.g. +852 9123 4567."), code="mobile")
