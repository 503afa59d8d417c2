from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self):
        from portal.accounts import panels
        from portal.home.workspaces import register_panel

        register_panel("system", panels.system_panel)
