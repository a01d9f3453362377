"""Reactions of assignments to what courses announce (connected in apps.py)."""

from . import services


def delete_source_files(sender, *, course, **kwargs) -> None:
    """A deleted course takes its assignments' rows with it; their PDFs leave storage too."""
    services.course_source_files_delete_on_commit(course=course)
