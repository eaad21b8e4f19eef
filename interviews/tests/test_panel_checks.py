"""A panel is refused in words on its own field: none at all, or someone outside the
Interviewer group (the first message went unchecked under `make mutate`)."""

import pytest
from django.core.exceptions import ValidationError

from interviews.tests.factories import planned_interview

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("panel", "message"),
    [
        ([], "Assign at least one interviewer."),
        (["alice", "hiring_manager", "curator"], "Not in the Interviewer group: harper, cora."),
    ],
)
def test_a_panel_is_refused_on_its_field(panel, message, request):
    interviewers = [request.getfixturevalue(name) for name in panel]
    with pytest.raises(ValidationError) as refused:
        planned_interview(interviewers=interviewers)
    assert refused.value.message_dict == {"interviewers": [message]}
