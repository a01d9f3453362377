import hashlib

import factory

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses.models import Course, CourseBlock, CourseMaterial, Enrollment, Feedback


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    teacher = factory.SubFactory(TeacherFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    code = factory.Sequence(lambda n: f"C-{n:04d}")
    description = factory.Faker("paragraph")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    student = factory.SubFactory(StudentFactory)
    course = factory.SubFactory(CourseFactory)


class CourseBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseBlock

    student = factory.SubFactory(StudentFactory)
    course = factory.SubFactory(CourseFactory)


def _sha256(file) -> str:
    file.seek(0)
    digest = hashlib.sha256(file.read()).hexdigest()
    file.seek(0)
    return digest


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseMaterial

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Handout {n}")
    kind = CourseMaterial.Kind.DOCUMENT
    content_type = "application/pdf"
    original_name = "handout.pdf"
    size = factory.LazyAttribute(lambda m: m.file.size)
    file = factory.django.FileField(filename="handout.pdf", data=b"%PDF-1.4\n%%EOF\n")
    sha256 = factory.LazyAttribute(lambda m: _sha256(m.file))
    uploaded_by = factory.LazyAttribute(lambda m: m.course.teacher)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    course = factory.SubFactory(CourseFactory)
    student = factory.SubFactory(StudentFactory)
    rating = 4
    comment = factory.Faker("sentence")
