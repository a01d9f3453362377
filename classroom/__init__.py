"""Classroom (a feature app above courses): a course's live room — chat, whiteboard, audio — over a WebSocket."""
