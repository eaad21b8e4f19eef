"""The result pages at a laptop's 1366×768: the compare table scrolls in its box with its
header and candidate column in view and a cue on the side where columns are hidden; the grid
names each rating's interviewer and its chart's labels are whole; a saved new candidate
lands on their page; axe-core finds nothing on any of these pages."""

import itertools
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from interviews.models import Candidate
from interviews.tests.factories import CandidateFactory, planned_interview
from questions.tests.factories import QuestionFactory, QuestionSetFactory, TopicFactory
from scoring import services
from scoring.models import Rating

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(axe_playwright_python.__file__).parent / "axe.min.js"
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "bypass_csp": True}  # CSP: for axe
TOPICS = [
    "Fundamentals",
    "Databases",
    "APIs",
    "Caching and performance",
    "Security",
    "Architecture and scaling",
    "Tooling and process",
]


def axe_violations(page):
    page.add_script_tag(path=AXE)
    return page.evaluate(
        """async () => (await axe.run(document)).violations.map((v) =>
          `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)"""
    )


@pytest.fixture
def panel(alice, bob):
    """A question set with a question per topic, three candidates each rated by Alice Archer
    and Bob Baker (Dana's panel disagrees), and twelve more candidates still to interview."""
    alice.first_name, alice.last_name = "Alice", "Archer"
    bob.first_name, bob.last_name = "Bob", "Baker"
    for user in (alice, bob):
        user.save()
    question_set = QuestionSetFactory(slug="backend", title="Backend Developer")
    for position, name in enumerate(TOPICS, 1):
        QuestionFactory(
            question_set=question_set,
            position=position,
            topic=TopicFactory(name=name, position=position),
        )
    scored = [("Ada Lovelace", [4, 3], [4, 3]), ("Bo Chen", [2, 3], [2, 3])]
    scored.append(("Dana Whitfield-Okonkwo", [1, 4], [1, 4]))
    interviews = []
    for name, scores, recommendations in scored:
        candidate = CandidateFactory(name=name, role_applied_for="Backend Developer")
        interview = planned_interview(
            interviewers=[alice, bob], candidate=candidate, question_set=question_set
        )
        for interviewer, score, recommendation in zip(
            [alice, bob], scores, recommendations, strict=True
        ):
            scorecard = services.scorecard_for(interview=interview, interviewer=interviewer)
            for number, question in enumerate(interview.questions.all()):
                services.save_answer(
                    interview_question=question,
                    interviewer=interviewer,
                    score=max(1, score - number % 2),
                )
            services.submit_scorecard(
                scorecard=scorecard, recommendation=recommendation, summary=""
            )
        interviews.append(interview)
    for number in range(12):
        planned_interview(
            interviewers=[alice],
            candidate=CandidateFactory(name=f"Waiting {number:02}"),
            question_set=question_set,
        )
    return interviews


# Every cell that pokes out of the scrolling box, with the cue for that side.
CLIPPED_CELLS = """() => {
  const cue = document.querySelector("[data-scroll-cue]");
  const box = cue.querySelector(".table-scroll").getBoundingClientRect();
  return Array.from(cue.querySelectorAll("thead th")).flatMap((cell) => {
    const rect = cell.getBoundingClientRect();
    const sides = [];
    if (rect.right > box.right + 1) sides.push(cue.classList.contains("more-right"));
    if (rect.left < box.left - 1) sides.push(cue.classList.contains("more-left"));
    return sides.map((cued) => ({text: cell.textContent.trim(), cued}));
  });
}"""

SCROLL_BOX = "(box, [left, top]) => { box.scrollLeft = left; box.scrollTop = top; }"


def test_compare_and_grid_read_at_a_glance(page_for, hiring_manager, panel):
    page = page_for(hiring_manager, **LAPTOP)
    page.goto("/compare/")
    cue = page.locator("[data-scroll-cue]")
    box = cue.locator(".table-scroll")
    expect(page.locator("#compare-table tbody tr")).to_have_count(15)

    # Seven topic columns do not fit: the hidden ones are cued on the right, and only there.
    assert box.evaluate("(box) => box.scrollWidth > box.clientWidth + 100")
    clipped = page.evaluate(CLIPPED_CELLS)
    assert clipped and all(cell["cued"] for cell in clipped)
    assert cue.evaluate("(cue) => [...cue.classList]") == ["scroll-cue", "more-right"]
    assert cue.evaluate("(cue) => getComputedStyle(cue, '::after').opacity") == "1"

    # Scrolled to the far right and down: nothing is clipped on the right any more, and the
    # header row and the candidate column stay where they were.
    box_top, box_left = box.evaluate(
        "(box) => [box.getBoundingClientRect().top, box.getBoundingClientRect().left]"
    )
    box.evaluate(SCROLL_BOX, [10000, 300])
    expect(cue).to_have_class("scroll-cue more-left")  # and no longer more-right
    assert all(cell["cued"] for cell in page.evaluate(CLIPPED_CELLS))
    header = page.locator("#compare-table thead th").first.bounding_box()
    name = page.get_by_role("link", name="Waiting 11").bounding_box()
    assert abs(header["y"] - box_top) <= 2
    assert box_left <= name["x"] <= box_left + 40
    last_topic = page.locator("#compare-table thead th").last.bounding_box()
    assert (
        last_topic["x"] + last_topic["width"]
        <= box.bounding_box()["x"] + box.bounding_box()["width"]
    )
    box.evaluate(SCROLL_BOX, [0, 0])

    # The disagree badge sits on its name's line; the tally is a bar named by its counts.
    name = page.get_by_role("link", name="Dana Whitfield-Okonkwo").bounding_box()
    badge = page.locator("tr", has_text="Dana Whitfield-Okonkwo").locator(".badge").bounding_box()
    assert abs((badge["y"] + badge["height"] / 2) - (name["y"] + name["height"] / 2)) < 6
    expect(
        page.get_by_role("img", name="Recommendations: Strong no 1, No 0, Yes 0, Strong yes 1")
    ).to_be_visible()
    dana = page.locator("tr", has_text="Dana Whitfield-Okonkwo")
    expect(dana.locator("[data-column=median]")).to_have_class("text-end score-band-2")
    assert axe_violations(page) == []

    # Two topic columns chosen without any script: a plain GET form, kept in the URL.
    page.get_by_text("Topic columns: all 7").click()
    for name in TOPICS[2:]:
        page.get_by_label(name, exact=True).uncheck()
    page.get_by_role("button", name="Show these columns").click()
    expect(page.locator("#compare-table thead th")).to_have_count(8 + 2)
    assert page.url.count("topic=") == 2

    for candidate in ["Ada Lovelace", "Bo Chen", "Dana Whitfield-Okonkwo"]:
        page.get_by_label(f"Pick {candidate}").check()
    page.get_by_role("button", name="Side by side (pick 2–4)").click()
    expect(page.get_by_role("heading", name="Side by side · Backend Developer")).to_be_visible()

    # Every rating names its interviewer: the initials show, the name is its title, its
    # accessible text, and what focus shows.
    ratings = page.locator(".rating-by")
    expected = sorted(
        f"{r.scorecard.interviewer.get_full_name()}: {r.score} {r.get_score_display()}"
        for r in Rating.objects.select_related("scorecard__interviewer")
    )
    assert sorted(r.get_attribute("title") for r in ratings.all()) == expected
    expect(ratings.first.locator(".rating-name")).to_have_text("Alice Archer:")
    expect(ratings.first.locator(".rating-initials")).to_have_text("AA")
    ratings.first.focus()
    assert ratings.first.evaluate("(r) => getComputedStyle(r, '::after').content") == (
        '"Alice Archer"'
    )

    # The chart's topic labels are whole, inside the chart, and clear of each other.
    labels = page.locator("svg.topic-chart text.chart-label")
    assert [" ".join(label.locator("tspan").all_text_contents()) for label in labels.all()] == (
        TOPICS
    )
    boxes = [label.bounding_box() for label in labels.all()]
    chart = page.locator("svg.topic-chart").bounding_box()
    for left, right in itertools.pairwise(boxes):
        assert left["x"] + left["width"] < right["x"]
    assert chart["x"] <= boxes[0]["x"] and boxes[-1]["x"] + boxes[-1]["width"] <= (
        chart["x"] + chart["width"]
    )
    assert boxes[0]["y"] + max(b["height"] for b in boxes) <= chart["y"] + chart["height"]
    assert axe_violations(page) == []

    # On paper: the filters in effect on top, interviewers' full names.
    page.emulate_media(media="print")
    expect(page.locator("#filters-in-effect")).to_have_text(
        "Question set: Backend Developer · role: any · interview status: any · decision: any"
        " · Ada Lovelace, Bo Chen, Dana Whitfield-Okonkwo"  # (topic columns: none on the grid)
    )
    expect(ratings.first.locator(".rating-name")).to_be_visible()
    expect(ratings.first.locator(".rating-initials")).to_be_hidden()


def test_a_new_candidate_lands_on_their_page_and_every_page_passes_axe(
    page_for, hiring_manager, panel
):
    page = page_for(hiring_manager, **LAPTOP)
    page.goto("/candidates/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Add a candidate").click()
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_role("button", name="Save candidate").click()
    grace = Candidate.objects.get(email="grace@example.com")
    page.wait_for_url(f"**/candidates/{grace.pk}/")
    expect(page.get_by_role("heading", name="Grace Hopper", level=1)).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text("Added Grace Hopper.")
    assert axe_violations(page) == []

    interview = panel[2]
    for url in [
        f"/candidates/{interview.candidate_id}/",
        f"/scorecards/{interview.scorecards.first().pk}/",
        f"/interviews/{interview.pk}/",
    ]:
        page.goto(url)
        assert (url, axe_violations(page)) == (url, [])
