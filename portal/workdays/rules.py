"""Who keeps the working-day calendar: the organisers' officers and the system administrators."""

import rules

from portal.accounts.rules import is_provincial_officer, is_sysadmin

rules.add_perm("workdays.manage_calendar", is_provincial_officer | is_sysadmin)
