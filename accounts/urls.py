from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .models import User

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup_choice, name="signup"),
    path("signup/student/", views.SignUpView.as_view(role=User.Role.STUDENT), name="signup_student"),
    path("signup/teacher/", views.SignUpView.as_view(role=User.Role.TEACHER), name="signup_teacher"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("status/", views.status_post, name="status_post"),
    path("status/delete/", views.status_delete, name="status_delete"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
