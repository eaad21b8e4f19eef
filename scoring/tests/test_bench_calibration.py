"""The benchmark bounds the calibration and question analytics pages by the login page, as
every result page (issue 26), and exits non-zero when one is over it (bench/pages.py,
bench/__main__.py); the question admin's list is timed when the data has a curator."""

from bench.__main__ import check
from bench.pages import pages

ADDRESSES = {
    "set": "junior-backend-developer",
    "role": "Backend Developer",
    "topic": "topic-1",
    "candidate": 2,
    "grid": [1, 2, 3],
    "live": 9,
    "live_question": 99,
    "answers": 100_000,
    "curator": "bench-curator",
    "set_id": 7,
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


def test_the_calibration_pages_are_bounded_by_the_login_page():
    bounded = {page["path"]: page.get("bounded") for page in pages(ADDRESSES)}
    for path in [
        "/calibration/",
        "/calibration/interviewers.csv",
        "/calibration/agreement.csv",
        "/questions/junior-backend-developer/analytics/",
    ]:
        assert bounded[path] is True
    assert not any("within_ms" in page for page in pages(ADDRESSES))


def test_a_calibration_page_over_its_bound_is_a_missed_target():
    assert check("SQLite", results(**{"question analytics": 4.0})) == []
    assert check("SQLite", results(**{"question analytics": 4.5})) == [
        "SQLite, N=50: question analytics is 4.5× the login page"
    ]


def test_the_question_admin_is_timed_as_a_curator_sorted_by_exposure():
    admin = pages(ADDRESSES)[-1]
    assert admin == {
        "name": "question admin, by exposure",
        "path": "/admin/questions/question/?question_set__id__exact=7&o=-9",
        "who": "curator",
        "within_of": ("admin's floor: the topic list", 4),
    }
