"""One JSON answer from an OpenAI-compatible chat model, through the official ``openai`` SDK.

The server, key, model, timeout and retries come from settings (a teacher's own key replaces
the site's). The SDK retries 429, 5xx and timeouts with exponential backoff (0.5 s doubling to
8 s, or the server's Retry-After). Structured output is asked for as ``json_schema``; a server
that rejects that (HTTP 400) is asked again with ``json_object``, then with instructions alone,
and the mode that worked is remembered for the process. Whatever comes back is read from the
message content, tolerating code fences and prose around the JSON, and an answer cut off by the
token limit keeps the items that arrived whole.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import openai
from django.conf import settings

# Local servers (llama.cpp, Ollama, vLLM) want some key and ignore it.
PLACEHOLDER_KEY = "not-needed"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
MODES = ("json_schema", "json_object", "instructions")
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)

# (base_url, model) -> index in MODES of the first response_format the server accepted.
_mode_cache: dict[tuple[str, str], int] = {}


class ModelError(Exception):
    """``code``: timeout, rate_limited, server_error, auth, not_found, bad_output."""

    def __init__(self, code: str, detail: str = "", *, prompt_tokens: int = 0, completion_tokens: int = 0):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        # An answer that could not be used was still paid for.
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens


@dataclass
class Answer:
    data: object  # the parsed JSON
    content: str
    model: str
    prompt_tokens: int
    completion_tokens: int


def model_configured(api_key: str | None = None) -> bool:
    """Whether generation should use a model: a personal key, the site's key or a server URL."""
    return bool(api_key or settings.OPENAI_API_KEY or settings.OPENAI_BASE_URL)


def make_client(api_key: str | None = None) -> openai.OpenAI:
    return openai.OpenAI(
        api_key=api_key or settings.OPENAI_API_KEY or PLACEHOLDER_KEY,
        base_url=settings.OPENAI_BASE_URL or DEFAULT_BASE_URL,
        timeout=settings.OPENAI_TIMEOUT,
        max_retries=settings.OPENAI_MAX_RETRIES,
    )


def response_format(mode: str, name: str, schema: dict) -> dict | None:
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def ask_json(
    client: openai.OpenAI, messages: list[dict], *, schema_name: str, schema: dict
) -> Answer:
    """Send the chat, return the parsed JSON of the answer. Raises ModelError."""
    model = settings.OPENAI_MODEL
    cache_key = (str(client.base_url), model)
    first = _mode_cache.get(cache_key, 0)
    last_error: openai.BadRequestError | None = None
    for position in range(first, len(MODES)):
        mode = MODES[position]
        fmt = response_format(mode, schema_name, schema)
        extra = {"response_format": fmt} if fmt else {}
        try:
            completion = client.chat.completions.create(model=model, messages=messages, **extra)
        except openai.BadRequestError as exc:
            # Most often "response_format not supported": try the next, plainer way.
            last_error = exc
            continue
        except openai.APITimeoutError as exc:
            raise ModelError("timeout", str(exc)) from exc
        except openai.RateLimitError as exc:
            raise ModelError("rate_limited", str(exc)) from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise ModelError("auth", str(exc)) from exc
        except openai.NotFoundError as exc:  # a base URL without /v1, or a model the server lacks
            raise ModelError("not_found", f"HTTP 404 at {client.base_url}: {exc.message}") from exc
        except openai.APIStatusError as exc:
            raise ModelError("server_error", f"HTTP {exc.status_code}: {exc.message}") from exc
        except openai.APIConnectionError as exc:
            raise ModelError("server_error", f"connection: {exc}") from exc
        except openai.OpenAIError as exc:  # an answer the SDK itself cannot read
            raise ModelError("bad_output", str(exc)) from exc
        _mode_cache[cache_key] = position
        return _answer(completion, model, items_key=schema_name)
    raise ModelError("server_error", f"HTTP 400 in every mode: {last_error}")


def _answer(completion, model: str, *, items_key: str) -> Answer:
    usage = getattr(completion, "usage", None)
    prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
    completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
    choices = getattr(completion, "choices", None) or []
    message = choices[0].message if choices else None
    content = (getattr(message, "content", None) or "") if message else ""
    spent = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
    if not content and message is not None and getattr(message, "refusal", None):
        raise ModelError("bad_output", f"refused: {message.refusal}", **spent)
    data = parse_json(content)
    if not isinstance(data, list) and not (isinstance(data, dict) and items_key in data):
        # Cut off by the server's token limit (finish_reason "length"), or the answer's first
        # {...} was an example in prose: take the items array itself, as far as it is whole.
        salvaged = complete_items(content, items_key)
        if salvaged:
            data = {items_key: salvaged}
    if data is None:
        finish = getattr(choices[0], "finish_reason", "") if choices else ""
        raise ModelError("bad_output", f"no JSON in the answer (finish_reason={finish!r}): {content[:200]!r}", **spent)
    return Answer(
        data=data,
        content=content,
        model=getattr(completion, "model", None) or model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
    )


def parse_json(content: str) -> object | None:
    """The JSON object (or array) in a model's answer: the whole text, a fenced block, or the
    first complete value embedded in prose. None when there is none."""
    text = (content or "").strip()
    if not text:
        return None
    candidates = [text] + [block.strip() for block in _FENCE.findall(text)]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            pass
    decoder = json.JSONDecoder()
    # The first "{" (or "[") from which a complete value decodes; objects preferred, as asked.
    for opener in ("{", "["):
        start = text.find(opener)
        while start != -1:
            try:
                value, _end = decoder.raw_decode(text, start)
                return value
            except ValueError:
                start = text.find(opener, start + 1)
    return None


def complete_items(content: str, key: str) -> list:
    """The whole objects at the start of the ``key`` array of a JSON answer that was cut off."""
    match = re.search(rf'"{re.escape(key)}"\s*:\s*\[', content or "")
    if not match:
        return []
    decoder = json.JSONDecoder()
    items = []
    position = match.end()
    while True:
        while position < len(content) and content[position] in " \t\r\n,":
            position += 1
        try:
            value, position = decoder.raw_decode(content, position)
        except ValueError:
            return items
        items.append(value)
