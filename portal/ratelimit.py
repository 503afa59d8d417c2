"""Fixed-window counters in the cache (Redis in production), shared by every limit of the portal."""

from django.core.cache import cache
from django.utils import timezone


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def hit(key: str, limit: int, seconds: int) -> None:
    """Count one use of ``key`` in a window of ``seconds``; RateLimited beyond ``limit``."""
    window = int(timezone.now().timestamp()) // seconds
    full_key = f"ratelimit:{key}:{window}"
    cache.add(full_key, 0, seconds + 5)
    try:
        count = cache.incr(full_key)
    except ValueError:
        cache.set(full_key, 1, seconds + 5)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=(window + 1) * seconds - int(timezone.now().timestamp()))
