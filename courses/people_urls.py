"""URLs of the people search, mounted at ``/accounts/search/`` (see courses.people)."""

from django.urls import path

from . import people

app_name = "people"

urlpatterns = [
    path("", people.PeopleSearchView.as_view(), name="search"),
    path("add/", people.add_to_course, name="add"),
]
