"""What courses announce to the apps above them (they connect in ``AppConfig.ready()``).

courses never imports a feature app: the classroom closing a removed student's sockets, for
one, is the classroom's reaction to ``access_revoked``.
"""

from django.dispatch import Signal

# A student lost access to a course: unenrolled, removed or blocked by its teacher.
# Sent inside the transaction that took it away; receivers schedule their effects on commit.
# Keyword arguments: course (Course), user_id (int).
access_revoked = Signal()

# A course was closed (``is_active`` turned off; sent inside the saving transaction): its students
# lose the classroom (``permissions.can_take_part``). Keyword arguments: course (Course).
course_closed = Signal()

# A course is about to be deleted (sent inside the deletion transaction, before the delete).
# Keyword arguments: course (Course).
course_deleted = Signal()
