"""python manage.py export_dossier APPLICATION_ID --format docx|pdf --out PATH"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from applications.exports import render_docx, render_pdf
from applications.models import Application
from portal.audit.services import record_event

RENDERERS = {"docx": render_docx, "pdf": render_pdf}


class Command(BaseCommand):
    help = "Write the Word or PDF dossier of an application's latest submitted version."

    def add_arguments(self, parser):
        parser.add_argument("application_id", type=int, help="The application's id.")
        parser.add_argument("--format", required=True, choices=sorted(RENDERERS), dest="fmt",
                            help="docx (Word) or pdf.")
        parser.add_argument("--out", required=True, help="The file to write (overwritten).")

    def handle(self, *args, application_id: int, fmt: str, out: str, **options):
        application = (
            Application.objects.select_related("call", "park", "park__region")
            .filter(pk=application_id).first()
        )
        if application is None:
            raise CommandError(_("Application %(id)s does not exist.") % {"id": application_id})
        version = application.versions.order_by("-number").first()
        if version is None:
            raise CommandError(
                _("Application %(id)s has no submitted version: only a submitted dossier can be exported.")
                % {"id": application_id}
            )
        version.application = application  # already loaded with its call and park
        content = RENDERERS[fmt](version)
        path = Path(out)
        try:
            path.write_bytes(content)
        except OSError as error:
            message = _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error}
            raise CommandError(message) from error
        # A read of private material: logged like a download (no user: the server's operator).
        record_event(verb="application.dossier_exported", target=application, organization=application.park,
                     data={"format": fmt, "version": version.number, "via": "export_dossier",
                           "path": str(path.resolve())})
        self.stdout.write(self.style.SUCCESS(
            f"{path}: {fmt}, version {version.number} of application {application.pk}, {len(content)} bytes"
        ))
