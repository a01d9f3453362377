"""A stand-in for the generation pipeline (``assignments.generation`` and ``assignments.pdf``,
built on another branch) with the same interface, so the app's own tests do not depend on it.

Tests patch ``assignments.tasks.generate`` / ``regenerate_item`` with ``FakeGenerator``; until
the pipeline's branch is merged, ``install_if_missing()`` also puts these modules in place.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path


class GenerationError(Exception):
    def __init__(self, message: str, code: str = "error"):
        super().__init__(message)
        self.code = code


class PdfError(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass
class GenerationResult:
    items: list[dict]
    generator: str = "basic"
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    language: str = "en"
    pages: int = 1


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
                                prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens)


def generate(pdf_bytes, *, kind, count, api_key, on_stage):
    return FakeGenerator()(pdf_bytes, kind=kind, count=count, api_key=api_key, on_stage=on_stage)


def regenerate_item(pdf_text_pages, *, kind, item, existing=(), api_key=None):
    if kind == "quiz":
        return {"question": "A regenerated question?", "options": ["yes", "no"], "correct": 0, "page": 1,
                "quote": "regenerated", "flags": []}
    return {"front": "Regenerated front", "back": "Regenerated back", "page": 1, "quote": "regenerated", "flags": []}


def extract_pages(pdf_bytes: bytes, *, max_bytes: int, max_pages: int) -> list[str]:
    return ["page one text"]


def install_for_tests() -> None:
    """Called by the root conftest: the stand-ins here, and for the processes the tests start
    (Daphne, the task worker) through a sitecustomize on PYTHONPATH. No-op once merged."""
    if importlib.util.find_spec("assignments.generation") is not None:
        return
    install_if_missing()
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).parent / "premerge"), os.environ.get("PYTHONPATH", "")])
    )


def install_if_missing() -> None:
    """Until the pipeline is merged: register these as ``assignments.generation`` / ``.pdf``."""
    if importlib.util.find_spec("assignments.generation") is None:
        module = types.ModuleType("assignments.generation")
        module.generate, module.GenerationError, module.regenerate_item = generate, GenerationError, regenerate_item
        module.GenerationResult, module.Stage = GenerationResult, str
        sys.modules["assignments.generation"] = module
    if importlib.util.find_spec("assignments.pdf") is None:
        module = types.ModuleType("assignments.pdf")
        module.extract_pages, module.PdfError = extract_pages, PdfError
        sys.modules["assignments.pdf"] = module
