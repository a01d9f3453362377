"""Courses: catalogue, enrollment, rosters, materials, feedback and assignments."""
