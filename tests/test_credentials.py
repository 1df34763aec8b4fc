"""The curator credential (salted scrypt, constant-time compare) and the sliding-window limiter."""

from __future__ import annotations

import pytest

from mapapp.curation.credentials import hash_password, is_valid_hash, verify_password
from mapapp.curation.ratelimit import RateLimiter


def test_a_hash_verifies_its_password_only():
    configured = hash_password("correct horse battery")
    assert verify_password("correct horse battery", configured)
    assert not verify_password("correct horse batterY", configured)
    assert not verify_password("", configured)
    assert hash_password("correct horse battery") != configured  # salted


@pytest.mark.parametrize(
    "configured",
    ["", "plain-text-password", "scrypt$3$8$1$c2FsdA==$aGFzaA==", "scrypt$16384$8$1$!!$!!", "md5$x$y$z$a$b"],
)
def test_a_missing_or_malformed_hash_lets_nobody_in(configured):
    assert not is_valid_hash(configured)
    assert not verify_password("plain-text-password", configured)


def test_short_passwords_are_refused():
    with pytest.raises(ValueError, match="expected at least 12"):
        hash_password("short")


def test_the_limiter_counts_per_key_and_in_total_and_forgets_after_the_window():
    now = [0.0]
    limiter = RateLimiter(per_key=2, total=3, window_s=60, clock=lambda: now[0])
    limiter.record("a")
    limiter.record("a")
    assert not limiter.allows("a") and limiter.allows("b")
    assert limiter.retry_after_s("a") == 60
    limiter.record("b")
    assert not limiter.allows("c")  # three events in total
    now[0] = 61
    assert limiter.allows("a") and limiter.allows("c") and limiter.retry_after_s("a") == 0
