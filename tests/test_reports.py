"""Readers' reports in SQLite: stored with bound parameters, limited, kept per thread, WAL."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest

from mapapp.curation.reports import (
    MAX_COMMENT_CHARS,
    ReportBook,
    ReportRefused,
    clean_comment,
    client_digest,
    state_dir_from_env,
)

HOSTILE = "<script>alert(1)</script>'); DROP TABLE reports; --"


@pytest.fixture
def book(tmp_path) -> ReportBook:
    return ReportBook.in_state_dir(tmp_path / "state", per_client=3, total=5)


def test_a_report_is_stored_verbatim_even_hostile_text_and_sql(book):
    report_id = book.add(kind="position", feature_id="qujiang-gymnasium", comment=HOSTILE, client_key="s1")
    [report] = book.open_reports()
    assert report.report_id == report_id and report.comment == HOSTILE and report.kind == "position"
    assert report.article_id is None
    (mode,) = sqlite3.connect(book.path).execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_a_passage_report_keeps_the_sentence_it_is_about(book):
    book.add(
        kind="passage", feature_id="qujiang-river", comment="", client_key="s1", article_id="t1.txt", start=3, end=9
    )
    [report] = book.open_reports()
    assert (report.article_id, report.start, report.end) == ("t1.txt", 3, 9)


def test_comments_are_length_limited_and_control_characters_dropped():
    assert clean_comment("a\x00b\u202ec\n\n d") == "a b c d"
    with pytest.raises(ReportRefused, match=f"expected at most {MAX_COMMENT_CHARS}"):
        clean_comment("x" * (MAX_COMMENT_CHARS + 1))


def test_unknown_kinds_are_refused(book):
    with pytest.raises(ReportRefused, match="kind is 'praise'; expected one of position, passage"):
        book.add(kind="praise", feature_id="x", comment="", client_key="s1")


def test_rate_limited_per_client_address_and_in_total(book):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for _ in range(3):
        book.add(kind="position", feature_id="a", comment="", client_key="s1", now=now)
    with pytest.raises(ReportRefused, match="this address sent 3 reports in the last hour; expected at most 3"):
        book.add(kind="position", feature_id="a", comment="", client_key="s1", now=now)
    book.add(kind="position", feature_id="a", comment="", client_key="s2", now=now)
    book.add(kind="position", feature_id="a", comment="", client_key="s3", now=now)
    with pytest.raises(ReportRefused, match="5 reports arrived in the last hour; the limit is 5"):
        book.add(kind="position", feature_id="a", comment="", client_key="s4", now=now)
    later = now + timedelta(hours=1, seconds=1)
    book.add(kind="position", feature_id="a", comment="", client_key="s1", now=later)
    assert len(book.open_reports()) == 6


def test_resolved_reports_leave_the_work_list(book):
    first = book.add(kind="position", feature_id="a", comment="one", client_key="s1")
    book.add(kind="position", feature_id="b", comment="two", client_key="s1")
    book.resolve(first, by="Ann")
    assert [r.comment for r in book.open_reports()] == ["two"]


def test_each_thread_gets_its_own_connection_and_writes_do_not_collide(tmp_path):
    book = ReportBook(tmp_path / "r.sqlite3", per_client=100, total=100)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                book.add(kind="position", feature_id=f"f{n}", comment=str(i), client_key=f"s{n}")
        except BaseException as error:  # handed to the main thread
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(book.open_reports()) == 40


def test_client_addresses_are_stored_only_as_a_digest_and_the_state_folder_is_configurable(book, tmp_path):
    book.add(kind="position", feature_id="a", comment="", client_key="203.0.113.9")
    rows = sqlite3.connect(book.path).execute("SELECT session FROM reports").fetchall()
    assert rows == [(client_digest("203.0.113.9"),)] and "203.0" not in rows[0][0]
    assert state_dir_from_env({"QZ_STATE_DIR": str(tmp_path)}) == tmp_path.resolve()
    assert state_dir_from_env({}).name == ".state"
