"""Who may manage a call's public notice (公示) and its objections (异议), and who may file one."""

import rules

from applications.rules import is_organiser_of_call


@rules.predicate
def is_organiser_of_notice(user, notice) -> bool:
    return notice is not None and is_organiser_of_call(user, notice.call)


@rules.predicate
def is_organiser_of_objection(user, objection) -> bool:
    """The officers of the call whose notice the objection is about."""
    return objection is not None and is_organiser_of_notice(user, objection.notice)


@rules.predicate
def notice_window_open(user, objection) -> bool:
    """The objection's notice receives objections now (published, within its window): anyone may file one, signed
    in or not."""
    from publicity.services import window_state

    return objection is not None and window_state(objection.notice) == "open"


rules.add_perm("publicity.manage_notice", is_organiser_of_notice)
rules.add_perm("publicity.handle_objection", is_organiser_of_objection)
rules.add_perm("publicity.file_objection", notice_window_open)
