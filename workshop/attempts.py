"""How many wrong secrets a client may try: back-off after each, a lock-out after too many.

`AttemptLimiter` counts failed attempts per key — the store passes one key per browser session
and one per client address, so neither a new session nor many sessions from one address get
past it. After the k-th failure within the window the next try must wait 2^(k−1) s (1 s, 2 s,
4 s, …); at `max_attempts` failures the key is locked for `lockout_seconds`. A correct secret
clears the keys it came with. Failures older than the lock-out window are forgotten. Every
failure and every lock-out is logged (the key, never the secret tried).

Thread-safe (Streamlit runs sessions in threads of one process); memory is bounded (at most
`MAX_KEYS` keys, the stalest dropped first). No Streamlit in here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MAX_KEYS = 10_000


def _now() -> float:
    return time.monotonic()


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


@dataclass(frozen=True)
class Refusal:
    """Why a try is refused before the secret is even compared."""

    locked: bool  # True: locked out; False: still waiting after the last failure
    seconds: float


class AttemptLimiter:
    def __init__(self, max_attempts: int, lockout_seconds: float, name: str = "secret"):
        self.max_attempts = max(1, int(max_attempts))
        self.lockout_seconds = float(lockout_seconds)
        self.name = name
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def refusal(self, keys: Sequence[str]) -> Refusal | None:
        """A reason to refuse a try now (the longest of its keys'), or None."""
        now = _now()
        worst: Refusal | None = None
        with self._lock:
            for key in keys:
                record = self._records.get(key)
                if record is None:
                    continue
                self._forget_old(record, now)
                if record.locked_until > now:
                    candidate = Refusal(True, record.locked_until - now)
                elif record.failures:
                    wait = record.failures[-1] + 2 ** (len(record.failures) - 1) - now
                    candidate = Refusal(False, wait) if wait > 0 else None
                else:
                    candidate = None
                if candidate and (worst is None or (candidate.locked, candidate.seconds) > (worst.locked, worst.seconds)):
                    worst = candidate
        return worst

    def failed(self, keys: Sequence[str]) -> None:
        """Record a wrong secret for every key; lock the keys that reached the limit."""
        now = _now()
        with self._lock:
            if len(self._records) > MAX_KEYS:
                self._prune(now)
            for key in keys:
                record = self._records.setdefault(key, _Record())
                self._forget_old(record, now)
                record.failures.append(now)
                log.warning("wrong %s from %s (%d of %d)", self.name, key, len(record.failures), self.max_attempts)
                if len(record.failures) >= self.max_attempts:
                    record.locked_until = now + self.lockout_seconds
                    log.warning("%s locked out for %.0f min after %d wrong %ss", key, self.lockout_seconds / 60,
                                len(record.failures), self.name)

    def succeeded(self, keys: Sequence[str]) -> None:
        """A correct secret: the keys it came with start afresh (a lock-out still stands)."""
        with self._lock:
            for key in keys:
                record = self._records.get(key)
                if record is not None and record.locked_until <= _now():
                    del self._records[key]

    def _forget_old(self, record: _Record, now: float) -> None:
        record.failures = [moment for moment in record.failures if now - moment < self.lockout_seconds]

    def _prune(self, now: float) -> None:
        for key in [key for key, record in self._records.items()
                    if record.locked_until <= now and all(now - m >= self.lockout_seconds for m in record.failures)]:
            del self._records[key]
        while len(self._records) > MAX_KEYS:
            stalest = min(self._records, key=lambda k: max(self._records[k].failures, default=0.0))
            del self._records[stalest]
