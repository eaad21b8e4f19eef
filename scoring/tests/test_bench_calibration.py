"""The benchmark times the calibration and question analytics pages against an absolute
target, and exits non-zero when one is over it (bench/pages.py, bench/__main__.py)."""

from bench.__main__ import check
from bench.pages import WITHIN_MS, pages

ADDRESSES = {
    "set": "junior-backend-developer",
    "role": "Backend Developer",
    "topic": "topic-1",
    "candidate": 2,
    "grid": [1, 2, 3],
    "live": 9,
    "live_question": 99,
    "answers": 100_000,
}


def results(**slow):
    """One size's results with every page fast and the given pages at the given ms."""
    measured = pages(ADDRESSES)
    ms = {page["name"]: 1.0 for page in measured} | slow
    return {
        50: {
            "addresses": ADDRESSES,
            "ms": ms,
            "queries": {page["name"]: 5 for page in measured},
            "live_bytes": 1,
            "worker_peak_mb": None,
        }
    }


def test_the_calibration_pages_are_timed_against_one_second():
    timed = {page["path"]: page.get("within_ms") for page in pages(ADDRESSES)}
    assert WITHIN_MS == 1000
    for path in [
        "/calibration/",
        "/calibration/interviewers.csv",
        "/calibration/agreement.csv",
        "/questions/junior-backend-developer/analytics/",
    ]:
        assert timed[path] == 1000


def test_a_calibration_page_over_its_target_is_a_missed_target():
    assert check("SQLite", results(**{"question analytics": 1000.0})) == []
    assert check("SQLite", results(**{"question analytics": 1234.5})) == [
        "SQLite, N=50: question analytics takes 1,234 ms, over 1,000 ms"
    ]
