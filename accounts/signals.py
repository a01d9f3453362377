"""What accounts announce to the apps above them (they connect in ``AppConfig.ready()``)."""

from django.dispatch import Signal

# An account was blocked (by the admin action, the admin's change form or the service); sent
# inside the transaction that blocked it. Receivers close the user's live sockets on commit.
# Keyword arguments: user (User).
user_blocked = Signal()
