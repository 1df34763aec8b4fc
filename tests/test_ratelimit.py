"""Sign-in throttling: growing delays per client address and per account, kept in SQLite across
sessions, threads and processes; the curator gets in during and after an attack from other clients."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

from mapapp.curation.clientaddress import (
    TrustedProxies,
    client_address,
    trusted_proxies_from_env,
    trusted_proxies_from_text,
)
from mapapp.curation.ratelimit import DelaySchedule, SignInThrottle, account_key

ACCOUNT = account_key("scrypt$16384$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA==")
CLIENT = DelaySchedule(free=3, first_s=1.0, max_s=5.0)
ACCOUNT_SCHEDULE = DelaySchedule(free=5, first_s=0.5, max_s=4.0)


class FakeTime:
    """A clock that moves only when the throttle sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make_throttle(path, fake: FakeTime, **options) -> SignInThrottle:
    return SignInThrottle(path, clock=fake.clock, sleep=fake.sleep, **options)


def wrong() -> bool:
    return False


def right() -> bool:
    return True


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def test_the_schedule_is_free_at_first_then_doubles_up_to_its_cap():
    assert [CLIENT.delay_after(n) for n in range(9)] == [0, 0, 0, 1, 2, 4, 5, 5, 5]


def test_a_client_is_slowed_by_its_own_failures_and_others_are_not(tmp_path, fake):
    throttle = make_throttle(tmp_path / "s.sqlite3", fake)
    for _ in range(6):
        throttle.attempt(client="198.51.100.7", account=ACCOUNT, name="x", check=wrong)
    # six failures from one address: its next attempt waits, a fresh address only for the account's delay
    assert throttle.wait_s("198.51.100.7", "other-account") == pytest.approx(CLIENT.delay_after(6), abs=0.05)
    assert throttle.wait_s("203.0.113.5", "other-account") == 0
    assert 0 < throttle.wait_s("203.0.113.5", ACCOUNT) <= ACCOUNT_SCHEDULE.max_s
    assert sum(fake.slept) > 0  # the attacker's own attempts were held, not checked at once


def test_the_account_is_slowed_across_addresses(tmp_path, fake):
    throttle = make_throttle(tmp_path / "s.sqlite3", fake)
    for n in range(8):  # a different address each time: no client delay applies
        throttle.attempt(client=f"192.0.2.{n}", account=ACCOUNT, name="x", check=wrong)
    assert throttle.wait_s("192.0.2.200", ACCOUNT) == pytest.approx(ACCOUNT_SCHEDULE.delay_after(8), abs=0.05)


def test_an_attempt_is_held_for_its_turn_then_checked_never_locked_out(tmp_path, fake):
    throttle = make_throttle(tmp_path / "s.sqlite3", fake)
    for _ in range(30):  # a long attack from the curator's own address
        throttle.attempt(client="127.0.0.1", account=ACCOUNT, name="attacker", check=wrong)
    result = throttle.attempt(client="127.0.0.1", account=ACCOUNT, name="Ann", check=right)
    assert result.outcome == "signed-in"
    assert result.waited_s <= max(CLIENT.max_s, ACCOUNT_SCHEDULE.max_s) + 0.1
    # and a success clears the failures
    assert throttle.wait_s("127.0.0.1", ACCOUNT) == 0


def test_a_new_throttle_on_the_same_file_keeps_the_count(tmp_path, fake):
    """What a reload, a new browser session or another replica sees: the same file, the same delays."""
    path = tmp_path / "s.sqlite3"
    first = make_throttle(path, fake)
    for _ in range(5):
        first.attempt(client="198.51.100.7", account=ACCOUNT, name="x", check=wrong)
    waited = first.wait_s("198.51.100.7", ACCOUNT)
    first.close()
    again = make_throttle(path, fake)
    assert waited > 0 and again.wait_s("198.51.100.7", ACCOUNT) == pytest.approx(waited)


def _attack_from_another_process(path: str, rounds: int) -> None:
    throttle = SignInThrottle(path, max_hold_s=0.0)
    for _ in range(rounds):
        throttle.attempt(client="198.51.100.66", account=ACCOUNT, name="bot", check=lambda: False)


def test_another_process_sees_the_same_counts(tmp_path):
    path = tmp_path / "s.sqlite3"
    process = multiprocessing.get_context("spawn").Process(target=_attack_from_another_process, args=(str(path), 4))
    process.start()
    process.join(60)
    assert process.exitcode == 0
    here = SignInThrottle(path)
    outcomes = [r.outcome for r in here.recent()]
    assert outcomes.count("failed") == 3 and outcomes.count("throttled") == 1  # the 4th had to wait 1 s
    assert here.wait_s("198.51.100.66", "some-other-account") > 0


def test_too_long_a_wait_is_refused_with_when_to_come_back(tmp_path, fake):
    throttle = make_throttle(tmp_path / "s.sqlite3", fake, max_hold_s=0.5)
    for _ in range(3):
        throttle.attempt(client="198.51.100.7", account=ACCOUNT, name="x", check=wrong)
    result = throttle.attempt(client="198.51.100.7", account=ACCOUNT, name="x", check=right)
    assert result.outcome == "throttled" and result.retry_after_s == pytest.approx(1.0, abs=0.05)
    assert [r.outcome for r in throttle.recent()][:2] == ["throttled", "failed"]


def test_the_curator_signs_in_while_other_clients_attack(tmp_path):
    """Real threads and the real clock: six attacking addresses hammer for the whole test; the curator,
    from an address of her own, is in after at most the account's cap."""
    path = tmp_path / "s.sqlite3"
    schedule = DelaySchedule(free=2, first_s=0.2, max_s=0.8)
    stop = threading.Event()

    def attack(n: int) -> None:
        throttle = SignInThrottle(path, client_schedule=schedule, account_schedule=schedule, max_hold_s=1.0)
        while not stop.is_set():
            throttle.attempt(client=f"198.51.100.{n}", account=ACCOUNT, name="bot", check=lambda: False)

    attackers = [threading.Thread(target=attack, args=(n,)) for n in range(6)]
    for thread in attackers:
        thread.start()
    try:
        curator = SignInThrottle(path, client_schedule=schedule, account_schedule=schedule, max_hold_s=5.0)
        threading.Event().wait(1.0)  # the attack is on
        result = curator.attempt(client="203.0.113.20", account=ACCOUNT, name="Ann", check=lambda: True)
    finally:
        stop.set()
        for thread in attackers:
            thread.join()
    assert result.outcome == "signed-in"
    failed = sqlite3.connect(path).execute("SELECT COUNT(*) FROM signins WHERE outcome = 'failed'").fetchone()[0]
    assert failed >= 6  # the attack really ran


def test_the_log_keeps_name_address_and_outcome_but_never_the_password(tmp_path, fake):
    throttle = make_throttle(tmp_path / "s.sqlite3", fake)
    secret = "correct horse battery staple"
    throttle.attempt(client="203.0.113.20", account=ACCOUNT, name="Ann", check=lambda: secret == "guess")
    throttle.attempt(client="203.0.113.20", account=ACCOUNT, name="Ann", check=lambda: True)
    assert [(r.client, r.name, r.outcome) for r in throttle.recent()] == [
        ("203.0.113.20", "Ann", "signed-in"),
        ("203.0.113.20", "Ann", "failed"),
    ]
    assert secret.encode() not in (tmp_path / "s.sqlite3").read_bytes()


# --- which client: the peer, or what a trusted proxy forwarded -----------------------------------

LOOPBACK_PROXY = trusted_proxies_from_text("127.0.0.1,::1")


def test_a_trusted_proxy_s_forwarded_for_names_the_client():
    headers = [("Host", "example.org"), ("X-Forwarded-For", "203.0.113.9")]
    assert client_address(None, headers, LOOPBACK_PROXY) == "203.0.113.9"  # None: Streamlit's loopback peer
    assert client_address("127.0.0.1", headers, LOOPBACK_PROXY) == "203.0.113.9"


def test_a_client_cannot_choose_its_address_by_sending_the_header():
    spoofed = [("x-forwarded-for", "10.9.9.9")]
    assert client_address("198.51.100.7", spoofed, LOOPBACK_PROXY) == "198.51.100.7"
    # through the proxy, a spoofed first hop is left behind: the proxy appended the real peer
    through_proxy = [("X-Forwarded-For", "10.9.9.9, 198.51.100.7")]
    assert client_address("127.0.0.1", through_proxy, LOOPBACK_PROXY) == "198.51.100.7"


def test_chains_of_trusted_proxies_and_networks_are_walked_from_the_right():
    trusted = trusted_proxies_from_text("127.0.0.1, 10.0.0.0/8")
    headers = [("X-Forwarded-For", "198.51.100.7, 10.1.2.3"), ("X-Forwarded-For", "10.0.0.9")]
    assert client_address("10.0.0.1", headers, trusted) == "198.51.100.7"
    assert client_address("127.0.0.1", [], trusted) == "127.0.0.1"  # no header: the peer itself
    assert trusted_proxies_from_text("*").trusts("192.0.2.1")
    assert trusted_proxies_from_text("not-an-address") == TrustedProxies(())


def test_the_setting_is_uvicorn_s_own_variable_with_its_default():
    assert trusted_proxies_from_env({}).trusts("127.0.0.1") and trusted_proxies_from_env({}).trusts("::1")
    assert not trusted_proxies_from_env({"FORWARDED_ALLOW_IPS": "172.17.0.1"}).trusts("127.0.0.1")
