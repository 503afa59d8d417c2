"""``{% load workflow %}``: templates ask the workflow, never compare state strings.

    {% actions_for application as actions %}
    {% for action in actions %}<a class="btn {{ action.css }}" href="{{ action.url }}">{{ action.label }}</a>
    {% endfor %}
    {% if application|in_group:"editable" %}…{% endif %}
    {% can application "approve" as may_approve %}
    {% if task.sheet_status|state_in:"score_sheet.submitted" %}…{% endif %}   (a state read without its object)
"""

from django import template

from portal.workflow import actions

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True, name="actions_for")
def actions_for_tag(context, obj):
    return actions.actions_for(_user(context), obj) if obj is not None else []


@register.simple_tag(takes_context=True)
def can(context, obj, name):
    return obj is not None and actions.can(_user(context), obj, name)


@register.filter
def in_group(obj, group):
    return obj is not None and actions.in_group(obj, group)


@register.filter
def state_in(state, object_group):
    """Is the state string (an annotation, without its object) in ``"object_key.group"`` of any programme?"""
    object_key, group = object_group.split(".")
    return state in actions.states_in_group(object_key, group)
