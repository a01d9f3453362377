"""Courses (above notifications): catalogue, enrollment, rosters and blocks, materials, feedback."""
