"""The classroom page and its HTTP chat fallback (used while the WebSocket is down)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
                "unmute": _("Unmute"),
                "joined": _("%(name)s joined"),
                "left": _("%(name)s left"),
                "mayDraw": _("May draw"),
                "you": _("you"),
                "teacher": _("teacher"),
                "noMessages": _("No messages yet. Say hello!"),
                "micDenied": _("The microphone could not be opened: %(error)s"),
                "sendFailed": _("Your message could not be sent. Try again."),
                "canDraw": _("The teacher has let you draw."),
                "cannotDraw": _("Only the teacher draws unless they let you."),
                "confirmClear": _("Clear the whole board for everyone?"),
                "tooLong": _("A chat message can be at most %(max)s characters.") % {"max": CHAT_MAX_LENGTH},
            },
            "closeReasons": {
                str(events.CLOSE_LOGIN_REQUIRED): _("Your session has ended. Log in again to rejoin the classroom."),
                str(events.CLOSE_FORBIDDEN): _("You no longer have access to this classroom."),
                str(events.CLOSE_NOT_FOUND): _("This course no longer exists."),
                str(events.CLOSE_REMOVED): _("The teacher removed you from this course, so you have left the classroom."),
                str(events.CLOSE_FLOOD): _("You sent too many messages too quickly and were disconnected. Reload the page to rejoin."),
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
