"""The curator credential: a salted scrypt hash (stdlib hashlib), checked in constant time.

The hash, never the password, is configured: `QZ_CURATOR_PASSWORD_HASH` in the environment or
`curator_password_hash` in Streamlit's secrets. Make one with `python -m mapapp curate hash-password`.
Format: `scrypt$<n>$<r>$<p>$<salt base64>$<hash base64>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 12
_MAX_N = 2**20  # refuse configured costs that would let a bad hash exhaust memory


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"the password has {len(password)} characters; expected at least {MIN_PASSWORD_CHARS}")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def is_valid_hash(configured: str) -> bool:
    return _parse(configured) is not None


def verify_password(password: str, configured: str) -> bool:
    """True only if `configured` is a well-formed hash and `password` matches it (constant-time compare)."""
    parsed = _parse(configured)
    if parsed is None:
        return False
    n, r, p, salt, expected = parsed
    actual = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected), maxmem=256 * 1024 * 1024
    )
    return hmac.compare_digest(actual, expected)


def _parse(configured: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = (configured or "").strip().split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not (2 <= n <= _MAX_N and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and salt and len(expected) >= 16):
        return None
    return n, r, p, salt, expected
