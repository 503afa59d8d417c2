"""Fixed-window counters in the ``limits`` cache (its own Redis database in production), shared by every limit
of the portal: objections, status look-ups, password-reset requests."""

from django.core.cache import caches
from django.utils import timezone


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def hit(key: str, limit: int, seconds: int) -> None:
    """Count one use of ``key`` in a window of ``seconds``; RateLimited beyond ``limit``."""
    window = int(timezone.now().timestamp()) // seconds
    full_key = f"ratelimit:{key}:{window}"
    limits = caches["limits"]  # its own Redis database in production (LIMITS_REDIS_URL)
    limits.add(full_key, 0, seconds + 5)
    try:
        count = limits.incr(full_key)
    except ValueError:
        limits.set(full_key, 1, seconds + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=(window + 1) * seconds - int(timezone.now().timestamp()))
