"""The curator credential (salted scrypt, constant-time compare) and the sliding-window limiter."""

from __future__ import annotations

import pytest

from mapapp.curation.credentials import hash_password, is_valid_hash, verify_password


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
