"""The hash chain of the audit log (审计日志哈希链): computed here and nowhere else.

Each event stores ``prev_hash`` (the ``entry_hash`` of the event before it, or GENESIS for the first) and
``entry_hash``, the SHA-256 of its own content together with ``prev_hash``. Changing, removing or inserting
an event in the middle breaks the link after it. New events are appended under a transaction-level
PostgreSQL advisory lock, so that concurrent transactions never read the same head and fork the chain.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection

GENESIS = "0" * 64
# Any constant shared by every writer of the audit log: the key of the advisory lock.
_LOCK_KEY = 0x61756469  # "audi"
CHAIN_FIELDS = ("id", "actor_id", "organization_id", "verb", "target_type_id", "target_id", "target_repr", "data",
                "ip_address", "created_at", "prev_hash", "entry_hash")


def _canonical(value):
    """JSON as PostgreSQL's jsonb gives it back: integral floats read back as integers."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def entry_hash(*, prev_hash: str, actor_id, organization_id, verb: str, target_type_id, target_id: str,
               target_repr: str, data, ip_address, created_at) -> str:
    content = {
        "prev": prev_hash,
        "actor": actor_id,
        "organization": organization_id,
        "verb": verb,
        "target_type": target_type_id,
        "target_id": target_id,
        "target_repr": target_repr,
        "data": _canonical(data or {}),
        "ip": ip_address or None,
        "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def hash_of_row(row: dict, prev_hash: str | None = None) -> str:
    return entry_hash(prev_hash=row["prev_hash"] if prev_hash is None else prev_hash, actor_id=row["actor_id"],
                      organization_id=row["organization_id"], verb=row["verb"],
                      target_type_id=row["target_type_id"], target_id=row["target_id"],
                      target_repr=row["target_repr"], data=row["data"], ip_address=row["ip_address"],
                      created_at=row["created_at"])


def lock_chain() -> None:
    """Serialise appends until the end of the current transaction (PostgreSQL; SQLite serialises writes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def current_head() -> str:
    from portal.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-id").values_list("entry_hash", flat=True).first() or GENESIS


@dataclass
class BrokenLink:
    event_id: int
    verb: str
    created_at: object
    reason: str

    def __str__(self) -> str:
        return f"event #{self.event_id} ({self.created_at:%Y-%m-%d %H:%M:%S} {self.verb}): {self.reason}"


@dataclass
class ChainReport:
    events: int
    head_id: int | None
    head_hash: str
    broken: BrokenLink | None


def verify_chain(rows=None) -> ChainReport:
    """Walk the whole log in order; the first broken link, if any."""
    from portal.audit.models import AuditEvent

    if rows is None:
        rows = AuditEvent.objects.order_by("id").values(*CHAIN_FIELDS).iterator(chunk_size=2000)
    expected_prev, count, last_id = GENESIS, 0, None
    for row in rows:
        count += 1
        if row["prev_hash"] != expected_prev:
            reason = ("does not follow the event before it (an event was removed, inserted or changed before it)"
                      if last_id is not None else "is not the start of the chain")
            return ChainReport(count, last_id, expected_prev, BrokenLink(row["id"], row["verb"], row["created_at"],
                                                                        reason))
        if hash_of_row(row) != row["entry_hash"]:
            return ChainReport(count, last_id, expected_prev, BrokenLink(
                row["id"], row["verb"], row["created_at"], "its content does not match its hash (changed)"))
        expected_prev, last_id = row["entry_hash"], row["id"]
    return ChainReport(count, last_id, expected_prev, None)
