"""Classroom: the live room of a course (chat, whiteboard, audio) over a WebSocket."""
