from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationCentreView.as_view(), name="centre"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
]
