"""The home page: the landing page for visitors, each role's dashboard for everyone signed in.

It sits at the top layer because a dashboard gathers every app's news (courses, feedback,
and next assignments and invitations)."""

from django.shortcuts import render

from accounts import permissions as account_permissions
from accounts import selectors as account_selectors
from assignments import selectors as assignment_selectors
from accounts.forms import StatusUpdateForm
from courses import selectors as course_selectors
from invitations import selectors as invitation_selectors


def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "landing.html")
    # Every dashboard shows status updates from the people who share a course with the user.
    statuses = {"statuses": course_selectors.statuses_for(viewer=user), "status_form": StatusUpdateForm()}
    if account_permissions.is_site_admin(user):
        return render(
            request, "elearning/dashboard_admin.html", {**account_selectors.admin_dashboard(), **statuses}
        )
    if account_permissions.is_teacher(user):
        return render(
            request,
            "elearning/dashboard_teacher.html",
            {
                "courses": course_selectors.courses_taught(teacher=user),
                "recent_feedback": course_selectors.recent_feedback(teacher=user),
                "average_rating": course_selectors.teacher_average_rating(teacher=user),
                "recent_submissions": assignment_selectors.recent_submissions(teacher=user),
                "invitations": invitation_selectors.dashboard_summary(inviter=user),
                **statuses,
            },
        )
    return render(
        request,
        "elearning/dashboard_student.html",
        {
            "courses": course_selectors.courses_enrolled(student=user),
            "courses_to_join": course_selectors.courses_to_join(student=user),
            "upcoming_deadlines": assignment_selectors.upcoming_deadlines(student=user),
            **statuses,
        },
    )
