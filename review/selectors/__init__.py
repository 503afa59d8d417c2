"""Read paths of the review (see city.py and experts.py)."""

from review.selectors.city import *  # noqa: F403
from review.selectors.experts import *  # noqa: F403
