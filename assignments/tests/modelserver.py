"""A small OpenAI-compatible model server for tests and benches, scriptable per request.

It speaks ``POST /v1/chat/completions`` over real HTTP on 127.0.0.1, so the real ``openai`` SDK
(retries, timeouts, error classes) is what the code under test talks to::

    with ModelServer() as server:                       # or ModelServer(responder=grounded_responder())
        server.script(error(429), completion('{"questions": []}'))
        settings.OPENAI_BASE_URL = server.url           # http://127.0.0.1:<port>/v1
        ...
        server.requests                                 # the JSON bodies received, in order

Scripted replies are used first, one per request; then the ``responder`` (a function of the
request body returning a Reply), which by default answers 500.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: object = None  # dict (sent as JSON) or str/bytes (sent as is)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (timeouts)


def completion(
    content: str,
    *,
    prompt_tokens: int = 120,
    completion_tokens: int = 80,
    model: str = "test-model",
    finish_reason: str = "stop",
    delay: float = 0.0,
) -> Reply:
    """A chat completion whose message content is ``content``."""
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
        delay=delay,
    )


def json_completion(data: object, **kwargs) -> Reply:
    return completion(json.dumps(data, ensure_ascii=False), **kwargs)


def error(status: int, message: str = "", *, kind: str = "", headers: dict | None = None) -> Reply:
    """An error in the OpenAI format (``{"error": {"message", "type", "code"}}``)."""
    defaults = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_exceeded"}
    return Reply(
        status=status,
        body={"error": {"message": message or f"HTTP {status}", "type": kind or defaults.get(status, "server_error"), "code": None}},
        # Retry-After 0: the SDK's own backoff would otherwise sleep 0.5 s+ per retry in tests.
        headers={"retry-after-ms": "10", **(headers or {})},
    )


class ModelServer:
    def __init__(self, responder: Callable[[dict], Reply] | None = None):
        self.responder = responder or (lambda request: error(500, "no scripted reply"))
        self.requests: list[dict] = []
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Life cycle
    def start(self) -> ModelServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._send(error(404, f"no route {self.path}"))
                try:
                    request = json.loads(raw)
                except ValueError:
                    return self._send(error(400, "request body is not JSON"))
                request["_headers"] = {name.lower(): value for name, value in self.headers.items()}
                with server._lock:
                    server.requests.append(request)
                    reply = server._script.popleft() if server._script else None
                if reply is None:
                    reply = server.responder(request)
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                self._send(reply)

            def _send(self, reply: Reply):
                body = reply.body
                if isinstance(body, (dict, list)):
                    payload, content_type = json.dumps(body).encode(), "application/json"
                elif isinstance(body, str):
                    payload, content_type = body.encode(), "text/plain"
                else:
                    payload, content_type = body or b"", "application/octet-stream"
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Scripting
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)


# --- Responders -----------------------------------------------------------------------------

_PAGE = re.compile(r"=== Page (\d+) ===\n(.*?)(?=\n=== Page \d+ ===|\Z)", re.DOTALL)


def request_pages(request: dict) -> list[tuple[int, str]]:
    """The (page number, text) blocks of the request's user message."""
    user = next((m["content"] for m in reversed(request.get("messages", [])) if m.get("role") == "user"), "")
    return [(int(number), text) for number, text in _PAGE.findall(user)]


def requested(request: dict) -> tuple[str, int]:
    """The kind and number of items the request asks for."""
    user = next((m["content"] for m in reversed(request.get("messages", [])) if m.get("role") == "user"), "")
    match = re.search(r"Write (\d+) (quiz questions|flashcards)", user)
    if not match:
        return "quiz", 3
    return ("quiz" if match.group(2) == "quiz questions" else "flashcards"), int(match.group(1))


def grounded_responder(
    *, wrong_quote_every: int = 0, reject_json_schema: bool = False, seed: int = 7
) -> Callable[[dict], Reply]:
    """Answers like a careful model: items built from sentences of the pages sent, each quoting
    its sentence and citing its page. Every ``wrong_quote_every``-th item quotes text that is
    on no page (the grounding check must flag it). With ``reject_json_schema`` it answers 400 to
    ``response_format: json_schema``, as many local servers do."""
    counter = {"items": 0}

    def respond(request: dict) -> Reply:
        fmt = (request.get("response_format") or {}).get("type")
        if reject_json_schema and fmt == "json_schema":
            return error(400, "response_format json_schema is not supported")
        rng = random.Random(seed + len(json.dumps(request.get("messages", ""))))
        kind, wanted = requested(request)
        sentences = []
        for number, text in request_pages(request):
            flat = " ".join(text.split())
            for sentence in re.split(r"(?<=[.!?])\s+", flat):
                words = sentence.split()
                if 8 <= len(words) <= 40:
                    sentences.append((number, sentence))
        rng.shuffle(sentences)
        # Like a model that follows "do not repeat": no question close to one listed or given.
        user = next((m["content"] for m in reversed(request.get("messages", [])) if m.get("role") == "user"), "")
        listed = user.split("Do not repeat", 1)[1].split("\n\n", 1)[0] if "Do not repeat" in user else ""
        written = [_words(line) for line in listed.splitlines()[1:] if line.startswith("- ")]
        items = []
        for number, sentence in sentences:
            if len(items) == wanted:
                break
            if any(_similar(_words(sentence), other) for other in written):
                continue
            written.append(_words(sentence))
            counter["items"] += 1
            words = [w.strip(".,;:") for w in sentence.split()]
            long_words = [w for w in words if len(w) >= 6] or words
            answer = max(long_words, key=len)
            quote = " ".join(sentence.split()[:18])
            if wrong_quote_every and counter["items"] % wrong_quote_every == 0:
                quote = "This sentence appears nowhere in the document at all."
            if kind == "quiz":
                others = [w for w in {*long_words} if w != answer][:3]
                while len(others) < 3:
                    others.append(f"{answer}{len(others) + 1}")
                correct = rng.randrange(4)
                options = others[:correct] + [answer] + others[correct:]
                items.append({
                    "question": f"Which word completes it: {sentence.replace(answer, '_____', 1)}",
                    "options": options, "correct": correct, "page": number, "quote": quote,
                })
            else:
                items.append({"front": sentence.replace(answer, "_____", 1), "back": answer,
                              "page": number, "quote": quote})
        key = "questions" if kind == "quiz" else "cards"
        prompt_chars = sum(len(m.get("content", "")) for m in request.get("messages", []))
        return json_completion(
            {key: items}, prompt_tokens=prompt_chars // 4, completion_tokens=len(json.dumps(items)) // 4
        )

    return respond


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[^\W\d_]+", text.lower()) if word not in ("which", "word", "completes", "it")}


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a or b) and len(a & b) / len(a | b) >= 0.8
