"""Generation from a 300-page PDF: extraction, upload-to-result with a local model, grounding.

    .venv/bin/python -m bench.assignments [--pages 300] [--count 30] [--latency 0.0]

Builds a PDF of ``--pages`` pages (~3,300 characters of distinct text each, Helvetica text
operators, Flate-compressed, like a word processor's export), then measures:
- extraction with pypdf, page by page: time (best of 3) and peak memory (the process's
  high-water mark, reset before the run, and Python's own allocations via tracemalloc);
- upload to result with the local model server (assignments/tests/modelserver.py, a grounded
  responder answering each request after ``--latency`` seconds): the whole ``generate`` call,
  its stages, requests and tokens; and the same with the basic generator (no model);
- the grounding check (schema, quotes on their cited pages, duplicates, repeated options):
  its time and its share of the run.
Goals (issue 12): extraction ≤ 10 s and ≤ 200 MB; the check adds ≤ 5 % to the run.
Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elearning.settings")

import django

django.setup()

from django.conf import settings

from assignments import llm
from assignments.generation import generate
from assignments.grounding import PageIndex, flag_items
from assignments.pdf import extract_pages
from assignments.tests.modelserver import ModelServer, grounded_responder
from assignments.tests.pdfs import biology_pages, text_pdf

MB = 1024 * 1024


def vm(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def dense_pages(count: int) -> list[str]:
    """``count`` pages of about 3,300 characters, no two alike."""
    pool = biology_pages(count * 3)
    return ["\n\n".join((pool[n], pool[n + count], pool[n + 2 * count])) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds the model server takes per answer")
    args = parser.parse_args()

    settings.ASSIGNMENT_PDF_MAX_PAGES = max(settings.ASSIGNMENT_PDF_MAX_PAGES, args.pages)
    pages = dense_pages(args.pages)
    pdf = text_pdf(pages)
    limits = {"max_bytes": settings.ASSIGNMENT_PDF_MAX_MB * MB, "max_pages": settings.ASSIGNMENT_PDF_MAX_PAGES}
    rows: list[tuple[str, str, str]] = []
    chars = sum(map(len, pages))
    rows.append(("PDF", f"{args.pages} pages, {chars / 1000:.0f}k characters, {len(pdf) / MB:.2f} MB", ""))

    # Extraction: time, then memory (tracemalloc slows Python down, so separately).
    times = []
    for _ in range(3):
        started = time.perf_counter()
        extracted = extract_pages(pdf, **limits)
        times.append(time.perf_counter() - started)
    assert len(extracted) == args.pages
    rows.append(("extraction time (best of 3)", f"{min(times):.2f} s ({min(times) / args.pages * 1000:.1f} ms/page)", "≤ 10 s"))
    baseline = vm("VmRSS")
    can_reset = reset_peak()
    extract_pages(pdf, **limits)
    if can_reset:
        rows.append(("extraction peak RSS", f"{vm('VmHWM'):.0f} MB (+{vm('VmHWM') - baseline:.0f} MB over {baseline:.0f} MB)", "≤ 200 MB"))
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(("process peak RSS (whole run so far)", f"{peak:.0f} MB", "≤ 200 MB"))
    tracemalloc.start()
    extract_pages(pdf, **limits)
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows.append(("extraction peak Python allocations", f"{python_peak / MB:.1f} MB", ""))

    # Upload to result with the local model server.
    llm._mode_cache.clear()
    responder = grounded_responder()

    def slow(request):
        reply = responder(request)
        reply.delay = args.latency
        return reply

    with ModelServer(responder=slow) as server:
        settings.OPENAI_BASE_URL = server.url
        settings.OPENAI_API_KEY = ""
        runs = []
        for _ in range(3):
            server.requests.clear()
            started = time.perf_counter()
            result = generate(pdf, kind="quiz", count=args.count)
            runs.append((time.perf_counter() - started, result, len(server.requests)))
    total, result, requests = min(runs, key=lambda run: run[0])
    timings = result.timings
    rows.append((
        f"upload to result, model ({requests} requests)",
        f"{total:.2f} s: reading {timings['reading']:.2f}, asking {timings['asking']:.2f}, checking {timings['checking']:.3f}",
        "",
    ))
    rows.append(("  items / flagged / tokens in+out",
                 f"{len(result.items)} / {sum(1 for i in result.items if i['flags'])} / {result.prompt_tokens}+{result.completion_tokens}", ""))
    check_share = timings["checking"] / total
    rows.append(("grounding check in the run (merge, flags)", f"{timings['checking'] * 1000:.1f} ms = {check_share:.2%} of the run", "≤ 5 %"))

    # The check alone on fresh pages (normalising every cited page again).
    samples = []
    for _ in range(5):
        items = [dict(item, flags=[]) for item in result.items]
        started = time.perf_counter()
        flag_items("quiz", items, PageIndex(result.pages_text))
        samples.append(time.perf_counter() - started)
    rows.append(("grounding check alone, 30 items", f"{statistics.median(samples) * 1000:.1f} ms", ""))

    settings.OPENAI_BASE_URL = ""
    started = time.perf_counter()
    basic = generate(pdf, kind="quiz", count=args.count)
    basic_total = time.perf_counter() - started
    rows.append((
        "upload to result, basic generator",
        f"{basic_total:.2f} s: reading {basic.timings['reading']:.2f}, generating {basic.timings['asking']:.2f}, "
        f"checking {basic.timings['checking']:.3f} ({basic.timings['checking'] / basic_total:.2%})",
        "",
    ))
    rows.append(("  items / flagged / pages cited from–to",
                 f"{len(basic.items)} / {sum(1 for i in basic.items if i['flags'])} / "
                 f"{min(i['page'] for i in basic.items)}–{max(i['page'] for i in basic.items)}", ""))

    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    print(f"{'measure'.ljust(width)} | {'result'.ljust(value_width)} | goal")
    print(f"{'-' * width}-|-{'-' * value_width}-|-----")
    for name, value, goal in rows:
        print(f"{name.ljust(width)} | {value.ljust(value_width)} | {goal}")


if __name__ == "__main__":
    main()
