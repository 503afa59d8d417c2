"""The check that a person, not a script, fills a public form (人机验证).

Two ways, either accepted: the image captcha of django-simple-captcha (with a refresh button), and, for
whoever cannot read the image, an arithmetic question in plain text (no audio needed). Both are one-time:
the image's key is deleted when tried, the question's answer is kept in the cache once and removed when
tried, right or wrong.
"""

import secrets

from django import forms
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUESTION_SECONDS = 15 * 60
_SALT = "portal.humancheck.arithmetic"
_NUMBERS = "零一二三四五六七八九十"


def new_question() -> tuple[str, str]:
    """(question, signed token): the sum of two numbers from 1 to 9, written in Chinese numerals."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(16)
    cache.set(f"humancheck:{nonce}", a + b, QUESTION_SECONDS)
    question = _("What is %(a)s plus %(b)s? Answer in digits.") % {"a": _NUMBERS[a], "b": _NUMBERS[b]}
    return question, signing.dumps(nonce, salt=_SALT)


def check_answer(token: str, answer: str) -> bool:
    try:
        nonce = signing.loads(token or "", salt=_SALT, max_age=QUESTION_SECONDS)
    except signing.BadSignature:
        return False
    expected = cache.get(f"humancheck:{nonce}")
    cache.delete(f"humancheck:{nonce}")
    return expected is not None and (answer or "").strip() == str(expected)


class HumanCheckMixin:
    """Adds the two ways of proving a person to a form when ``human_check`` is true; ``self.human_verified``
    tells whether one of them passed."""

    human_verified = False

    def add_human_check(self, enabled: bool) -> None:
        self.human_check = enabled
        if not enabled:
            return
        from captcha.fields import CaptchaField

        self.fields["captcha"] = CaptchaField(label=gettext_lazy("Characters in the image"), required=False,
                                              error_messages={"invalid": gettext_lazy(
                                                  "The characters do not match the image; a new image is shown.")})
        question, token = new_question()
        self.fields["arithmetic_answer"] = forms.CharField(label=question, required=False, max_length=4)
        self.fields["arithmetic_token"] = forms.CharField(widget=forms.HiddenInput, required=False)
        # A new question on every display (the old one is used up when tried).
        self.initial["arithmetic_token"] = token
        if self.is_bound:
            data = self.data.copy()
            self._submitted_token = data.get("arithmetic_token", "")
            data["arithmetic_token"] = token
            self.data = data

    def clean_human_check(self, cleaned: dict) -> None:
        if not getattr(self, "human_check", False):
            return
        answer = (cleaned.get("arithmetic_answer") or "").strip()
        image = cleaned.get("captcha")
        image_answered = bool(image) and bool((self.data.get("captcha_1") or "").strip())
        if "captcha" in self.errors:
            return
        if image_answered:
            self.human_verified = True
        elif answer and check_answer(getattr(self, "_submitted_token", ""), answer):
            self.human_verified = True
        elif answer:
            self.add_error("arithmetic_answer", _("The answer is not right; please answer the new question."))
        else:
            self.add_error("captcha", _("Several objections came from your network in the last hour: type the "
                                        "characters in the image, or answer the arithmetic question."))
