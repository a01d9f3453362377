"""The classroom page and its HTTP chat fallback (used while the WebSocket is down)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from courses.access import course_or_deny

from . import events, permissions, selectors, services
from .forms import ChatForm
from .models import CHAT_MAX_LENGTH
from elearning.parsing import parse_id
from elearning.policies import permissions_policy
from elearning.ratelimit import window_allows

# Lines (messages and join/leave notices) the page's chat log keeps; older ones leave the page.
CHAT_LOG_LINES = 500
NO_ENTRY = gettext_lazy("Only the course's teacher and its enrolled students can enter its classroom.")


def get_classroom_course(user, course_id: int):
    return course_or_deny(user, course_id, permissions.can_enter, refusal=NO_ENTRY)


def plural(one: str, many: str) -> dict:
    """Both forms of a count's words for the page's script, which picks one with Intl.PluralRules."""
    return {"one": ngettext(one, many, 1), "many": ngettext(one, many, 2)}


def board_words() -> dict:
    """What the whiteboard says in words: its summary, the news a screen reader hears, the keys."""
    return {
        "empty": _("The board is empty."),
        "summary": _("On the board: %(texts)s, %(drawings)s."),
        "texts": plural("%(n)s text", "%(n)s texts"),
        "drawings": plural("%(n)s drawing", "%(n)s drawings"),
        "newDrawings": plural("%(n)s new drawing.", "%(n)s new drawings."),
        "textAdded": _("Written on the board: %(text)s."),
        "textRemoved": _("Removed from the board: %(text)s."),
        "drawingRemoved": _("A drawing was removed from the board."),
        "cleared": _("The board was cleared."),
        "penDown": _("Pen down."),
        "penUp": _("Pen up."),
        "pickedUp": _("Picked up: move it with the arrow keys, then press Enter to drop it."),
        "dropped": _("Dropped."),
        "nothingHere": _("Nothing to move here."),
        "typeFirst": _("Type the text to place first."),
        "fullScreen": _("Full screen"),
        "exitFullScreen": _("Exit full screen"),
    }


@login_required
@permissions_policy(microphone="self")  # the teacher's voice; every other page: microphone=()
def room(request, course_id: int):
    course = get_classroom_course(request.user, course_id)
    messages = selectors.chat_recent(course_id=course.pk)
    is_teacher = permissions.can_teach(request.user, course)
    context = {
        "course": course,
        "is_teacher": is_teacher,
        "chat_messages": messages,
        "room_config": {
            "course": course.pk,
            "socket": f"/ws/classroom/{course.pk}/",
            "messages": reverse("classroom:messages", args=[course.pk]),
            "memberCard": reverse("courses:member_card", args=[course.pk, "USERNAME"]),
            "worklet": static("classroom/js/audio-worklet.js"),
            "me": request.user.username,
            "teacher": is_teacher,
            "lastChatId": messages[-1].pk if messages else 0,
            "chatMaxLength": CHAT_MAX_LENGTH,  # also the textarea's maxlength
            "chatLogLines": CHAT_LOG_LINES,
            # The socket is closed with these when the server refuses the user: no reconnecting.
            "finalCloseCodes": [
                events.CLOSE_LOGIN_REQUIRED,
                events.CLOSE_FORBIDDEN,
                events.CLOSE_NOT_FOUND,
                events.CLOSE_REMOVED,
                events.CLOSE_FLOOD,
                events.CLOSE_COURSE_CLOSED,
                events.CLOSE_TOO_MANY_SOCKETS,
            ],
            "text": {
                "connected": _("Connected"),
                "connecting": _("Connecting…"),
                "reconnecting": _("Reconnecting…"),
                "closed": _("Disconnected"),
                "fallback": _("Offline: chat is sent over HTTP until the live connection returns."),
                "offAir": _("Off air"),
                "onAir": _("Live"),
                "mute": _("Mute"),
                "joined": _("%(name)s joined"),
                "left": _("%(name)s left"),
                "mayDraw": _("May draw"),
                "profile": _("(profile)"),
                "loading": _("Loading…"),
                "cardFailed": _("The profile could not be loaded. Close it and try again."),
                "you": _("you"),
                "teacher": _("teacher"),
                "noMessages": _("No messages yet. Say hello!"),
                "micDenied": _("The microphone could not be opened: %(error)s"),
                "mic": {
                    "blocked": _(
                        "Your browser has blocked the microphone for this site. To allow it, click the lock "
                        "or site-settings icon at the left of the address bar, set Microphone to “Allow”, "
                        "then press “Start microphone” again."
                    ),
                    "missing": _(
                        "No microphone was found. Connect one, or switch it on and choose it in your "
                        "computer's sound settings, then press “Start microphone” again."
                    ),
                    "busy": _(
                        "The microphone could not start: another program may be using it. Close that "
                        "program, then press “Start microphone” again."
                    ),
                    "insecure": _(
                        "This browser offers the microphone only to sites on a secure (https) connection. "
                        "Ask the site's administrator to serve it over https."
                    ),
                },
                "sendFailed": _("Your message could not be sent. Try again."),
                "canDraw": _("The teacher has let you draw."),
                "cannotDraw": _("Only the teacher draws unless they let you."),
                "confirmClear": _("Clear the whole board for everyone?"),
                "board": board_words(),
                "tooLong": _("A chat message can be at most %(max)s characters.") % {"max": CHAT_MAX_LENGTH},
            },
            "closeReasons": {
                str(events.CLOSE_LOGIN_REQUIRED): _("Your session has ended. Log in again to rejoin the classroom."),
                str(events.CLOSE_FORBIDDEN): _("You no longer have access to this classroom."),
                str(events.CLOSE_NOT_FOUND): _("This course no longer exists."),
                str(events.CLOSE_REMOVED): _("The teacher removed you from this course, so you have left the classroom."),
                str(events.CLOSE_COURSE_CLOSED): _("The teacher closed this course, so its classroom is closed. Its materials stay on the course page."),
                str(events.CLOSE_FLOOD): _("You sent too many messages too quickly and were disconnected. Reload the page to rejoin."),
                str(events.CLOSE_TOO_MANY_SOCKETS): _(
                    "You have the classroom open in too many tabs or windows. Close some of them, then reload this page."
                ),
            },
        },
    }
    return render(request, "classroom/room.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def chat_messages(request, course_id: int):
    """GET ``?after=<id>``: newer messages (polling); POST ``message``: send one."""
    course = get_classroom_course(request.user, course_id)
    if request.method == "POST":
        form = ChatForm(request.POST)
        if not form.is_valid():
            return JsonResponse({"error": " ".join(form.errors["message"])}, status=400)
        allowed = window_allows(
            f"{request.user.pk}:{course.pk}", limit=settings.CLASSROOM_HTTP_CHAT_PER_MINUTE, seconds=60
        )
        if not allowed:
            return JsonResponse({"error": _("Slow down: too many messages.")}, status=429)
        message = services.chat_post(course=course, author=request.user, body=form.cleaned_data["message"])
        return JsonResponse({"message": events.chat(message)}, status=201)
    after = parse_id(request.GET.get("after", "0"))
    if after is None:
        return JsonResponse({"error": _("“after” must be a message number.")}, status=400)
    messages = selectors.chat_recent(course_id=course.pk, after=after)
    return JsonResponse({"messages": [events.chat(m) for m in messages]})
