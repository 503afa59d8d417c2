"""Who may start and run a re-review round and who reads a base's re-review.

The organiser of the round's call runs it (its provincial officers); the park of a base reads that base's outcome
and the history of its re-review (as a park audience: never an expert's name); experts reach only the bases
assigned to them, through review's own task pages and rules."""

import rules

from applications.rules import is_organiser_of_call, is_park_member
from portal.accounts.rules import is_provincial_officer


@rules.predicate
def is_organiser_of_round(user, rnd) -> bool:
    return rnd is not None and is_organiser_of_call(user, rnd.call)


@rules.predicate
def is_organiser_of_item(user, item) -> bool:
    return item is not None and is_organiser_of_call(user, item.round.call)


@rules.predicate
def is_park_of_item(user, item) -> bool:
    return item is not None and is_park_member(user, item.application)


rules.add_perm("rereview.start_round", is_provincial_officer)
rules.add_perm("rereview.manage_round", is_organiser_of_round)
rules.add_perm("rereview.view_item", is_organiser_of_item | is_park_of_item)
