"""What the tests of the live page's saves share: the JSON a page asks for, the questions of
an interview in the order asked, and the address a question's answer is saved to."""

from django.urls import reverse

JSON = {"Accept": "application/json"}


def questions(interview):
    return list(interview.questions.order_by("position", "follow_up_number"))


def save_url(interview, question):
    return reverse("save_answer", args=[interview.pk, question.pk])
