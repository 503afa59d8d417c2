"""Who sees the statistics: the dashboard is for the organisers' officers (their departments' bases) and the
city commerce bureaus (their city's bases, read-only); a base's page also for its park (its own base only),
with the predicates of ``bases.rules``. The public sees nothing of it; only an organiser exports."""

import rules

from bases.rules import is_city_of_base, is_organiser_of_base, is_park_of_base
from portal.accounts.rules import is_city_reviewer, is_provincial_officer

rules.add_perm("monitoring.view_dashboard", is_provincial_officer | is_city_reviewer)
rules.add_perm("monitoring.view_base", is_organiser_of_base | is_park_of_base | is_city_of_base)
rules.add_perm("monitoring.export_reports", is_provincial_officer)
