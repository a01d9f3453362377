"""What every response of the site must say about what its page may load and use."""

from __future__ import annotations

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def policy_problems(response, *, microphone: bool = False) -> list[str]:
    """What is wrong with the response's Content-Security-Policy and Permissions-Policy
    (nothing: an empty list). ``microphone``: the page may use it (the classroom)."""
    problems = []
    csp = response.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    elif "sandbox" not in csp:  # a material download has a stricter policy of its own
        found = directives(csp)
        for name, value in STRICT.items():
            if found.get(name) != value:
                problems.append(f"CSP {name} is {found.get(name)!r}, not {value!r}")
        if "unsafe-" in csp:
            problems.append(f"CSP allows unsafe-…: {csp}")
    features = response.get("Permissions-Policy", "")
    expected = "microphone=(self)" if microphone else "microphone=()"
    if expected not in features.split(", "):
        problems.append(f"Permissions-Policy lacks {expected}: {features!r}")
    if "camera=()" not in features.split(", "):
        problems.append(f"Permissions-Policy lacks camera=(): {features!r}")
    return problems
