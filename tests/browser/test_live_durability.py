"""The live page never loses a keystroke (issue 8), by keyboard at 1366×768: a reload at once
after typing, two tabs offline, a follow-up arriving from the offline queue, refused and
failing saves. Each test ends by reading the database."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from interviews.models import InterviewQuestion
from scoring.models import PointMark, Rating

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.interview(questions=5, points=2),
]

LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def current(page):
    return page.locator(".live-question.current")


def expect_saved(page, timeout=10000):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=timeout)


def answers():
    """Every rating stored, by question number: score, skipped, notes, marks by position."""
    return sorted(
        (
            rating.interview_question.position,
            rating.interview_question.follow_up_number,
            rating.score,
            rating.skipped,
            rating.notes,
            sorted(rating.marks.values_list("point__position", "mark")),
        )
        for rating in Rating.objects.select_related("interview_question")
    )


def go_to(page, number):
    page.locator(f'[data-nav] >> text="{number}"').first.click()
    expect(current(page)).to_have_attribute("data-label", f"Question {number}")


def held(page, routes, timeout=10000):
    """Wait until a request has reached `routes`, the list a route handler keeps them in."""
    for _ in range(timeout // 50):
        if routes:
            return
        page.wait_for_timeout(50)
    # A time-out like Playwright's own, so the suite's single retry of time-outs covers it.
    raise PlaywrightTimeout(f"no request was sent within {timeout} ms")


def queued(page):
    """Every change waiting in the browser's storage, from every tab."""
    return page.evaluate(
        """() => Object.keys(localStorage).filter((k) => k.startsWith("rubric-pending-"))
            .flatMap((k) => JSON.parse(localStorage.getItem(k)).changes)
            .map((c) => [c.key.split(":")[1], Object.values(c.fields)[0]]).sort()"""
    )


def test_a_note_typed_just_before_a_reload_is_kept_and_the_page_opens_at_the_top(
    page_for, interview, alice
):
    page = page_for(alice, **LAPTOP)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.goto(f"/interviews/{interview.pk}/live/")
    page.get_by_role("button", name="Start interview").click()
    expect(current(page)).to_have_attribute("data-label", "Question 1")
    page.keyboard.press("n")
    page.keyboard.press("e")
    page.keyboard.type("Said B-trees, then hash indexes.")
    page.wait_for_timeout(100)
    page.reload()

    assert dialogs == ["beforeunload"]  # it warned: the note was not sent yet
    expect(current(page)).to_have_attribute("data-label", "Question 2")
    expect(current(page).locator("textarea[name=notes]")).to_have_value(
        "Said B-trees, then hash indexes."
    )
    expect_saved(page)
    assert answers() == [(2, 0, None, False, "Said B-trees, then hash indexes.", [])]
    assert Rating.objects.get().versions["notes"] > 0

    # It opened at the top, the address untouched; the header stays while notes are written.
    assert (page.evaluate("window.scrollY"), page.url.endswith("/live/")) == (0, True)
    page.set_viewport_size({"width": 1366, "height": 520})
    page.keyboard.press("e")  # the notes are at the bottom: the page scrolls to them
    page.keyboard.type(" More.")
    assert page.evaluate("window.scrollY") > 100
    expect(page.locator("#save-status")).to_be_in_viewport()
    expect(page.get_by_role("link", name="Finish…")).to_be_in_viewport()
    expect(page.get_by_role("heading", name=interview.candidate.name)).to_be_in_viewport()
    expect_saved(page)
    assert answers() == [(2, 0, None, False, "Said B-trees, then hash indexes. More.", [])]

    # A queue left by the page before versions, under the scorecard's key, is sent too.
    third = questions(interview)[2]
    page.evaluate(
        """([key, url, question]) => localStorage.setItem(key, JSON.stringify([{type: "answer",
            key: `${question}:notes`, url, fields: {notes: "From the old page"}}]))""",
        [
            f"rubric-pending-{Rating.objects.get().scorecard_id}",
            f"/interviews/{interview.pk}/live/questions/{third.pk}/",
            third.pk,
        ],
    )
    page.reload()
    expect_saved(page)
    assert answers()[1] == (3, 0, None, False, "From the old page", [])


def test_two_tabs_offline_keep_both_changes_and_reconcile_online(
    page_for, interview, alice, go_offline
):
    first = page_for(alice, **LAPTOP)
    first.on("dialog", lambda dialog: dialog.accept())
    first.goto(f"/interviews/{interview.pk}/live/")
    second = first.context.new_page()
    second.goto(f"/interviews/{interview.pk}/live/")
    expect_saved(second)

    go_offline(first)
    go_to(first, 3)
    first.keyboard.press("e")
    first.keyboard.type("Tab A's note on three")
    first.keyboard.press("Escape")
    go_to(second, 4)
    second.keyboard.press("2")
    expect(second.locator("#save-status")).to_have_attribute("data-state", "retrying")
    assert queued(second) == [["notes", "Tab A's note on three"], ["score", "2"]]

    with first.expect_event("close"):  # its queue stored for the last time, and adopted
        first.close(run_before_unload=True)  # accepting its warning
    second.context.set_offline(False)
    expect_saved(second)
    assert answers() == [
        (3, 0, None, False, "Tab A's note on three", []),
        (4, 0, 2, False, "", []),
    ]
    assert queued(second) == []

    third = second.context.new_page()
    third.goto(f"/interviews/{interview.pk}/live/?question={questions(interview)[2].pk}")
    expect(current(third).locator("textarea[name=notes]")).to_have_value("Tab A's note on three")

    # Online, what one tab saves the other shows.
    go_to(second, 3)
    third.keyboard.press("4")
    expect(current(second).get_by_role("radio", name="4 Excellent")).to_be_checked()
    expect(second.locator("#sync-notice")).to_contain_text("Question 3: updated from another tab")

    # The same notes in both tabs: the later edit wins in both, and the earlier tab says so,
    # even when its earlier edit reaches the server last.
    second.route("**/live/questions/**", lambda route: route.abort())
    second.keyboard.press("e")
    second.keyboard.type(" (earlier)")
    second.keyboard.press("Escape")
    third.keyboard.press("e")
    third.keyboard.press("End")
    third.keyboard.type(" (later)")
    third.keyboard.press("Escape")
    expect_saved(third)
    second.unroute("**/live/questions/**")
    for page in (second, third):
        expect_saved(page)
        expect(current(page).locator("textarea[name=notes]")).to_have_value(
            "Tab A's note on three (later)"
        )
    problems = second.locator("#save-problems")
    expect(problems).to_contain_text(
        "Question 3, notes: a later edit from another tab was kept, and is shown. Yours was:"
    )
    expect(problems.locator("textarea")).to_have_value("Tab A's note on three (earlier)")
    assert answers() == [
        (3, 0, 4, False, "Tab A's note on three (later)", []),
        (4, 0, 2, False, "", []),
    ]


def questions(interview):
    return list(interview.questions.order_by("position", "follow_up_number"))


def test_a_follow_up_from_the_offline_queue_takes_nothing_over(
    page_for, interview, alice, go_offline
):
    page = page_for(alice, **LAPTOP)
    page.goto(f"/interviews/{interview.pk}/live/")
    page.get_by_role("button", name="Start interview").click()
    go_to(page, 3)
    go_offline(page)
    page.keyboard.press("+")
    page.keyboard.type("Why that index?")
    page.keyboard.press("Tab")
    page.keyboard.type("Selectivity\nWrite cost")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("n")
    page.keyboard.press("n")
    expect(current(page)).to_have_attribute("data-label", "Question 5")
    page.keyboard.press("e")
    page.keyboard.type("Five: ")

    page.context.set_offline(False)
    page.keyboard.type("naks, then asdn3 all typed", delay=40)
    expect(page.locator("[data-nav]")).to_have_count(6)
    page.keyboard.type(" on five.", delay=20)
    expect(current(page)).to_have_attribute("data-label", "Question 5")
    expect(page.locator("textarea[name=notes]:focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect_saved(page)

    follow_up = InterviewQuestion.objects.get(added_by=alice)
    assert (follow_up.position, follow_up.follow_up_number, follow_up.prompt) == (
        3,
        1,
        "Why that index?",
    )
    assert list(follow_up.points.values_list("text", flat=True)) == ["Selectivity", "Write cost"]
    assert answers() == [(5, 0, None, False, "Five: naks, then asdn3 all typed on five.", [])]

    # The new follow-up's point keys work without a reload.
    go_to(page, "3.1")
    page.keyboard.press("a")
    page.keyboard.press("s")
    page.keyboard.press("s")
    expect_saved(page)
    assert sorted(PointMark.objects.values_list("point__text", "mark")) == [
        ("Selectivity", 2),
        ("Write cost", 1),
    ]


def test_a_refused_change_is_shown_and_the_queue_goes_on_a_failing_one_is_retried(
    page_for, interview, alice
):
    page = page_for(alice, **LAPTOP)
    page.goto(f"/interviews/{interview.pk}/live/")
    failures = []

    def fail_twice(route):
        if len(failures) < 2:
            failures.append(route.request.post_data)
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")
        else:
            route.continue_()

    page.route("**/live/questions/**", fail_twice)
    page.keyboard.press("1")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "retrying")
    expect_saved(page)
    assert len(failures) == 2
    page.unroute("**/live/questions/**")

    notes = current(page).locator("textarea[name=notes]")
    notes.evaluate(
        """(textarea) => { textarea.value = "Bad\\u0000note";
        textarea.dispatchEvent(new Event("input", {bubbles: true})); }"""
    )
    page.keyboard.press("Escape")
    page.keyboard.press("3")
    page.keyboard.press("a")
    problems = page.locator("#save-problems")
    expect(problems).to_contain_text("Not saved: Question 1, notes: Notes: ")
    expect(problems).to_contain_text("control characters")
    expect(problems.locator("textarea")).to_have_value("Bad\x00note")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "refused")
    assert answers() == [(1, 0, 3, False, "", [(1, 2)])]

    problems.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved")


def test_changes_made_offline_in_an_order_that_matters_end_as_the_last_one(
    page_for, interview, alice, go_offline
):
    """Skip then rate, rate then skip, mark then unmark, a note rewritten: each ends as last
    changed. The queue must send in the order made: the server keeps a field's newest version,
    so an older change arriving after a newer one is refused as overtaken by another tab (and
    without versions it would win)."""
    page = page_for(alice, **LAPTOP)
    page.goto(f"/interviews/{interview.pk}/live/")
    expect(current(page)).to_have_attribute("data-label", "Question 1")  # its script has run
    expect_saved(page)
    hanging = []
    page.route("**/live/questions/**", lambda route: hanging.append(route))

    # 1: skipped, then rated 3 while the skip is on its way: two changes of one field queued.
    page.keyboard.press("x")
    expect(current(page)).to_have_attribute("data-state", "skipped")
    held(page, hanging)
    page.keyboard.press("3")
    go_offline(page)
    hanging[0].abort("internetdisconnected")
    page.unroute("**/live/questions/**")
    page.keyboard.press("n")  # 2: rated 3, then skipped
    page.keyboard.press("3")
    page.keyboard.press("x")
    page.keyboard.press("n")  # 3: point 1 covered, point 2 covered, point 1 unmarked
    for key in "asaaa":
        page.keyboard.press(key)
    page.keyboard.press("n")  # 4: the note written, then rewritten twice
    for note in ("First thought", "Second thought", "Third thought"):
        page.keyboard.press("e")
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(note)
        page.keyboard.press("Escape")
    expect(page.locator("#save-status")).to_have_attribute("data-state", "retrying")
    assert Rating.objects.count() == 0

    page.context.set_offline(False)
    expect_saved(page)
    expect(page.locator("#save-problems .save-problem")).to_have_count(0)  # none was overtaken
    assert answers() == [
        (1, 0, 3, False, "", []),
        (2, 0, None, True, "", []),
        (3, 0, None, False, "", [(2, 2)]),
        (4, 0, None, False, "Third thought", []),
    ]
