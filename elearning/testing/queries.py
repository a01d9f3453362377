"""Query counting: a page's number of queries must not grow with the rows it shows."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(action: Callable[[], object]) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        action()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def assert_queries_flat(
    action: Callable[[], object], grow: Callable[[int], object], *, small: int = 1, large: int = 50
) -> int:
    """Run ``action`` with ``small`` rows, grow to ``large`` rows, run it again: same count.

    ``grow(n)`` adds n more rows of whatever the page lists. Returns the query count.
    """
    grow(small)
    before, _ = count_queries(action)
    grow(large - small)
    after, queries = count_queries(action)
    assert after == before, (
        f"query count grew from {before} to {after} going from {small} to {large} rows:\n"
        + "\n".join(queries)
    )
    return after
