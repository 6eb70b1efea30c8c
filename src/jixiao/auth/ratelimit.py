"""Login rate limit: at most MAX_FAILURES failed logins per (user name, client address) in WINDOW seconds.

Kept in memory, per worker process: with N uvicorn workers a client gets at most N × MAX_FAILURES tries per
window, still far too few to guess a password, and nothing to set up. A successful login clears the count."""

from __future__ import annotations

import threading
import time
from collections import deque

MAX_FAILURES = 5
WINDOW = 300.0
_MAX_KEYS = 100_000


class LoginLimiter:
    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW, clock=time.monotonic) -> None:
        self.max_failures = max_failures
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._reported: dict[tuple[str, str], float] = {}  # key → the lockout (its oldest failure) last reported
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        q = self._failures.get(key)
        if q is None:
            return deque()
        cutoff = self.clock() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        if not q:
            self._failures.pop(key, None)
        return q

    def retry_after(self, user: str, client: str) -> int:
        """Seconds until this user may try again from this client; 0 when a try is allowed now."""
        with self._lock:
            q = self._recent((user, client))
            if len(q) < self.max_failures:
                return 0
            return max(1, int(q[0] + self.window - self.clock()) + 1)

    def first_refusal(self, user: str, client: str) -> bool:
        """True for the first refused try of a lockout, False for the rest of it: the audit log records each
        lockout once, so a client hammering a locked name cannot grow the log by one row a request."""
        with self._lock:
            q = self._recent((user, client))
            if not q or self._reported.get((user, client)) == q[0]:
                return False
            if len(self._reported) >= _MAX_KEYS:
                self._reported.clear()
            self._reported[(user, client)] = q[0]
            return True

    def failed(self, user: str, client: str) -> None:
        with self._lock:
            if len(self._failures) >= _MAX_KEYS:  # a flood of made-up names must not grow memory without end
                self._failures.clear()
            self._failures.setdefault((user, client), deque()).append(self.clock())

    def succeeded(self, user: str, client: str) -> None:
        with self._lock:
            self._failures.pop((user, client), None)
