"""Every change of state in the review, one function each (see city.py and experts.py)."""

from review.services.city import *  # noqa: F403
from review.services.experts import *  # noqa: F403
