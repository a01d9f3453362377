"""static/js/reconnecting-socket.js in Chromium: the backoff between attempts, its ceiling and its
jitter, and a send that says it failed. (Its use by the classroom and the badge — reconnecting
after a drop, stopping on a final close code — is tested with them.)"""

import pytest

pytestmark = pytest.mark.browser


def test_backoff_doubles_with_jitter_up_to_its_ceiling_and_send_reports_failure(page):
    page.goto("/")
    # A socket path the server refuses at the handshake: every attempt fails at once. (On the
    # page's own host: the Content-Security-Policy lets a page open sockets to nowhere else.)
    result = page.evaluate(
        """async () => {
            const { ReconnectingSocket } = await import("/static/js/reconnecting-socket.js");
            const closes = [];
            let sent;
            await new Promise((done) => {
                const socket = new ReconnectingSocket("/ws/no-such-socket/", {
                    minDelay: 40, maxDelay: 320,
                    onClose: (close) => {
                        closes.push(close);
                        if (closes.length === 1) sent = socket.send("hello");
                        if (closes.length === 7) { socket.close(); done(); }
                    },
                });
                socket.open();
            });
            return { closes, sent };
        }"""
    )
    assert result["sent"] is False
    delays = [close["delay"] for close in result["closes"]]
    assert all(close["final"] is False for close in result["closes"])
    # Between half and all of min(320, 40 · 2^attempt): 20–40, 40–80, 80–160, 160–320, then capped.
    for attempt, delay in enumerate(delays):
        ceiling = min(320, 40 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling, (attempt, delays)
    # Jitter: seven draws are not all at the same point of their ranges.
    fractions = {round(delay / min(320, 40 * 2**attempt), 2) for attempt, delay in enumerate(delays)}
    assert len(fractions) > 1, delays
