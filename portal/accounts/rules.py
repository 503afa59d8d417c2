"""Predicates on who a user is. Object-level rules of the other apps combine these."""

import rules

from portal.accounts.models import Role
from portal.accounts.selectors import roles_of


def has_role(role: str):
    @rules.predicate(name=f"has_role:{role}")
    def predicate(user) -> bool:
        return role in roles_of(user)

    return predicate


is_park_admin = has_role(Role.PARK_ADMIN)
is_city_reviewer = has_role(Role.CITY_REVIEWER)
is_city_coreviewer = has_role(Role.CITY_COREVIEWER)
is_provincial_officer = has_role(Role.PROVINCIAL_OFFICER)
is_provincial_coreviewer = has_role(Role.PROVINCIAL_COREVIEWER)
is_expert = has_role(Role.EXPERT)
is_sysadmin = has_role(Role.SYSADMIN) | rules.is_superuser
is_enterprise_applicant = has_role(Role.ENTERPRISE_APPLICANT)
is_district_reviewer = has_role(Role.DISTRICT_REVIEWER)
is_fund_officer = has_role(Role.FUND_OFFICER)

# Workspaces are rules, not permissions: a superuser does not get every role's workspace.
rules.add_rule("workspace.park", is_park_admin)
rules.add_rule("workspace.city", is_city_reviewer)
rules.add_rule("workspace.coreview", is_city_coreviewer | is_provincial_coreviewer)
rules.add_rule("workspace.province", is_provincial_officer)
rules.add_rule("workspace.expert", is_expert)
rules.add_rule("workspace.system", is_sysadmin)
rules.add_rule("workspace.enterprise", is_enterprise_applicant)
rules.add_rule("workspace.district", is_district_reviewer)
rules.add_rule("workspace.fund", is_fund_officer)
rules.add_perm("portal.view_audit_history", is_provincial_officer | is_sysadmin)
rules.add_perm("portal.system_administration", is_sysadmin)
