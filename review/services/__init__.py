"""Every change of state in the review, one function each, by domain: the city's preliminary review and
recommendation (city), the province's formal check (formal_check), the expert pool (pool), conflicts and
assignment (assignment), rubric, sheets and ranking (scoring), panel opinions and the candidate list
(candidates)."""

from review.services.assignment import *  # noqa: F403
from review.services.candidates import *  # noqa: F403
from review.services.city import *  # noqa: F403
from review.services.formal_check import *  # noqa: F403
from review.services.pool import *  # noqa: F403
from review.services.scoring import *  # noqa: F403
