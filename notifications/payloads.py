"""Every message of the notifications WebSocket, defined in one place.

The server pushes to the group ``user.<id>`` of each recipient (see ``user_group``); the
consumer relays the event to the browser as the same JSON object:

- ``{"type": "notifications.new", "unread": 3, "title": "…", "link": "/courses/4/"}``
  a notification arrived; ``unread`` is the recipient's new unread count.
- ``{"type": "notifications.count", "unread": 0}``
  the unread count changed for another reason (marked read in another tab), and the first
  frame after connecting, so a reconnected badge is right again.

- ``{"type": "notifications.close"}`` (layer event only): the account was blocked or signed
  out; the consumer closes the socket with 4401 and the page stops retrying.

The browser may send ``{"type": "ping"}`` and gets ``{"type": "pong"}``; anything else gets
``{"type": "error", "error": "…"}`` and the socket stays open.
"""

from __future__ import annotations

from typing import TypedDict

NEW = "notifications.new"
COUNT = "notifications.count"
CLOSE = "notifications.close"
PING = "ping"
PONG = "pong"
ERROR = "error"


class NewNotification(TypedDict):
    type: str
    unread: int
    title: str
    link: str


class UnreadCount(TypedDict):
    type: str
    unread: int


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def new_notification(*, unread: int, title: str, link: str) -> NewNotification:
    return {"type": NEW, "unread": unread, "title": title, "link": link}


def unread_count(*, unread: int) -> UnreadCount:
    return {"type": COUNT, "unread": unread}
