"""A candidate's loop, its debrief page and the hiring decision."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from config import limits
from interviews.tests.factories import interviewer_user, planned_interview
from notifications import services as scheduling
from scoring import calibration, debrief, selectors, services
from scoring.models import Amendment, Debrief, Decision, Recommendation, Scorecard
from scoring.tests.factories import write_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_interview(candidate, carol):
    return planned_interview(interviewers=[carol], candidate=candidate, stage="Culture")


def submit_all(interview, alice, bob):
    write_scorecard(interview, alice, [4, 4, 1], recommendation=Recommendation.YES)
    write_scorecard(interview, bob, [2, 2, 3], recommendation=Recommendation.STRONG_NO)


def amend(scorecard, author, **changes):
    return services.amend_scorecard(
        scorecard=scorecard,
        author=author,
        reason=changes.pop("reason", "Talked it over."),
        recommendation=changes.pop("recommendation", scorecard.recommendation),
        summary=changes.pop("summary", scorecard.summary),
        answers=changes.pop("answers", {}),
    )


def decide(candidate, manager, **fields):
    return services.record_decision(
        candidate=candidate,
        manager=manager,
        outcome=fields.pop("outcome", Decision.Outcome.HIRE),
        rationale=fields.pop("rationale", "Strong on evidence."),
        **fields,
    )


# The loop's status


def test_loop_status_follows_the_interviews(candidate, interview, second_interview, alice, bob):
    assert debrief.loop_status(candidate) == debrief.INTERVIEWING
    submit_all(interview, alice, bob)
    assert debrief.loop_status(candidate) == debrief.INTERVIEWING
    assert Debrief.objects.count() == 0
    scheduling.cancel_interview(interview=second_interview)
    assert debrief.loop_status(candidate) == debrief.READY


def test_no_interviews_is_its_own_status(candidate):
    assert debrief.loop_status(candidate) == debrief.NO_INTERVIEWS


def test_the_last_scorecard_of_the_loop_opens_the_debrief_once(
    candidate, interview, second_interview, alice, bob, carol
):
    submit_all(interview, alice, bob)
    write_scorecard(second_interview, carol, [3, 3], recommendation=Recommendation.YES)
    opened = Debrief.objects.get(candidate=candidate)
    assert debrief.loop_status(candidate) == debrief.READY
    assert sorted(
        Scorecard.objects.values_list("interviewer__username", "debrief_recommendation")
    ) == [("alice", 3), ("bob", 1), ("carol", 3)]
    assert Scorecard.objects.get(interviewer=bob).debrief_score_mean == pytest.approx(7 / 3)
    # Amending keeps the values at the debrief.
    amend(Scorecard.objects.get(interviewer=bob), bob, recommendation=Recommendation.YES)
    bob_card = Scorecard.objects.get(interviewer=bob)
    assert (bob_card.recommendation, bob_card.debrief_recommendation) == (3, 1)
    assert Debrief.objects.get().opened_at == opened.opened_at


def test_a_loop_that_gets_a_new_interview_opens_its_debrief_again(
    client, candidate, interview, alice, bob, carol, hiring_manager
):
    submit_all(interview, alice, bob)
    first = Debrief.objects.get(candidate=candidate)
    assert first.opening == 1
    # Bob changes his mind after the first debrief, then a new interview is scheduled.
    amend(Scorecard.objects.get(interviewer=bob), bob, recommendation=Recommendation.NO)
    later = planned_interview(interviewers=[carol], candidate=candidate, stage="Culture")
    assert debrief.loop_status(candidate) == debrief.INTERVIEWING
    write_scorecard(later, carol, [3, 3], recommendation=Recommendation.YES)
    again = Debrief.objects.get(candidate=candidate)
    assert (again.pk, again.opening) == (first.pk, 2)
    assert again.opened_at > first.opened_at
    # The values kept are those at the latest opening: bob's amendment came before it.
    assert sorted(
        Scorecard.objects.values_list("interviewer__username", "debrief_recommendation")
    ) == [("alice", 3), ("bob", 2), ("carol", 3)]
    client.force_login(hiring_manager)
    response = client.get(reverse("debrief", args=[candidate.pk]))
    assert [card.changed_after_debrief for card in response.context["data"].scorecards] == [
        False,
        False,
        False,
    ]
    assert "(again, after a new interview)" in response.content.decode()
    # An amendment after the latest opening is changed after debrief.
    amend(Scorecard.objects.get(interviewer=alice), alice, recommendation=Recommendation.NO)
    response = client.get(reverse("debrief", args=[candidate.pk]))
    assert [
        (card.interviewer.username, card.changed_after_debrief)
        for card in response.context["data"].scorecards
    ] == [("alice", True), ("bob", False), ("carol", False)]


# The decision


def test_a_decision_is_recorded_with_who_and_when_and_audited(
    candidate, interview, alice, bob, hiring_manager
):
    submit_all(interview, alice, bob)
    decision = decide(candidate, hiring_manager, level=" Senior ")
    assert (decision.outcome, decision.rationale, decision.level, decision.decided_by) == (
        "hire",
        "Strong on evidence.",
        "Senior",
        hiring_manager,
    )
    assert debrief.loop_status(candidate) == debrief.DECIDED
    event = AuditEvent.objects.get(action="decision_recorded")
    assert (event.actor, event.subject) == (
        hiring_manager,
        f"Decision #{decision.pk} on candidate #{candidate.pk}",
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rationale": "  "}, "Write why: the rationale is kept with the decision."),
        ({"outcome": "maybe"}, "Choose hire, no hire or hold."),
        (
            {"rationale": "x" * (limits.RATIONALE + 1)},
            f"The rationale is at most {limits.RATIONALE:,} characters (this has 10,001).",
        ),
    ],
)
def test_bad_decisions_write_nothing(
    candidate, interview, alice, bob, hiring_manager, fields, message
):
    submit_all(interview, alice, bob)
    with pytest.raises(ValidationError) as caught:
        decide(candidate, hiring_manager, **fields)
    assert caught.value.messages == [message]
    assert Decision.objects.count() == 0
    assert AuditEvent.objects.filter(action="decision_recorded").count() == 0


def test_only_hiring_managers_decide(candidate, interview, alice, bob):
    submit_all(interview, alice, bob)
    with pytest.raises(PermissionDenied):
        decide(candidate, alice)
    assert Decision.objects.count() == 0


def test_an_erased_candidate_is_not_decided(candidate, interview, alice, bob, hiring_manager):
    submit_all(interview, alice, bob)
    services.erase_candidate(candidate=candidate, actor=hiring_manager)
    with pytest.raises(ValidationError) as caught:
        decide(candidate, hiring_manager)
    assert caught.value.messages == ["This candidate was erased: no decision can be recorded."]
    assert Decision.objects.count() == 0


def test_deciding_early_needs_a_reason(candidate, interview, hiring_manager):
    with pytest.raises(ValidationError) as caught:
        decide(candidate, hiring_manager)
    assert caught.value.messages == ["The loop is not ready for debrief: say why you decide now."]
    assert Decision.objects.count() == 0
    decision = decide(candidate, hiring_manager, early_reason="They took another offer.")
    assert decision.early_reason == "They took another offer."


def test_a_new_decision_replaces_the_standing_one_and_the_history_stays(
    candidate, interview, alice, bob, hiring_manager
):
    submit_all(interview, alice, bob)
    first = decide(candidate, hiring_manager, outcome="hold")
    second = decide(candidate, hiring_manager, outcome="hire", replaces=first.pk)
    first.refresh_from_db()
    assert (first.is_standing, first.ended_by, second.is_standing) == (
        False,
        hiring_manager,
        True,
    )
    assert debrief.standing_decision(candidate) == second


def test_a_decision_racing_another_is_refused(candidate, interview, alice, bob, hiring_manager):
    """Two managers read the page without a decision; the second to post is refused."""
    submit_all(interview, alice, bob)
    first = decide(candidate, hiring_manager, outcome="hire", replaces=None)
    with pytest.raises(services.DecisionConflict):
        decide(candidate, hiring_manager, outcome="no_hire", replaces=None)
    assert list(Decision.objects.values_list("pk", flat=True)) == [first.pk]


def test_a_standing_decision_locks_amendments_until_reopened(
    candidate, interview, alice, bob, hiring_manager
):
    submit_all(interview, alice, bob)
    decision = decide(candidate, hiring_manager)
    scorecard = Scorecard.objects.get(interviewer=alice)
    with pytest.raises(services.CandidateDecided) as caught:
        amend(scorecard, alice, recommendation=Recommendation.NO)
    assert caught.value.messages[0].startswith("The candidate was decided (Hire, ")
    assert Amendment.objects.count() == 0
    assert Scorecard.objects.get(interviewer=alice).recommendation == Recommendation.YES

    with pytest.raises(ValidationError):
        services.reopen_decision(decision=decision, manager=hiring_manager, reason=" ")
    services.reopen_decision(decision=decision, manager=hiring_manager, reason="New evidence.")
    assert debrief.loop_status(candidate) == debrief.READY
    amend(scorecard, alice, recommendation=Recommendation.NO)
    assert Scorecard.objects.get(interviewer=alice).recommendation == Recommendation.NO
    assert AuditEvent.objects.filter(action="decision_reopened").count() == 1
    with pytest.raises(services.DecisionConflict):
        services.reopen_decision(decision=decision, manager=hiring_manager, reason="Again.")


# The pages


def test_the_debrief_page_shows_the_loop(client, candidate, interview, alice, bob, hiring_manager):
    submit_all(interview, alice, bob)
    amend(Scorecard.objects.get(interviewer=bob), bob, recommendation=Recommendation.YES)
    client.force_login(hiring_manager)
    response = client.get(reverse("debrief", args=[candidate.pk]))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.status == debrief.READY
    # Questions 1 and 2 are rated 4 and 2: 2 apart, first; question 3 (1 and 3) too.
    assert [(row.position, row.gap) for row in data.questions] == [
        (1, 2),
        (2, 2),
        (3, 2),
    ]
    assert [
        (card.interviewer.username, card.changed_after_debrief) for card in data.scorecards
    ] == [("alice", False), ("bob", True)]
    html = response.content.decode()
    assert "changed after debrief" in html
    assert "at the debrief: Strong no" in html


def test_questions_that_differ_come_first(
    client, candidate, interview, alice, bob, hiring_manager
):
    write_scorecard(interview, alice, [3, 3, 4])
    write_scorecard(interview, bob, [3, 2, 1])
    client.force_login(hiring_manager)
    data = client.get(reverse("debrief", args=[candidate.pk])).context["data"]
    assert [(row.position, row.differs) for row in data.questions] == [
        (3, True),
        (1, False),
        (2, False),
    ]


def test_the_blind_rule_holds_on_the_debrief(client, candidate, interview, alice, bob, carol):
    write_scorecard(interview, alice, [3, 3, 3])
    url = reverse("debrief", args=[candidate.pk])
    client.force_login(bob)  # assigned, scorecard pending
    assert client.get(url).status_code == 403
    client.force_login(carol)  # not on the loop
    assert client.get(url).status_code == 404
    client.force_login(alice)  # submitted
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"] is None


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_debrief_csv_has_the_scorecards_then_the_ratings(
    client, candidate, interview, alice, bob, hiring_manager
):
    write_scorecard(
        interview, alice, [4, 4, 1], recommendation=Recommendation.YES, summary="=1+1 strong"
    )
    write_scorecard(interview, bob, [2, 2, 3], recommendation=Recommendation.STRONG_NO)
    amend(Scorecard.objects.get(interviewer=bob), bob, recommendation=Recommendation.YES)
    client.force_login(hiring_manager)
    page = client.get(reverse("debrief", args=[candidate.pk])).content.decode()
    url = reverse("debrief_csv", args=[candidate.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="rubric-debrief-{candidate.pk}-'
    )
    header, *rows = csv_rows(response)
    assert header[:7] == [
        "Part",
        "Candidate",
        "Question set",
        "Interview",
        "Interviewer",
        "Shadow",
        "Recommendation",
    ]
    parts = [row[0] for row in rows]
    assert parts == ["Recommendation"] * 2 + ["Question"] * 6
    by_column = [dict(zip(header, row, strict=True)) for row in rows]
    alice_card, bob_card = by_column[:2]
    assert (alice_card["Candidate"], alice_card["Recommendation"], alice_card["Score"]) == (
        "Ada Lovelace",
        "Yes",
        "3.000",
    )
    # A summary that a spreadsheet would run as a formula is quoted.
    assert alice_card["Summary"] == "'=1+1 strong"
    assert (
        bob_card["Recommendation"],
        bob_card["Changed after debrief"],
        bob_card["Recommendation at debrief"],
        bob_card["Score at debrief"],
    ) == ("Yes", "yes", "Strong no", "2.333")
    # Every question's ratings are 2 apart; in loop order, alice's then bob's.
    first = by_column[2:4]
    assert [(row["Interviewer"], row["Rating"], row["Ratings apart"]) for row in first] == [
        ("alice", "4 Excellent", "2"),
        ("bob", "2 Mixed", "2"),
    ]


def test_the_blind_rule_holds_on_the_debrief_csv(client, candidate, interview, alice, bob, carol):
    write_scorecard(interview, alice, [3, 3, 3], summary="ALICE-SUMMARY")
    url = reverse("debrief_csv", args=[candidate.pk])
    client.force_login(bob)  # assigned, scorecard pending
    assert client.get(url).status_code == 403
    client.force_login(carol)  # not on the loop
    assert client.get(url).status_code == 404
    client.force_login(alice)  # submitted
    response = client.get(url)
    assert response.status_code == 200
    assert "ALICE-SUMMARY" in response.content.decode()


def test_the_manager_decides_through_the_page(
    client, candidate, interview, alice, bob, hiring_manager
):
    submit_all(interview, alice, bob)
    client.force_login(hiring_manager)
    url = reverse("decide", args=[candidate.pk])
    response = client.post(url, {"outcome": "no_hire", "rationale": "", "replaces": ""})
    assert response.status_code == 400
    assert Decision.objects.count() == 0
    response = client.post(url, {"outcome": "no_hire", "rationale": "Gaps.", "replaces": ""})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.outcome, decision.rationale) == ("no_hire", "Gaps.")
    # The same form posted again (another tab, a second manager) is a conflict.
    response = client.post(url, {"outcome": "hire", "rationale": "Other.", "replaces": ""})
    assert response.status_code == 409
    assert Decision.objects.count() == 1
    page = client.get(reverse("candidate_detail", args=[candidate.pk])).content.decode()
    assert 'data-outcome="no_hire"' in page
    response = client.post(
        reverse("reopen_decision", args=[candidate.pk]), {"reason": "New evidence."}
    )
    assert response.status_code == 302
    assert debrief.standing_decision(candidate) is None


def test_interviewers_cannot_decide(client, candidate, interview, alice, bob):
    submit_all(interview, alice, bob)
    client.force_login(alice)
    response = client.post(
        reverse("decide", args=[candidate.pk]), {"outcome": "hire", "rationale": "Me."}
    )
    assert response.status_code == 403
    assert Decision.objects.count() == 0


@pytest.mark.parametrize("panels", [1, 4])
def test_the_debrief_page_query_count_is_constant(
    client, django_assert_num_queries, candidate, hiring_manager, panels
):
    for number in range(panels):
        people = [interviewer_user(f"p{number}a"), interviewer_user(f"p{number}b")]
        loop = planned_interview(interviewers=people, candidate=candidate, stage=f"S{number}")
        for person in people:
            write_scorecard(loop, person, [3, 2])
    client.force_login(hiring_manager)
    # Session, user, the candidate with their debrief, permissions; the decisions,
    # scorecards, answers with their anchors, stored results and the loop's interviews; the
    # session saved (three, the first request after logging in).
    with django_assert_num_queries(12):
        assert client.get(reverse("debrief", args=[candidate.pk])).status_code == 200


# Compare


def test_compare_shows_and_filters_by_the_decision(
    client, candidate, interview, alice, bob, hiring_manager
):
    other = planned_interview(interviewers=[alice], question_set=interview.question_set)
    submit_all(interview, alice, bob)
    decide(candidate, hiring_manager, outcome="no_hire")
    client.force_login(hiring_manager)
    slug = interview.question_set.slug

    def shown(**filters):
        response = client.get(reverse("compare"), {"set": slug, **filters})
        assert response.status_code == 200
        return [(row.candidate_id, row.decision) for row in response.context["page"]]

    assert sorted(shown()) == sorted([(candidate.pk, "no_hire"), (other.candidate_id, None)])
    assert shown(decision="no_hire") == [(candidate.pk, "no_hire")]
    assert shown(decision="undecided") == [(other.candidate_id, None)]
    assert shown(decision="hire") == []
    assert sorted(shown(decision="bogus")) == sorted(shown())
    page = client.get(reverse("compare"), {"set": slug}).content.decode()
    assert f'href="/candidates/{candidate.pk}/debrief/">debrief</a>' in page
    csv = client.get(reverse("compare_csv"), {"set": slug, "decision": "no_hire"})
    lines = b"".join(csv.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "No hire" in lines[1]


# Export and erasure


def test_the_export_carries_the_decisions_and_erasure_keeps_only_the_outcome(
    candidate, interview, alice, bob, hiring_manager
):
    submit_all(interview, alice, bob)
    first = decide(candidate, hiring_manager, outcome="hold", level="L2")
    services.reopen_decision(decision=first, manager=hiring_manager, reason="More data.")
    decide(candidate, hiring_manager, outcome="hire", rationale="Ada's design was clear.")
    exported = services.export_candidate(candidate=candidate, actor=hiring_manager)
    assert [
        (row["outcome"], row["rationale"], row["standing"], row["reopen_reason"])
        for row in exported["decisions"]
    ] == [
        ("Hold", "Strong on evidence.", False, "More data."),
        ("Hire", "Ada's design was clear.", True, ""),
    ]
    services.erase_candidate(candidate=candidate, actor=hiring_manager)
    assert list(
        Decision.objects.order_by("decided_at").values_list(
            "outcome", "rationale", "level", "reopen_reason"
        )
    ) == [("hold", "", "", ""), ("hire", "", "", "")]
    assert debrief.loop_status(candidate) == debrief.DECIDED


def test_my_interviews_links_the_debrief_once_the_loop_is_in(client, interview, alice, bob):
    write_scorecard(interview, alice, [3, 3, 3])
    client.force_login(alice)
    url = reverse("debrief", args=[interview.candidate_id])
    assert url not in client.get(reverse("my_interviews")).content.decode()
    write_scorecard(interview, bob, [3, 3, 3])
    assert f'href="{url}">Debrief</a>' in client.get(reverse("my_interviews")).content.decode()


# Calibration after debriefs


def amend_all(interview, author, score, recommendation):
    scorecard = Scorecard.objects.get(interview=interview, interviewer=author)
    answers = {question.pk: (score, "") for question in interview.questions.all()}
    return amend(
        scorecard,
        author,
        recommendation=recommendation,
        answers=answers if score is not None else {},
    )


def test_drift_after_debriefs_and_agreement_with_decisions_by_hand(
    client, interview, alice, bob, carol, hiring_manager
):
    ada = interview.candidate
    interview.interviewers.add(carol)
    write_scorecard(interview, alice, [4, 4, 4], recommendation=Recommendation.STRONG_YES)
    write_scorecard(interview, bob, [2, 2, 2], recommendation=Recommendation.NO)
    write_scorecard(interview, carol, [3, 3, 3], recommendation=Recommendation.YES)
    other = planned_interview(interviewers=[alice, bob], questions=3)
    write_scorecard(other, alice, [1, 1, 1], recommendation=Recommendation.STRONG_NO)
    write_scorecard(other, bob, [2, 2, 2], recommendation=Recommendation.YES)
    # After the debriefs: bob 2 → 3, the rest's mean (4 + 3) / 2 = 3.5, so toward it; alice
    # only softens her recommendation on Ada, and goes 1 → 4 on the other, whose rest is
    # bob's 2: |4 − 2| > |1 − 2|, away.
    amend_all(interview, bob, 3, Recommendation.YES)
    amend_all(interview, alice, None, Recommendation.YES)
    amend_all(other, alice, 4, Recommendation.NO)
    decide(ada, hiring_manager, outcome="hire")
    decide(other.candidate, hiring_manager, outcome="no_hire")

    figures = calibration.debrief_calibration(Scorecard.objects.filter(submitted_at__isnull=False))
    summary = {
        user.username: (
            figures[user.pk].debriefed,
            figures[user.pk].moved,
            figures[user.pk].score_distance,
            figures[user.pk].recommendation_distance,
            figures[user.pk].toward,
            figures[user.pk].away,
            figures[user.pk].decided,
            figures[user.pk].agreement,
        )
        for user in (alice, bob, carol)
    }
    assert summary == {
        # moved twice: score 0 and 3 (mean 1.5), recommendation 4 → 3 and 1 → 2; YES on the
        # hire and NO on the no hire: both agree.
        "alice": (2, 2, 1.5, 1.0, 0, 1, 2, 1.0),
        # moved once by 1 and one step, toward; YES on both: agrees with the hire only.
        "bob": (2, 1, 1.0, 1.0, 1, 0, 2, 0.5),
        "carol": (1, 0, None, None, 0, 0, 1, 1.0),
    }
    client.force_login(hiring_manager)
    page = client.get(reverse("calibration")).content.decode()
    assert "1 of 2" in page
    assert "1 toward, 0 away" in page
    # The interviewers' CSV has the same figures, in its last eight columns.
    header, *rows = csv.reader(
        io.StringIO(client.get(reverse("calibration_interviewers_csv")).content.decode())
    )
    assert header[-8:] == [
        "Debriefed scorecards",
        "Changed after debrief",
        "Mean score change",
        "Mean recommendation change",
        "Moved toward panel",
        "Moved away from panel",
        "Decided scorecards",
        "Agreement with decision",
    ]
    names = {
        selectors.person_name(u.first_name, u.last_name, u.username): u.username
        for u in (alice, bob, carol)
    }
    assert {names[row[0]]: row[-8:] for row in rows} == {
        "alice": ["2", "2", "1.5", "1.0", "0", "1", "2", "1.0"],
        "bob": ["2", "1", "1.0", "1.0", "1", "0", "2", "0.5"],
        "carol": ["1", "0", "", "", "0", "0", "1", "1.0"],
    }
