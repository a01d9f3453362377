import factory

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses.models import Course, CourseBlock, Enrollment


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
