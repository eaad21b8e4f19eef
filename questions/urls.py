from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_sets, name="question_sets"),
    path("questions/<slug:slug>/", views.question_set_detail, name="question_set_detail"),
]
