"""Django's own messages that the portal words differently in Chinese (its catalogue comes first):
"Email" left in English, "一个有效的" translated word for word. Listed here so that makemessages keeps them."""

from django.utils.translation import gettext_noop

DJANGO_MESSAGES = [
    gettext_noop("Enter a valid email address."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid URL."),
]
