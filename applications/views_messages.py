"""The organiser's message templates of a call (邮件模板): each event's title and text, with the
placeholders it can use and a preview."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Call
from portal.notifications import services
from portal.notifications.events import EVENTS, EVENTS_BY_KEY, PLACEHOLDERS, fill, sample_context
from portal.notifications.models import MessageTemplate


class MessageTemplateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 8}))


def _managed_call(request, pk: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser"), pk=pk)
    if not request.user.has_perm("applications.manage_call", call):
        raise Http404
    return call


@login_required
def message_templates(request, pk: int):
    call = _managed_call(request, pk)
    custom = {t.event: t for t in MessageTemplate.objects.filter(call_id=call.pk)}
    rows = [{"event": e, "template": custom.get(e.key),
             "title": custom[e.key].title if e.key in custom else str(e.title)} for e in EVENTS]
    return render(request, "applications/message_templates.html", {"call": call, "rows": rows})


@login_required
def message_template(request, pk: int, event: str):
    call = _managed_call(request, pk)
    definition = EVENTS_BY_KEY.get(event)
    if definition is None:
        raise Http404
    stored = MessageTemplate.objects.filter(call_id=call.pk, event=event).first()
    initial = {"title": stored.title if stored else str(definition.title),
               "body": stored.body if stored else str(definition.body)}
    form = MessageTemplateForm(initial=initial)
    preview = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("_action")
        if action == "reset":
            services.reset_template(user=request.user, call=call, event=event, request=request)
            messages.success(request, _("The default wording applies again."))
            return redirect("applications:call-message", pk=call.pk, event=event)
        form = MessageTemplateForm(request.POST)
        if form.is_valid():
            if action == "preview":
                values = {**sample_context(), "call": call.title}
                preview = {"title": fill(form.cleaned_data["title"], values),
                           "body": fill(form.cleaned_data["body"], values)}
            else:
                try:
                    services.save_template(user=request.user, call=call, event=event, request=request,
                                           title=form.cleaned_data["title"], body=form.cleaned_data["body"])
                except ValidationError as exc:
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                    status = 400
                else:
                    messages.success(request, _("The message template is saved."))
                    return redirect("applications:call-messages", pk=call.pk)
        else:
            status = 400
    placeholders = [(name, PLACEHOLDERS[name]) for name in definition.placeholders]
    return render(request, "applications/message_template.html", {
        "call": call, "event": definition, "form": form, "stored": stored, "preview": preview,
        "placeholders": placeholders}, status=status)
