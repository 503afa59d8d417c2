from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "portal.documents"
    label = "documents"
    verbose_name = _("Official documents")

    def ready(self):
        checks.register(check_cjk_fonts)


def check_cjk_fonts(app_configs=None, **kwargs):
    """documents.E001: no CJK font installed for the PDFs (they would refuse to render)."""
    from portal.documents.fonts import PACKAGE_HINT, missing_fonts

    problems = missing_fonts()
    if not problems:
        return []
    return [checks.Error(
        "No CJK font is installed for the portal's PDF documents: " + "; ".join(problems) + ".",
        hint=f"Install the Noto CJK fonts ({PACKAGE_HINT}); PDFs refuse to render until then.",
        id="documents.E001",
    )]
