"""Assignments (a feature app above courses): quizzes and flashcard decks of a course, generated from a PDF or written by hand, reviewed, taken and exported."""
