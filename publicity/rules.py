"""Who may manage a call's public notice (公示)."""

import rules

from applications.rules import is_organiser_of_call


@rules.predicate
def is_organiser_of_notice(user, notice) -> bool:
    return notice is not None and is_organiser_of_call(user, notice.call)


rules.add_perm("publicity.manage_notice", is_organiser_of_notice)
