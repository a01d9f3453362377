"""A scriptable stand-in for ``assignments.generation.generate``: the app's tests of tasks and
views patch ``assignments.tasks.generate`` with ``FakeGenerator`` to choose items and failures
(the pipeline itself is tested in test_generation_*.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assignments.generation import GenerationResult


def quiz_items(count: int) -> list[dict]:
    return [
        {
            "question": f"What is {n} + {n}?",
            "options": [str(2 * n), str(2 * n + 1), str(2 * n + 2)],
            "correct": 0,
            "page": 1 + n % 3,
            "quote": f"{n} + {n} = {2 * n}",
            "flags": ["source_not_found"] if n == 1 else [],
        }
        for n in range(1, count + 1)
    ]


def card_items(count: int) -> list[dict]:
    return [
        {"front": f"Term {n}", "back": f"Meaning {n}", "page": n, "quote": f"Term {n} means {n}", "flags": []}
        for n in range(1, count + 1)
    ]


@dataclass
class FakeGenerator:
    """Callable like ``generate``: reports the three stages, returns ``count`` items or raises
    ``error``; remembers its calls."""

    error: Exception | None = None
    generator: str = "basic"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    items: list[dict] | None = None
    calls: list[dict] = field(default_factory=list)

    def __call__(self, pdf_bytes: bytes, *, kind: str, count: int, api_key, on_stage):
        self.calls.append({"bytes": pdf_bytes, "kind": kind, "count": count, "api_key": api_key})
        for stage in ("reading", "asking", "checking"):
            on_stage(stage)
        if self.error:
            raise self.error
        items = self.items if self.items is not None else (quiz_items(count) if kind == "quiz" else card_items(count))
        return GenerationResult(items=items, generator=self.generator, model="fake-model" if self.generator == "model" else "",
                                prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens,
                                language="en", pages=3, pages_text=["page one", "page two", "page three"])
