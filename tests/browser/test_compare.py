"""A hiring manager compares the demo candidates in a real browser."""

import csv

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from config.pagination import PER_PAGE
from questions.models import QuestionSet
from scoring.models import CandidateResult

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    call_command("loaddata", "junior-backend-developer", "backend-developer", verbosity=0)
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    settings.DEBUG = False
    return QuestionSet.objects.get(slug="backend-developer")


def score(value):
    return "–" if value is None else f"{value:.2f}"


def test_compare_sort_by_spread_grid_and_csv(page_for, demo, tmp_path):
    page = page_for(User.objects.get(username="manager"))
    page.goto("/compare/")
    expect(page.get_by_label("Question set")).to_have_value("backend-developer")

    page.get_by_role("link", name="Spread").click()
    expect(page.get_by_role("link", name="Spread ↓")).to_be_visible()
    assert "sort=-spread" in page.url

    expected = list(
        CandidateResult.objects.filter(question_set=demo).order_by(
            "-spread", "name", "candidate_id"
        )
    )
    expected = [c for c in expected if c.spread is not None] + [
        c for c in expected if c.spread is None
    ]
    rows = page.locator("#compare-table tbody tr")
    # The first page: the demo's history has more candidates than a page holds.
    expect(rows).to_have_count(min(len(expected), PER_PAGE))
    for row, candidate in zip(rows.all(), expected[:PER_PAGE], strict=True):
        assert row.get_attribute("data-candidate") == str(candidate.candidate_id)
        expect(row.locator("[data-column=mean]")).to_have_text(score(candidate.mean))
        expect(row.locator("[data-column=median]")).to_have_text(score(candidate.median))
        expect(row.locator("[data-column=spread]")).to_have_text(score(candidate.spread))

    picked = expected[:3]
    for candidate in picked:
        page.locator(
            f"tr[data-candidate='{candidate.candidate_id}'] input[name=candidate]"
        ).check()
    page.get_by_role("button", name="Side by side (pick 2–4)").click()
    expect(page.get_by_role("heading", name="Side by side · Backend Developer")).to_be_visible()
    for candidate in picked:
        expect(page.locator(f"[data-summary='{candidate.candidate_id}']")).to_have_text(
            f"{score(candidate.mean)} · {score(candidate.median)} · {score(candidate.spread)}"
        )
    expect(page.locator("svg rect")).not_to_have_count(0)

    page.get_by_role("link", name="← Back to the comparison").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download table (CSV)").click()
    path = tmp_path / "table.csv"
    download.value.save_as(path)
    with path.open(encoding="utf-8") as file:
        table = list(csv.reader(file))
    assert [row[0] for row in table[1:]] == [c.name for c in expected]
    assert [row[6] for row in table[1:]] == [
        "" if c.spread is None else f"{c.spread:.3f}" for c in expected
    ]
