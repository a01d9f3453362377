import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    type = "enrolled"
    title = factory.Sequence(lambda n: f"Notification {n}")
    message = "Something happened in your course."
    link = "/courses/"
