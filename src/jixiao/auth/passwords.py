"""Password hashing (argon2id through pwdlib) and the passwords jixiao makes up itself."""

from __future__ import annotations

import secrets
from functools import lru_cache

MIN_LENGTH = 10
# no 0/O, 1/l/I: the first administrator's password is read off a terminal and typed again
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@lru_cache(maxsize=1)
def _hasher():
    from pwdlib import PasswordHash

    return PasswordHash.recommended()  # argon2id with pwdlib's current parameters


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, hashed: str) -> bool:
    try:
        return _hasher().verify(password, hashed)
    except Exception:  # noqa: BLE001 - a malformed stored hash is a failed login, not a 500
        return False


# verifying against this when the user does not exist costs the same time as a real check, so the
# response time does not tell which user names exist
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def make_password(length: int = 16) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def weak_reason(password: str) -> str | None:
    """Why a chosen password is refused (Chinese), or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if len(set(password)) < 4:
        return "密码过于简单"
    return None
