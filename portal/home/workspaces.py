"""Each role's workspace: where its users land after signing in."""

from dataclasses import dataclass

import rules
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role


@dataclass(frozen=True)
class Workspace:
    key: str
    title: str
    rule: str
    roles: tuple[str, ...]

    @property
    def url_name(self) -> str:
        return f"workspace-{self.key}"


WORKSPACES: tuple[Workspace, ...] = (
    Workspace("park", _("My applications"), "workspace.park", (Role.PARK_ADMIN,)),
    Workspace("city", _("Preliminary review"), "workspace.city", (Role.CITY_REVIEWER,)),
    Workspace("coreview", _("Joint review"), "workspace.coreview",
              (Role.CITY_COREVIEWER, Role.PROVINCIAL_COREVIEWER)),
    Workspace("province", _("Review organisation"), "workspace.province",
              (Role.PROVINCIAL_OFFICER,)),
    Workspace("expert", _("My review tasks"), "workspace.expert", (Role.EXPERT,)),
    Workspace("system", _("System administration"), "workspace.system", (Role.SYSADMIN,)),
    Workspace("enterprise", _("My fund applications"), "workspace.enterprise", (Role.ENTERPRISE_APPLICANT,)),
    Workspace("district", _("District preliminary review"), "workspace.district", (Role.DISTRICT_REVIEWER,)),
    Workspace("fund", _("Service-trade fund"), "workspace.fund", (Role.FUND_OFFICER,)),
)
WORKSPACES_BY_KEY = {w.key: w for w in WORKSPACES}


def workspaces_for(user) -> list[Workspace]:
    if not user.is_authenticated:
        return []
    return [w for w in WORKSPACES if rules.test_rule(w.rule, user)]


# Panels that apps add to a workspace or to the public home page (registered in AppConfig.ready),
# so that the shared core imports none of the apps. A panel takes the request and returns HTML.
PANELS: dict[str, list] = {}


def register_panel(key: str, panel) -> None:
    PANELS.setdefault(key, [])
    if panel not in PANELS[key]:
        PANELS[key].append(panel)


def render_panels(key: str, request, **context) -> list[str]:
    return [html for html in (panel(request, **context) for panel in PANELS.get(key, [])) if html]
