"""Debian's Chromium driven by Playwright, with axe-core accessibility checks and screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = f"() => {{ {AXE_JS.read_text()}\n }}"  # a function: evaluate() calls it
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
MOBILE = {"width": 375, "height": 812}
# Tests wait on expect(...) as long as on any other action (the contexts' default timeout): a
# shared 2-core machine under load is slower than Playwright's 5 s default assumes.
expect.set_options(timeout=10_000)


def launch(playwright, extra_args: list[str] | None = None):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + (extra_args or [])
    )


# Reports every Content-Security-Policy violation of the page (and of its frames) to the test.
# An init script runs before the page's own scripts and is not subject to the page's policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportPolicyViolation(`${e.effectiveDirective} refused ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || location.pathname}:${e.lineNumber} (${e.sample || ""})`);
}, true);
"""


def watch_policy_violations(context) -> list[str]:
    """Collect, on ``context.policy_violations``, every CSP violation its pages meet: the
    ``securitypolicyviolation`` events and Chromium's console "Refused to …" messages.
    ``assert_accessible`` (so every page a browser test looks at) fails on any."""
    violations: list[str] = []
    context.policy_violations = violations
    context.expose_binding("__reportPolicyViolation", lambda source, text: violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        if "Content Security Policy" in message.text or message.text.startswith("Refused to"):
            violations.append(f"console: {message.text[:300]}")

    context.on("console", on_console)
    return violations


def assert_no_policy_violations(page, *, context: str = "") -> None:
    violations = getattr(page.context, "policy_violations", None)
    if violations:
        found, violations[:] = list(violations), []  # reported once
        raise AssertionError(f"Content-Security-Policy violations by {context or page.url}:\n  " + "\n  ".join(found))


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation (and on
    any Content-Security-Policy violation met so far, when the context is watched)."""
    assert_no_policy_violations(page, context=context)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as an inline <script>: the pages'
        # Content-Security-Policy refuses inline scripts, and a test must not weaken it.
        page.evaluate(AXE_SOURCE)
    results = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    bad = [v for v in results if v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations on {context or page.url}:\n" + "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} at {v['nodes']}" for v in bad
    )


def screenshot(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
