"""The pages the benchmark times, addressed from what bench/data.py returned."""

from urllib.parse import urlencode

# Pages that must stay within this many times the login page's time at every size.
BOUNDED = 4
# The calibration and question analytics pages' target, absolute (issue 11): they read every
# submitted rating, so no page of constant work is a fair yardstick for them.
WITHIN_MS = 1000


def pages(addresses: dict) -> list[dict]:
    """(name, method, path, who, form data, bounded, within_ms) for each measured request;
    `who` is None (signed out), "manager" or "interviewer"."""
    set_ = addresses["set"]

    def compare(**params):
        return "/compare/?" + urlencode({"set": set_, **params})

    grid = "/compare/grid/?" + urlencode(
        [("set", set_)] + [("candidate", pk) for pk in addresses["grid"]]
    )
    live = f"/interviews/{addresses['live']}/live/"
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
        {"name": "calibration", "path": "/calibration/", "within_ms": WITHIN_MS},
        {
            "name": "calibration, interviewers CSV",
            "path": "/calibration/interviewers.csv",
            "within_ms": WITHIN_MS,
        },
        {
            "name": "calibration, agreement CSV",
            "path": "/calibration/agreement.csv",
            "within_ms": WITHIN_MS,
        },
        {
            "name": "question analytics",
            "path": f"/questions/{set_}/analytics/",
            "within_ms": WITHIN_MS,
        },
    ]
