from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.vary import vary_on_headers

from config import roles

from . import selectors
from .models import QuestionSet


def home(request):
    """Each role starts where its work is."""
    if request.user.groups.filter(name=roles.INTERVIEWER).exists():
        return redirect("my_interviews")
    if request.user.has_perm("interviews.add_interview"):
        return redirect("interview_list")
    return redirect("question_sets")


def question_sets(request):
    return render(
        request,
        "questions/question_sets.html",
        {"question_sets": selectors.question_sets_with_counts()},
    )


@vary_on_headers("HX-Request")
def question_set_detail(request, slug):
    question_set = get_object_or_404(QuestionSet, slug=slug)
    text = request.GET.get("q", "").strip()
    include_retired = request.GET.get("retired") == "1"
    questions = selectors.search_questions(
        question_set, text=text, include_retired=include_retired
    )
    template = "questions/question_set_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#question-list"
    return render(
        request,
        template,
        {
            "question_set": question_set,
            "questions": questions,
            "text": text,
            "include_retired": include_retired,
        },
    )
