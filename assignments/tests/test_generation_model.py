"""Generation with a model: the real ``openai`` SDK against a local server speaking
``/v1/chat/completions`` (assignments/tests/modelserver.py), scripted per request."""

from __future__ import annotations

import json

import pytest

from assignments import llm
from assignments.generation import GenerationError, Stage, generate, regenerate_item

from .modelserver import (
    ModelServer,
    Reply,
    completion,
    error,
    grounded_responder,
    json_completion,
    request_pages,
)
from .pdfs import GERMAN_PAGES, biology_pages, text_pdf

PAGES = biology_pages(3)
PDF = text_pdf(PAGES)
MITO = "Mitochondria release energy from glucose through cellular respiration."  # page 1
CHLORO = "Chlorophyll absorbs mostly blue and red light and reflects green light."  # page 2
OSMOSIS = "Osmosis is the movement of water across a semipermeable membrane."  # page 3


def question(text, options, correct, page, quote):
    return {"question": text, "options": options, "correct": correct, "page": page, "quote": quote}


GOOD = {
    "questions": [
        question("What releases energy from glucose?", ["Mitochondria", "Ribosomes", "Nucleus", "Vacuole"], 0, 1, MITO),
        question("Which light does chlorophyll reflect?", ["Blue", "Red", "Green", "Violet"], 2, 2, CHLORO),
        question("What moves across a semipermeable membrane in osmosis?", ["Salt", "Water", "Sugar", "Air"], 1, 3, OSMOSIS),
    ]
}


@pytest.fixture
def server(settings):
    """A running model server the settings point at, with short timeouts and quick retries."""
    llm._mode_cache.clear()
    with ModelServer() as running:
        settings.OPENAI_BASE_URL = running.url
        settings.OPENAI_API_KEY = ""
        settings.OPENAI_MODEL = "test-model"
        settings.OPENAI_TIMEOUT = 5
        settings.OPENAI_MAX_RETRIES = 2
        settings.ASSIGNMENT_CHUNK_CHARS = 24_000
        settings.ASSIGNMENT_MAX_CHUNKS = 6
        yield running
    llm._mode_cache.clear()


def test_good_output(server):
    server.script(json_completion(GOOD, prompt_tokens=1234, completion_tokens=321, model="test-model-2026"))
    stages = []
    result = generate(PDF, kind="quiz", count=3, on_stage=stages.append)
    assert stages == [Stage.READING, Stage.ASKING, Stage.CHECKING]
    assert result.generator == "model" and result.model == "test-model-2026"
    assert (result.prompt_tokens, result.completion_tokens) == (1234, 321)
    assert result.language == "en" and result.pages == 3
    assert [item["question"] for item in result.items] == [q["question"] for q in GOOD["questions"]]
    # The answer key follows the right option wherever the options are moved to.
    assert [item["options"][item["correct"]] for item in result.items] == ["Mitochondria", "Green", "Water"]
    assert [sorted(item["options"]) for item in result.items] == [sorted(q["options"]) for q in GOOD["questions"]]
    assert all(item["flags"] == [] for item in result.items)
    # What the server was sent: json_schema, the model, every page with its marker, the language.
    (request,) = server.requests
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["schema"]["required"] == ["questions"]
    assert [number for number, _text in request_pages(request)] == [1, 2, 3]
    assert "in English" in request["messages"][1]["content"]
    assert request["_headers"]["authorization"] == f"Bearer {llm.PLACEHOLDER_KEY}"


def test_a_teachers_key_is_sent_instead_of_the_sites(server, settings):
    settings.OPENAI_API_KEY = "site-key"
    server.script(json_completion(GOOD))
    generate(PDF, kind="quiz", count=3, api_key="teacher-key")
    assert server.requests[0]["_headers"]["authorization"] == "Bearer teacher-key"


def test_fenced_output(server):
    server.script(completion("```json\n" + json.dumps(GOOD) + "\n```"))
    assert len(generate(PDF, kind="quiz", count=3).items) == 3


def test_prose_around_json(server):
    server.script(completion("Sure! Here are your questions:\n" + json.dumps(GOOD) + "\nGood luck {with} the quiz."))
    assert len(generate(PDF, kind="quiz", count=3).items) == 3


def test_malformed_json_is_asked_again_then_refused(server):
    server.script(completion('{"questions": [{"question": "What'), completion("I cannot help with that."))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "bad_output"
    assert "could not be read" in caught.value.message
    assert len(server.requests) == 2
    assert caught.value.usage["prompt_tokens"] == 240  # unreadable answers are paid for too


def test_tokens_spent_before_a_failure_are_reported(server, settings):
    settings.ASSIGNMENT_CHUNK_CHARS = 3_000
    settings.ASSIGNMENT_MAX_CHUNKS = 2
    server.script(json_completion(GOOD, prompt_tokens=500, completion_tokens=70), error(500), error(500), error(500))
    with pytest.raises(GenerationError) as caught:
        generate(text_pdf(biology_pages(10)), kind="quiz", count=4)
    assert caught.value.code == "server_error"
    assert caught.value.usage["prompt_tokens"] == 500 and caught.value.usage["completion_tokens"] == 70


def test_malformed_once_then_good(server):
    server.script(completion("{not json"), json_completion(GOOD))
    result = generate(PDF, kind="quiz", count=3)
    assert len(result.items) == 3 and len(server.requests) == 2
    assert result.prompt_tokens == 240  # both answers were paid for


def test_an_answer_cut_off_by_the_token_limit_keeps_its_whole_items(server):
    text = json.dumps(GOOD)
    cut = text[: text.index('"Which light') + 30]  # in the middle of the second question
    server.script(completion(cut, finish_reason="length"))
    result = generate(PDF, kind="quiz", count=1)
    assert [item["question"] for item in result.items] == ["What releases energy from glucose?"]
    assert len(server.requests) == 1


def test_wrong_schema(server):
    server.script(json_completion({"items": ["a", "b"]}), json_completion({"cards": []}))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "schema"
    assert "did not contain usable questions" in caught.value.message


def test_every_item_invalid_is_the_wrong_schema(server):
    bad = {"questions": [question("Q?", ["only one"], 0, 1, MITO), question("Q2?", ["a", "b"], 5, 1, MITO)]}
    server.script(json_completion(bad), json_completion(bad))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=2)
    assert caught.value.code == "schema"


def test_a_wrong_quote_is_kept_and_flagged(server):
    answer = json.loads(json.dumps(GOOD))
    answer["questions"][1]["quote"] = "Chlorophyll absorbs mostly green light and reflects red light."
    answer["questions"][2]["page"] = 1  # the right quote, cited on the wrong page
    server.script(json_completion(answer))
    result = generate(PDF, kind="quiz", count=3)
    assert [item["flags"] for item in result.items] == [[], ["source_not_found"], ["source_not_found"]]


def test_grounded_items_are_preferred_over_flagged_extras(server):
    answer = json.loads(json.dumps(GOOD))
    answer["questions"].insert(0, question("Invented question?", ["a", "b"], 0, 2, "Not in the document at all, really."))
    server.script(json_completion(answer))
    result = generate(PDF, kind="quiz", count=3)
    assert "Invented question?" not in [item["question"] for item in result.items]
    assert all(item["flags"] == [] for item in result.items)


def test_out_of_range_correct_is_rejected(server):
    answer = json.loads(json.dumps(GOOD))
    answer["questions"][0]["correct"] = 4
    server.script(json_completion(answer))
    result = generate(PDF, kind="quiz", count=3)
    assert "What releases energy from glucose?" not in [item["question"] for item in result.items]
    assert len(result.items) == 2 and result.rejected == 1
    assert all(0 <= item["correct"] < len(item["options"]) for item in result.items)


def test_duplicates_and_repeated_options_are_flagged(server):
    answer = json.loads(json.dumps(GOOD))
    answer["questions"][1] = question("What releases the energy from glucose?", ["Mitochondria", "Ribosomes"], 0, 1, MITO)
    answer["questions"][2]["options"] = ["Water", "water ", "Salt"]
    server.script(json_completion(answer))
    result = generate(PDF, kind="quiz", count=3)
    flags = {item["question"]: item["flags"] for item in result.items}
    assert flags["What releases energy from glucose?"] == []
    assert flags["What releases the energy from glucose?"] == ["duplicate"]
    assert flags["What moves across a semipermeable membrane in osmosis?"] == ["repeated_options"]


def test_429_then_success(server):
    server.script(error(429, "slow down"), error(429, "slow down"), json_completion(GOOD))
    result = generate(PDF, kind="quiz", count=3)
    assert len(result.items) == 3 and len(server.requests) == 3


def test_429_past_the_retries_is_rate_limited(server, settings):
    settings.OPENAI_MAX_RETRIES = 1
    server.script(error(429), error(429), json_completion(GOOD))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "rate_limited"
    assert len(server.requests) == 2


def test_500_is_retried_then_a_server_error(server):
    server.script(error(500), error(502), error(503))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "server_error"
    assert "failed" in caught.value.message
    assert len(server.requests) == 3  # one try and OPENAI_MAX_RETRIES=2 retries


def test_500_then_success(server):
    server.script(error(500), json_completion(GOOD))
    assert len(generate(PDF, kind="quiz", count=3).items) == 3


def test_a_slow_answer_past_the_timeout(server, settings):
    settings.OPENAI_TIMEOUT = 0.5
    settings.OPENAI_MAX_RETRIES = 0
    server.script(Reply(**{**json_completion(GOOD).__dict__, "delay": 3}))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "timeout"
    assert "did not answer in time" in caught.value.message


def test_a_refused_key(server):
    server.script(error(401, "Incorrect API key provided"))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3, api_key="wrong")
    assert caught.value.code == "server_error"
    assert "refused the API key" in caught.value.message


def test_a_wrong_address_or_model(server, settings):
    settings.OPENAI_BASE_URL = server.url.removesuffix("/v1")  # the usual slip: /v1 left out
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "server_error"
    assert "OPENAI_BASE_URL" in caught.value.message
    assert len(server.requests) == 0  # the server's 404 came from the wrong path


def test_no_server_listening(server, settings):
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # discard port: connection refused
    settings.OPENAI_MAX_RETRIES = 0
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "server_error"


def test_json_schema_rejected_falls_back_to_json_object_then_instructions(server):
    server.script(error(400, "response_format json_schema unsupported"), error(400, "json_object unsupported"),
                  completion("Here you go:\n" + json.dumps(GOOD)))
    result = generate(PDF, kind="quiz", count=3)
    assert len(result.items) == 3
    formats = [(request.get("response_format") or {}).get("type") for request in server.requests]
    assert formats == ["json_schema", "json_object", None]
    # The next run starts with the mode that worked.
    server.script(json_completion(GOOD))
    generate(PDF, kind="quiz", count=3)
    assert server.requests[-1].get("response_format") is None


def test_400_in_every_mode_is_a_server_error(server):
    server.script(error(400), error(400), error(400))
    with pytest.raises(GenerationError) as caught:
        generate(PDF, kind="quiz", count=3)
    assert caught.value.code == "server_error"


def test_flashcards_from_the_model(server):
    server.script(json_completion({"cards": [
        {"front": "Osmosis", "back": "Water moving across a semipermeable membrane", "page": 3, "quote": OSMOSIS},
        {"front": "Chlorophyll reflects", "back": "green light", "page": 2, "quote": "reflects green light"},
    ]}))
    result = generate(PDF, kind="flashcards", count=2)
    assert [card["front"] for card in result.items] == ["Chlorophyll reflects", "Osmosis"]  # page order
    assert all(card["flags"] == [] for card in result.items)
    assert server.requests[0]["response_format"]["json_schema"]["name"] == "cards"


def test_german_document_asks_for_german(server):
    server.responder = grounded_responder()
    result = generate(text_pdf(GERMAN_PAGES), kind="flashcards", count=2)
    assert result.language == "de"
    system, user = server.requests[0]["messages"]
    assert "in German" in system["content"] and "in German" in user["content"]


def test_300_pages_are_covered_in_a_bounded_number_of_requests(server):
    server.responder = grounded_responder(wrong_quote_every=7)
    pages = biology_pages(300)
    result = generate(text_pdf(pages), kind="quiz", count=30)
    assert len(server.requests) == 6  # ASSIGNMENT_MAX_CHUNKS
    sent = sorted(number for request in server.requests for number, _t in request_pages(request))
    assert sent[0] <= 3 and sent[-1] >= 298
    for request in server.requests:
        content = request["messages"][1]["content"]
        assert len(content[content.index("=== Page"):]) <= 24_000  # ASSIGNMENT_CHUNK_CHARS
    # Later requests list what earlier ones produced, not to be repeated.
    assert "Do not repeat" not in server.requests[0]["messages"][1]["content"]
    assert "Do not repeat" in server.requests[5]["messages"][1]["content"]
    assert len(result.items) == 30
    # The grounded responder's quotes check out; its invented ones are left out (spares cover them).
    assert [item for item in result.items if item["flags"]] == []
    for item in result.items:
        assert " ".join(item["quote"].split()) in " ".join(pages[item["page"] - 1].split())
    cited = {item["page"] // 50 for item in result.items}
    assert cited == {0, 1, 2, 3, 4, 5}
    assert result.prompt_tokens == sum(
        sum(len(m["content"]) for m in request["messages"]) // 4 for request in server.requests
    )


def test_one_chunk_in_the_wrong_shape_loses_only_that_chunk(server, settings):
    settings.ASSIGNMENT_CHUNK_CHARS = 3_000
    settings.ASSIGNMENT_MAX_CHUNKS = 3
    responder = grounded_responder()
    bad = {"count": 0}

    def flaky(request):
        if any(number > 20 for number, _t in request_pages(request)) and bad["count"] < 2:
            bad["count"] += 1
            return json_completion({"nothing": True})
        return responder(request)

    server.responder = flaky
    result = generate(text_pdf(biology_pages(30)), kind="quiz", count=6)
    assert 1 <= len(result.items) <= 6 and len(server.requests) == 4


def test_regenerate_one_item_with_the_model(server):
    server.responder = grounded_responder()
    result = generate(PDF, kind="quiz", count=2)
    old = result.items[0]
    usage = {}
    new = regenerate_item(result.pages_text, kind="quiz", item=old, existing=result.items, usage=usage)
    assert new["question"] != old["question"] and new["flags"] == []
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0 and usage["model"] == "test-model"
    request = server.requests[-1]
    pages_sent = [number for number, _t in request_pages(request)]
    assert old["page"] in pages_sent and all(abs(p - old["page"]) <= 1 for p in pages_sent)
    assert old["question"] in request["messages"][1]["content"]  # told what not to repeat


def test_regenerate_errors_are_generation_errors(server):
    server.script(error(429), error(429), error(429))
    with pytest.raises(GenerationError) as caught:
        regenerate_item(PAGES, kind="quiz", item={"question": "Q?", "page": 1}, existing=[])
    assert caught.value.code == "rate_limited"


def test_a_short_answer_is_topped_up_once_from_pages_not_sent(server, settings):
    settings.ASSIGNMENT_CHUNK_CHARS = 4_000
    settings.ASSIGNMENT_MAX_CHUNKS = 1
    pages = biology_pages(20)  # more than one chunk holds: some pages are not sent at first
    responder = grounded_responder()
    server.script(json_completion({"questions": [GOOD["questions"][0]]}))  # 1 of the 4 asked for
    server.responder = responder
    result = generate(text_pdf(pages), kind="quiz", count=4)
    assert len(server.requests) == 2
    first = {number for number, _t in request_pages(server.requests[0])}
    second = {number for number, _t in request_pages(server.requests[1])}
    assert second and not first & second
    assert "Write 4 quiz questions" in server.requests[1]["messages"][1]["content"]  # 3 missing + spare
    assert len(result.items) == 4
    assert result.prompt_tokens == 120 + sum(len(m["content"]) for m in server.requests[1]["messages"]) // 4


def test_a_failing_top_up_keeps_what_the_run_has(server):
    server.script(json_completion({"questions": GOOD["questions"][:2]}), error(500), error(500), error(500))
    result = generate(PDF, kind="quiz", count=3)
    assert len(result.items) == 2 and len(server.requests) == 4


def test_options_are_shuffled_unless_they_refer_to_each_other(server):
    many = {"questions": [
        question(f"Question number {n} about mitochondria and glucose?", ["right", "w1", "w2", "w3"], 0, 1, MITO)
        for n in range(12)
    ] + [question("Which are true of mitochondria?", ["They release energy", "They store glucose", "Both A and B", "None of the above"], 0, 1, MITO)]}
    server.script(json_completion(many))
    settings_count = len(many["questions"])
    result = generate(PDF, kind="quiz", count=settings_count)
    positions = {item["correct"] for item in result.items if item["question"].startswith("Question number")}
    assert len(positions) >= 3  # not all first any more
    assert all(item["options"][item["correct"]] == "right" for item in result.items if item["question"].startswith("Question number"))
    (bound,) = [item for item in result.items if item["question"] == "Which are true of mitochondria?"]
    assert bound["options"][2:] == ["Both A and B", "None of the above"] and bound["correct"] == 0


@pytest.mark.parametrize(
    "content,expected",
    [
        ('{"a": 1}', {"a": 1}),
        ('```\n{"a": "}"}\n```', {"a": "}"}),
        ('Text {not json} then {"a": [1, {"b": 2}]} and more {"c": 3}', {"a": [1, {"b": 2}]}),
        ('Here:\n```json\n[{"a": 1}]\n```\nThanks', [{"a": 1}]),
        ("", None),
        ("No JSON here.", None),
        ('{"a": ', None),
    ],
)
def test_json_is_found_in_what_models_write(content, expected):
    assert llm.parse_json(content) == expected


def test_which_generator_runs(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    assert not llm.model_configured()
    assert llm.model_configured("a teacher's key")
    client = llm.make_client("a teacher's key")
    assert str(client.base_url).startswith("https://api.openai.com/v1") and client.api_key == "a teacher's key"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:8080/v1"
    assert llm.model_configured()
    assert llm.make_client().api_key == llm.PLACEHOLDER_KEY
