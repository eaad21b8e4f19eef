"""The benchmark's data generator (bench/data.py) writes consistent data: what it stores
directly matches what the services would have stored."""

import pytest
from django.core.management import call_command

from bench import data
from interviews.models import Candidate
from scoring.models import CandidateResult, Rating, Scorecard

pytestmark = pytest.mark.django_db


def test_the_generated_data_has_true_stored_results():
    addresses = data.generate(6, seed=3)
    call_command("recompute_results", "--check")
    graded = CandidateResult.objects.filter(scorecard_count__gt=0).count()
    # Every candidate has a result, the only-scheduled ones and the live page's an empty one.
    assert Candidate.objects.count() == CandidateResult.objects.count() == 6 + 1
    assert Scorecard.objects.filter(submitted_at__isnull=False).count() == 3 * graded
    assert Rating.objects.count() == addresses["answers"] == 3 * 24 * graded
    assert len(addresses["grid"]) == 3
