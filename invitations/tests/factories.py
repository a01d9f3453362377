import factory
from django.utils import timezone

from accounts.tests.factories import TeacherFactory
from invitations import tokens
from invitations.models import Invitation


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    invited_by = factory.SubFactory(TeacherFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@school.test")
    full_name = factory.Faker("name")
    role = Invitation.Role.STUDENT
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=30))
    token_nonce = factory.LazyFunction(tokens.new_nonce)
    token_hash = factory.LazyAttribute(lambda o: tokens.hash_token(tokens.token_for(o.token_nonce)))


def token_of(invitation: Invitation) -> str:
    return tokens.token_for(invitation.token_nonce)


def accept_url(invitation: Invitation) -> str:
    return f"/invite/{token_of(invitation)}/"
