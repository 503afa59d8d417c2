"""The call's documents (the notice, the 编制指南): managed by the organiser, downloaded from the call page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import services
from applications.models import Call, CallDocument
from applications.views import CONTENT_TYPES


class CallDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CallDocument.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False,
                            help_text=gettext_lazy("Leave empty to use the file name."))
    file = forms.FileField(label=gettext_lazy("File"), help_text=gettext_lazy("PDF, OFD, DOC(X) or XLS(X)."))


def _managed_call(request, pk: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser"), pk=pk)
    if not request.user.has_perm("applications.manage_call", call):
        raise Http404
    return call


@login_required
def call_documents(request, pk: int):
    call = _managed_call(request, pk)
    form = CallDocumentForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("_action") == "remove":
            document = get_object_or_404(CallDocument, pk=request.POST.get("document") or 0, call=call)
            services.remove_call_document(document=document, user=request.user, request=request)
            messages.success(request, _("The document is removed."))
            return redirect("applications:call-documents", pk=call.pk)
        form = CallDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.add_call_document(call=call, user=request.user, uploaded_file=form.cleaned_data["file"],
                                           kind=form.cleaned_data["kind"], title=form.cleaned_data["title"],
                                           request=request)
            except ValidationError as exc:
                form.add_error("file" if not hasattr(exc, "error_dict") else None, exc)
                status = 400
            else:
                messages.success(request, _("The document is published on the call's page."))
                return redirect("applications:call-documents", pk=call.pk)
        else:
            status = 400
    return render(request, "applications/call_documents.html", {
        "call": call, "documents": call.documents.all(), "form": form}, status=status)


def call_document(request, pk: int, document_pk: int):
    """Anyone may download the documents of a call that is not a draft; the organiser always."""
    document = get_object_or_404(CallDocument.objects.select_related("call"), pk=document_pk, call_id=pk)
    if document.call.status == Call.Status.DRAFT and not request.user.has_perm(
            "applications.manage_call", document.call):
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=CONTENT_TYPES.get(document.file_kind, "application/octet-stream"))
