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
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
MOBILE = {"width": 375, "height": 812}
# Tests wait on expect(...) as long as on any other action (the contexts' default timeout): a
# shared 2-core machine under load is slower than Playwright's 5 s default assumes.
expect.set_options(timeout=10_000)


def launch(playwright, extra_args: list[str] | None = None):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + (extra_args or [])
    )


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
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
