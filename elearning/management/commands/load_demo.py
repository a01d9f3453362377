"""Create the demo accounts (idempotent) and print how to log in with them."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import StatusUpdate, User
from assignments import services as assignment_services
from assignments.models import Kind
from courses import services as course_services
from courses.models import Course
from courses.uploads import inspect_upload
from invitations import services as invitation_services
from invitations.models import Invitation, JoinLink

DEMO_PASSWORD = "learn-together-2026"

DEMO_USERS = [
    # username, full name, role, staff
    ("admin", "Site Admin", User.Role.TEACHER, True),
    ("teacher", "Maria Teacher", User.Role.TEACHER, False),
    ("teacher2", "Omar Lecturer", User.Role.TEACHER, False),
    ("alice", "Alice Student", User.Role.STUDENT, False),
    ("bob", "Bob Student", User.Role.STUDENT, False),
    ("chen", "Chen Student", User.Role.STUDENT, False),
]


class Command(BaseCommand):
    help = "Create demo accounts (safe to run again: existing ones are left as they are)."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for username, full_name, role, staff in DEMO_USERS:
            user, was_created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "role": role,
                    "email": f"{username}@example.com",
                    "is_staff": staff,
                    "is_superuser": staff,
                },
            )
            if was_created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created += 1
        courses_created = self._courses()
        self._assignments()
        join_code = self._invitations()
        self._statuses()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} accounts, {courses_created} courses created).")
        )
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for username, _full_name, role, staff in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {'admin' if staff else role}")
        self.stdout.write(f"Join link of HIST-8: /join/{join_code}/ (teacher's Invitations page lists a pending invitation)")

    def _invitations(self) -> str:
        """A pending invitation (its e-mail appears on the console) and a course join link."""
        teacher = User.objects.get(username="teacher")
        course = Course.objects.get(code="MATH-7B")
        if not Invitation.objects.filter(invited_by=teacher).exists():
            invitation_services.invitation_invite(
                invited_by=teacher, email="dana@example.com", full_name="Dana Student", role="student", course=course
            )
        history = Course.objects.get(code="HIST-8")
        link = JoinLink.objects.filter(course=history).first() or invitation_services.join_link_enable(
            course=history, by=teacher
        )
        return link.code

    def _courses(self) -> int:
        teacher = User.objects.get(username="teacher")
        created = 0
        for code, title, description, students, materials, ratings in DEMO_COURSES:
            course = Course.objects.filter(code=code).first()
            if course is None:
                course = course_services.course_create(
                    teacher=teacher, title=title, code=code, description=description
                )
                created += 1
                for username in students:
                    course_services.enrollment_enroll(
                        student=User.objects.get(username=username), course=course
                    )
                for material_title, name, text in materials:
                    upload = SimpleUploadedFile(name, text.encode())
                    course_services.material_upload(
                        course=course, uploaded_by=teacher, title=material_title, upload=upload,
                        inspected=inspect_upload(upload, max_bytes=1024 * 1024),
                    )
                for username, rating, comment in ratings:
                    course_services.feedback_submit(
                        course=course, student=User.objects.get(username=username), rating=rating, comment=comment
                    )
        return created

    def _statuses(self) -> None:
        """A few status updates for the home pages (statuses last 24 hours: a re-run renews the
        expired ones)."""
        for username, text in DEMO_STATUSES:
            user = User.objects.get(username=username)
            if not StatusUpdate.objects.active().filter(user=user).exists():
                account_services.status_update_post(user=user, text=text)

    def _assignments(self) -> None:
        """A published quiz (due in a week) and a flashcard deck in the biology course."""
        course = Course.objects.filter(code="BIO-9A").first()
        if course is None or course.assignments.exists():
            return
        quiz = assignment_services.assignment_create(
            course=course, created_by=course.teacher, kind=Kind.QUIZ, title="Cells: the basics",
            deadline=timezone.now() + timedelta(days=7),
        )
        for text, options, correct in DEMO_QUIZ:
            assignment_services.question_add(assignment=quiz, text=text, options=options, correct=correct)
        assignment_services.assignment_publish(assignment=quiz)
        deck = assignment_services.assignment_create(
            course=course, created_by=course.teacher, kind=Kind.FLASHCARDS, title="Organelles"
        )
        for front, back in DEMO_CARDS:
            assignment_services.card_add(assignment=deck, front=front, back=back)
        assignment_services.assignment_publish(assignment=deck)


DEMO_STATUSES = [
    ("teacher", "Marking the year 7 equations quiz tonight; results on Friday."),
    ("alice", "Finished the week 1 sheet. 3x + 4 = 19 gives x = 5!"),
]

DEMO_QUIZ = [
    ("Which organelle holds a cell's DNA?", ["The nucleus", "The ribosome", "The cell wall", "The vacuole"], 0),
    ("What do mitochondria mainly do?", ["Store water", "Release energy from food", "Make proteins"], 1),
    ("Which cells have a cell wall?", ["Animal cells", "Plant cells", "Neither"], 1),
    ("What controls what enters and leaves a cell?", ["The cell membrane", "The nucleus", "Chlorophyll"], 0),
]

DEMO_CARDS = [
    ("Nucleus", "Holds the cell's DNA and controls its activities."),
    ("Mitochondrion", "Releases energy from glucose by respiration."),
    ("Ribosome", "Makes proteins."),
    ("Chloroplast", "Where photosynthesis happens (plant cells)."),
    ("Cell membrane", "Controls what enters and leaves the cell."),
]

DEMO_COURSES = [
    # code, title, description, students, materials (title, file name, text), feedback
    (
        "MATH-7B", "Algebra for year 7", "Equations, fractions and the joy of x.", ["alice", "bob"],
        [("Week 1: what is x?", "week-1.md", "# Week 1\n\n1. Read chapter 1.\n2. Solve 3x + 4 = 19.\n")],
        [("alice", 5, "The worked examples really helped."), ("bob", 4, "")],
    ),
    (
        "BIO-9A", "Cell biology", "Cells, organelles and membranes, with a microscope lab.", ["alice"],
        [("Lab safety rules", "lab-safety.txt", "Goggles on. No food in the lab. Report every spill.\n")],
        [],
    ),
    ("HIST-8", "Ancient civilisations", "Mesopotamia to Rome in twelve weeks.", [], [], []),
]
