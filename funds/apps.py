from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    """The service-trade fund programme (珠海市内外经贸发展专项资金（服务贸易发展事项）, seed 004)."""

    name = "funds"
    verbose_name = _("Service-trade fund")

    def ready(self):
        from applications import programmes
        from funds import panels, spec, workflow_hooks  # noqa: F401 - registers the definition's guards and audiences
        from funds.selectors import objections_past_retention
        from portal.home.workspaces import register_panel
        from publicity.services import register_retention

        programmes.register(spec.SPEC)
        register_retention(objections_past_retention, group="plan")  # the online objectors' numbers
        register_panel("enterprise", panels.enterprise_panel)
        register_panel("district", panels.district_panel)
        register_panel("fund", panels.fund_officer_panel)
        register_panel("application", panels.application_panel)
