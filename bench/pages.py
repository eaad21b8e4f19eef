"""The pages the benchmark times, addressed from what bench/data.py returned."""

import datetime
from urllib.parse import urlencode

# Pages that must stay within this many times the login page's time at every size: since
# issue 26 calibration and question analytics too, as they read stored sums.
BOUNDED = 4


def pages(addresses: dict) -> list[dict]:
    """(name, method, path, who, form data, bounded, within_ms, within_of) for each measured
    request; `who` is None (signed out), "manager", "interviewer" or "curator"; `within_of`
    is (another page's name, at most so many times its time)."""
    set_ = addresses["set"]

    def compare(**params):
        return "/compare/?" + urlencode({"set": set_, **params})

    grid = "/compare/grid/?" + urlencode(
        [("set", set_)] + [("candidate", pk) for pk in addresses["grid"]]
    )
    live = f"/interviews/{addresses['live']}/live/"
    since = datetime.date.today() - datetime.timedelta(days=364)
    return [
        {"name": "login page", "path": "/accounts/login/", "who": None},
        {"name": "compare, by name", "path": compare(sort="name"), "bounded": True},
        {"name": "compare, by median", "path": compare(sort="-median"), "bounded": True},
        {
            "name": "compare, filtered, by topic",
            "path": compare(role=addresses["role"], status="completed", sort=addresses["topic"]),
            "bounded": True,
        },
        {"name": "compare, page 3 by mean", "path": compare(sort="mean", page=3), "bounded": True},
        {
            "name": "compare, undecided, by mean",
            "path": compare(decision="undecided", sort="-mean"),
            "bounded": True,
        },
        {"name": "compare CSV", "path": "/compare/candidates.csv?" + urlencode({"set": set_})},
        {"name": "grid", "path": grid, "bounded": True},
        {
            "name": "candidate page",
            "path": f"/candidates/{addresses['candidate']}/",
            "bounded": True,
        },
        {
            "name": "debrief page",
            "path": f"/candidates/{addresses['candidate']}/debrief/",
            "bounded": True,
        },
        {"name": "answers CSV", "path": "/compare/answers.csv?" + urlencode({"set": set_})},
        {"name": "live page", "path": live, "who": "interviewer"},
        {
            "name": "autosave",
            "method": "POST",
            "path": f"{live}questions/{addresses['live_question']}/",
            "who": "interviewer",
            "data": {"score": "3"},
        },
        {"name": "calibration", "path": "/calibration/", "bounded": True},
        {
            # From the day after the data's first (a year ago): the days to the month's end,
            # then whole months.
            "name": "calibration, filtered",
            "path": "/calibration/?" + urlencode({"set": set_, "from": since.isoformat()}),
            "bounded": True,
        },
        {
            "name": "calibration, interviewers CSV",
            "path": "/calibration/interviewers.csv",
            "bounded": True,
        },
        {
            "name": "calibration, agreement CSV",
            "path": "/calibration/agreement.csv",
            "bounded": True,
        },
        {"name": "question analytics", "path": f"/questions/{set_}/analytics/", "bounded": True},
        *question_admin(addresses),
    ]


def question_admin(addresses: dict) -> list[dict]:
    """The question admin's list of a set, sorted by candidates asked in 90 days (issue 25),
    and the admin's plainest list beside it: timed as the data's curator."""
    query = urlencode({"question_set__id__exact": addresses["set_id"], "o": "-9"})
    floor = "admin's floor: the topic list"
    return [
        # Django's admin draws its lists with its own templates, cell by cell: its plainest
        # list, a dozen topics, takes 6 to 7 login pages. The question list is held to 4
        # times that, whatever the history, and to a constant number of queries.
        {"name": floor, "path": "/admin/questions/topic/", "who": "curator"},
        {
            "name": "question admin, by exposure",
            "path": f"/admin/questions/question/?{query}",
            "who": "curator",
            "within_of": (floor, BOUNDED),
        },
    ]
