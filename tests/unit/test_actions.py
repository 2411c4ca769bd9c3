"""Every action, run with a real CollectingDispatcher and a tracker built here."""

from __future__ import annotations

import pytest

from actions.answers import ActionAnswer
from actions.content import Content
from actions.replies import ActionFallback, ActionReply
from tests.stack import first_sentences
from tests.unit.builders import make_tracker, run_action

REGION = [{"entity": "region", "value": "cervical"}]


def single_message(messages: list[dict]) -> dict:
    assert len(messages) == 1, messages
    return messages[0]


def offered(events: list[dict]) -> list[str]:
    return next(e["value"] for e in events if e.get("name") == "offered_topics")


def button_titles(message: dict) -> list[str]:
    """The titles of the topic buttons (the feedback buttons of an answer left out)."""
    return [b["title"] for b in message["buttons"] if not b["payload"].startswith("/feedback")]


@pytest.mark.parametrize(
    ("intent", "topic_id"),
    [
        ("ask_what_is_spine_mri", "what_is_spine_mri"),
        ("ask_mri_surgery", "mri_surgery"),
        ("ask_music_mri", "music_mri"),
        ("ask_mri_factors", "mri_factors"),
        ("ask_prostate_cancer_mri", "prostate_cancer_mri"),
        ("ask_what_to_expect", "what_to_expect"),
    ],
)
def test_question_gets_its_answer_and_related_questions(
    content: Content, intent: str, topic_id: str
) -> None:
    topic = content.topics[topic_id]
    messages, events = run_action(ActionAnswer(), make_tracker(intent, text=topic.payload))
    message = single_message(messages)
    assert message["text"] == content.with_disclaimer(content.answer_text(topic))
    assert button_titles(message) == [content.topics[t].title for t in topic.related]
    assert offered(events) == list(topic.related)


@pytest.mark.parametrize(
    ("region", "topic_id"), [("cervical", "why_cervical_mri"), ("lumbar", "why_lumbar_mri")]
)
@pytest.mark.parametrize("intent", ["ask_why_mri", "inform_region"])
def test_why_question_with_a_region_answers_for_that_region(
    content: Content, intent: str, region: str, topic_id: str
) -> None:
    tracker = make_tracker(
        intent, entities=[{"entity": "region", "value": region}], slots={"region": region}
    )
    messages, events = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"].startswith(content.topics[topic_id].answer)
    assert {"event": "slot", "name": "region", "value": None, "timestamp": None} in events


def test_why_question_without_region_asks_neck_or_lower_back(content: Content) -> None:
    messages, events = run_action(ActionAnswer(), make_tracker("ask_why_mri"))
    message = single_message(messages)
    assert message["text"] == content.with_disclaimer(content.message("clarify_region"))
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_why_mri{"region": "cervical"}',
        '/ask_why_mri{"region": "lumbar"}',
    ]
    assert offered(events) == ["why_cervical_mri", "why_lumbar_mri"]


def test_a_music_question_the_classifier_gives_what_to_expect_gets_the_music_topic(
    content: Content,
) -> None:
    """What to expect holds back a question of music, which has the document's own words."""
    tracker = make_tracker("ask_what_to_expect", text="is there music on during the scan")
    messages, events = run_action(ActionAnswer(), tracker)
    topic = content.topics["music_mri"]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))
    assert offered(events) == list(topic.related)


@pytest.mark.parametrize(
    ("text", "region", "topic_id"),
    [
        ("how should i get ready for my mri", None, "what_to_expect"),
        ("which health problems would prevent me from having an mri", None, "mri_factors"),
        ("what should i do to prepare for my lower back mri", "lumbar", "what_to_expect"),
        ("does my neck problem stop me from having an mri", "cervical", "mri_factors"),
    ],
)
def test_a_why_question_about_getting_ready_or_what_stops_the_scan_gets_that_topic(
    content: Content, text: str, region: str | None, topic_id: str
) -> None:
    """Both regions' answers hold these back: with a region, the answer is not sent;
    without one, "neck or lower back?" would lead nowhere. The deflected question gets
    the topic its own words name."""
    slots = {"region": region} if region else {}
    tracker = make_tracker("ask_why_mri", text=text, slots=slots)
    messages, events = run_action(ActionAnswer(), tracker)
    topic = content.topics[topic_id]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))
    assert offered(events) == list(topic.related)


@pytest.mark.parametrize(
    ("intent", "region", "text", "topic_id"),
    [
        (
            "ask_mri_factors",
            None,
            "they want an mri of my lower back in case it reaches my bladder, why mri for that",
            "why_lumbar_mri",
        ),
        ("ask_what_to_expect", None, "what happens if he moves during the scan", "mri_factors"),
        ("ask_what_to_expect", None, "what if she can't keep still in the scanner", "mri_factors"),
        # hormone treatment is the prostate topic's; where to operate the surgery topic's;
        # whether it is like a photo what it is
        (
            "ask_mri_factors",
            None,
            "does hormone treatment change anything for my spine mri",
            "prostate_cancer_mri",
        ),
        (
            "ask_what_is_spine_mri",
            None,
            "does the scan tell the surgeon where to operate",
            "mri_surgery",
        ),
        # whether the scan may be done with an operation's metal is the factors' question
        (
            "ask_mri_surgery",
            None,
            "my fusion was years ago and healed, can i have an mri with the rods",
            "mri_factors",
        ),
        (
            "ask_what_to_expect",
            None,
            "is an mri kind of like a photo of my spine",
            "what_is_spine_mri",
        ),
        # whether it hurts is what to expect's question
        ("ask_what_is_spine_mri", None, "will my neck mri be painful", "what_to_expect"),
        (
            "ask_why_mri",
            "lumbar",
            "my doctor ordered a back mri and i have never had one. what is it?",
            "what_is_spine_mri",
        ),
    ],
)
def test_a_question_the_classifiers_topic_holds_back_gets_the_topic_its_words_name(
    content: Content, intent: str, region: str | None, text: str, topic_id: str
) -> None:
    """A why-question is not the factors' ("why mri for that"), moving or not keeping
    still is the factors' and not what to expect's, and "what is it?" at the end of a story
    asks what the scan is: the topic's `answer_unless` holds its answer back and the
    deflected question gets the topic its own lists name."""
    slots = {"region": region} if region else {}
    tracker = make_tracker(intent, text=text, slots=slots)
    messages, events = run_action(ActionAnswer(), tracker)
    topic = content.topics[topic_id]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))
    assert offered(events) == list(topic.related)


@pytest.mark.parametrize(
    ("text", "topic_id"),
    [
        ("why does my surgeon want another mri a year after the operation", "mri_surgery"),
        ("Why an MRI after a spinal fusion?", "mri_surgery"),
        ("why mri before surgery", "mri_surgery"),
        # Reasons only the lower back's paragraph gives.
        ("why is fever a reason for an mri", "why_lumbar_mri"),
        ("why would bladder problems mean I need an MRI", "why_lumbar_mri"),
        ("my legs keep going numb and its not better, is that why the mri", "why_lumbar_mri"),
        # An operation is the more specific reason.
        ("no fever and the wound is fine, why an mri after my fusion", "mri_surgery"),
    ],
)
def test_why_question_naming_a_topics_reason_gets_that_answer(
    content: Content, text: str, topic_id: str
) -> None:
    messages, events = run_action(ActionAnswer(), make_tracker("ask_why_mri", text=text))
    assert single_message(messages)["text"].startswith(content.topics[topic_id].answer)
    assert offered(events) == list(content.topics[topic_id].related)


def test_why_question_naming_a_region_and_an_operation_answers_for_the_region(
    content: Content,
) -> None:
    tracker = make_tracker(
        "ask_why_mri", text="why a neck mri before surgery", slots={"region": "cervical"}
    )
    messages, _ = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"].startswith(content.topics["why_cervical_mri"].answer)


@pytest.mark.parametrize(
    ("text", "region", "topic_id"),
    [
        ("c spine mri what for", "cervical", "why_cervical_mri"),
        ("cervical mri what is it used for", "cervical", "why_cervical_mri"),
        ("L-spine MRI purpose?", "lumbar", "why_lumbar_mri"),
        ("whats the point of a lower back mri", "lumbar", "why_lumbar_mri"),
        ("whats a back mri for?", "lumbar", "why_lumbar_mri"),
        ("what does it mean when my doctor orders a lumbar mri", "lumbar", "why_lumbar_mri"),
        (
            "my neck mri is next week, what do doctors normally order it for?",
            "cervical",
            "why_cervical_mri",
        ),
        # "what it is" and "what for" in different sentences; what a word means
        ("nobody told me what it is. its for my back", "lumbar", "what_is_spine_mri"),
        ("what does that mean for a back scan", "lumbar", "what_is_spine_mri"),
        ("what is the magnet test for my back", "lumbar", "what_is_spine_mri"),
        # the part scanned is no purpose, a complaint is
        ("what is the mri for the back, how does it work", "lumbar", "what_is_spine_mri"),
        ("what is the mri for my back pain", "lumbar", "why_lumbar_mri"),
        # No purpose asked: the scan itself is explained.
        ("what is a cervical mri", "cervical", "what_is_spine_mri"),
        ("what does a lumbar mri show", "lumbar", "what_is_spine_mri"),
    ],
)
def test_what_is_question_asking_what_a_region_mri_is_for_gets_that_regions_answer(
    content: Content, text: str, region: str, topic_id: str
) -> None:
    entities = [{"entity": "region", "value": region}]
    tracker = make_tracker("ask_what_is_spine_mri", text=text, entities=entities)
    messages, _ = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"].startswith(content.topics[topic_id].answer)


def test_what_is_question_asking_what_it_is_for_after_an_operation_gets_the_surgery_answer(
    content: Content,
) -> None:
    """No region named, but the reason is: the MRI-and-surgery topic answers it."""
    tracker = make_tracker("ask_what_is_spine_mri", text="mri after my fusion, whats it for")
    messages, _ = run_action(ActionAnswer(), tracker)
    surgery = content.answer_text(content.topics["mri_surgery"])
    assert single_message(messages)["text"].startswith(surgery)


@pytest.mark.parametrize(
    ("entities", "slots"),
    [
        ([], {"region": "cervical"}),  # a region remembered from an earlier message
        ([{"entity": "region", "value": v} for v in ("cervical", "lumbar")], {}),
    ],
)
def test_what_is_question_asking_what_it_is_for_without_one_named_region_explains_the_scan(
    content: Content, entities: list[dict], slots: dict
) -> None:
    tracker = make_tracker(
        "ask_what_is_spine_mri", text="what is it used for", entities=entities, slots=slots
    )
    messages, _ = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"].startswith(content.topics["what_is_spine_mri"].answer)


@pytest.mark.parametrize(
    ("text", "topic_id"), [("1", "why_cervical_mri"), ("2.", "why_lumbar_mri")]
)
def test_numbered_choice_answers_the_offered_topic(
    content: Content, text: str, topic_id: str
) -> None:
    tracker = make_tracker(
        "choose_option", text=text, slots={"offered_topics": ["why_cervical_mri", "why_lumbar_mri"]}
    )
    messages, _ = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"].startswith(content.topics[topic_id].answer)


@pytest.mark.parametrize("text", ["7", "0", "option"])
def test_numbered_choice_that_was_not_offered_shows_the_menu(content: Content, text: str) -> None:
    tracker = make_tracker("choose_option", text=text, slots={"offered_topics": ["music_mri"]})
    messages, events = run_action(ActionAnswer(), tracker)
    message = single_message(messages)
    assert message["text"].startswith(content.message("choose_option_unknown"))
    assert offered(events) == list(content.main_topics)


@pytest.mark.parametrize(
    "intent",
    ["greet", "thank", "goodbye", "bot_challenge", "human_handoff", "out_of_scope"],
)
def test_conversation_replies_come_from_the_content_file(content: Content, intent: str) -> None:
    messages, _ = run_action(ActionReply(), make_tracker(intent))
    message = single_message(messages)
    assert message["text"] == content.with_disclaimer(content.reply_text(intent))
    assert bool(message["buttons"]) == content.replies[intent].menu


def test_greeting_says_it_is_an_automated_assistant_not_a_clinician(content: Content) -> None:
    text = single_message(run_action(ActionReply(), make_tracker("greet"))[0])["text"]
    assert "automated assistant" in text
    assert "not a clinician" in text


def test_out_of_scope_is_deflected_with_contact_and_no_document_answer(content: Content) -> None:
    text = single_message(run_action(ActionReply(), make_tracker("out_of_scope"))[0])["text"]
    assert "I can only answer questions about spine MRI from our patient information" in text
    assert content.hospital["phone"] in text
    assert not any(t.answer and t.answer in text for t in content.topics.values())


def test_emergency_reply_gives_the_emergency_number(content: Content) -> None:
    text = single_message(run_action(ActionReply(), make_tracker("emergency"))[0])["text"]
    assert content.hospital["emergency_number"] in text
    assert "emergency department" in text


@pytest.mark.parametrize("intent", ["emergency", "self_harm"])
def test_safety_replies_open_with_the_instruction_to_call(content: Content, intent: str) -> None:
    """The number stands in the first two sentences (a crisis reply may first show support)."""
    text = single_message(run_action(ActionReply(), make_tracker(intent))[0])["text"]
    assert f"call {content.hospital['emergency_number']} now" in first_sentences(text, 2)


@pytest.mark.parametrize(
    "key", ["out_of_scope", "nlu_fallback", "did_you_mean", "which_topic", "human_handoff"]
)
def test_every_deflection_ends_with_the_safety_net(content: Content, key: str) -> None:
    safety_net = content.render(content.safety_net)
    assert safety_net == f"If this is an emergency, call {content.hospital['emergency_number']}."
    assert content.reply_text(key).endswith("\n" + safety_net)


@pytest.mark.parametrize(
    "key", ["service_unavailable", "rate_limited", "bad_request", "choose_option_unknown"]
)
def test_messages_that_give_no_answer_end_with_the_safety_net(content: Content, key: str) -> None:
    assert content.message(key, max_chars="1000").endswith(content.render(content.safety_net))


@pytest.mark.parametrize("text", ["what time is it", "will it rain this weekend"])
def test_a_vague_question_naming_something_else_is_deflected(content: Content, text: str) -> None:
    """Only a question about "it" and nothing else is taken to be about the scan."""
    tracker = make_tracker("out_of_scope", text=text, ranking=["out_of_scope", "ask_why_mri"])
    message = single_message(run_action(ActionReply(), tracker)[0])
    assert message["text"].startswith(content.reply_text("out_of_scope"))


@pytest.mark.parametrize(
    ("action", "intent"), [(ActionReply(), "out_of_scope"), (ActionFallback(), "nlu_fallback")]
)
@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("my dr and the mri of my c spine", "did_you_mean"),
        ("la resonancia de columna es peligrosa", "did_you_mean"),
        ("is the scan safe?", "did_you_mean"),
        # Too vague to be about anything but the scan: understood, only the topic lacks.
        ("is it safe?", "which_topic"),
        ("so what is this for", "which_topic"),
        ("tell me more please", "which_topic"),
        ("i have a question", "which_topic"),
        ("what does it check", "which_topic"),
        ("how long", "which_topic"),
        ("can you help me", "which_topic"),
        ("should i worry", "which_topic"),
        ("what should i know", "which_topic"),
        ("is it ok for somebody like me", "which_topic"),
        # the scan named in another language
        ("une question sur mon IRM", "did_you_mean"),
    ],
)
def test_a_spine_mri_question_is_never_deflected_bare(
    content: Content, action: ActionReply | ActionFallback, intent: str, text: str, reply: str
) -> None:
    """Out of scope or unsure, a message about spine MRI, in English or Spanish, gets
    the closest topics; a vague one is asked which of them it means."""
    tracker = make_tracker(
        intent,
        text=text,
        ranking=["out_of_scope", "ask_why_mri", "ask_mri_surgery", "greet"],
    )
    messages, events = run_action(action, tracker)
    message = single_message(messages)
    assert message["text"] == content.with_disclaimer(content.reply_text(reply))
    assert message["reply"] == reply
    assert offered(events) == ["why_cervical_mri", "why_lumbar_mri", "mri_surgery"]
    assert button_titles(message) == [content.topics[t].title for t in offered(events)]


@pytest.mark.parametrize(
    ("action", "intent"), [(ActionReply(), "out_of_scope"), (ActionFallback(), "nlu_fallback")]
)
@pytest.mark.parametrize(
    ("text", "topic_id"),
    [
        ("how long does an mri take", "what_to_expect"),
        ("what should I wear to my MRI", "what_to_expect"),
        ("can i eat before the scan", "what_to_expect"),
        ("does the mri hurt", "what_to_expect"),
        ("will i have to lie still the whole time in the tube", "what_to_expect"),
        ("can my daughter come in the room with me during the scan", "what_to_expect"),
        ("What's it like having an MRI?", "what_to_expect"),
        ("mri factors", "mri_factors"),
        ("can i listen to music in the scanner, how long is it", "music_mri"),
        ("my back hurts when i lie down, why an mri", "why_lumbar_mri"),
        ("can my wife go in the mri with her pacemaker", "mri_factors"),
        ("what happens if i move during the mri, will it ruin the pictures", "mri_factors"),
        # an X-ray already done is the reason asked about; music while lying still
        ("why a lumbar mri, my back x-ray came back normal", "why_lumbar_mri"),
        ("why the neck mri, i had the xray last week", "why_cervical_mri"),
        ("can i have some songs on while i lie still", "music_mri"),
        # the scan named, then "what is that"; ADT; what is done to the patient, how far in;
        # French "opère" (a grave accent)
        ("my doctor wrote down MRI spine. what is that exam", "what_is_spine_mri"),
        ("on ADT for two years, is an mri ok", "prostate_cancer_mri"),
        ("my dad has his mri friday, what will they do to him", "what_to_expect"),
        ("does my whole body go in the tube", "what_to_expect"),
        ("est-ce que l'IRM aide à savoir si on m'opère", "mri_surgery"),
        # lying still names the scan; not lying still, and dental work, affect it; asked
        # for someone else, or ending at a question mark; bad enough; an X-ray already
        # done; a Polish knee prosthesis
        ("how long will i need to keep still", "what_to_expect"),
        ("my son has adhd and cant keep still, is that a problem", "mri_factors"),
        ("are amalgam fillings a problem for the mri", "mri_factors"),
        ("my grandpa keeps asking me what an mri is", "what_is_spine_mri"),
        ("what is spine mri? my doctor wants one", "what_is_spine_mri"),
        ("how bad does neck pain have to get, is it bad enough for an mri", "why_cervical_mri"),
        ("why a neck mri, i already got an xray", "why_cervical_mri"),
        ("czy mogę zrobić rezonans z protezą kolana", "mri_factors"),
        # "can't" with its apostrophe, straight or curly
        ("she can't keep still for long, will that be a problem for the mri", "mri_factors"),
        ("he can’t lie still because of the pain, does that matter for the scan", "mri_factors"),
        # sedation is part of the day; music through the earplugs is the music topic's
        ("will they give me something to calm my nerves", "what_to_expect"),
        ("can i hear songs through the ear plugs", "music_mri"),
        # what it is used for without "do"; a treatment already tried is no question about
        # it; "what is it and what does it do"
        ("what they use a spinal mri for, generally", "what_is_spine_mri"),
        # what sort of test it is; hearing the radiographer; knowing beforehand; how long
        # one stays at the hospital; a condition that changes whether it is safe
        ("what sort of test is the mri", "what_is_spine_mri"),
        # the scanner's table; lash extensions; what to expect in German; fasting in Tagalog
        ("how hard is the table, i struggle lying flat", "what_to_expect"),
        ("do i need to remove my lash extensions for the scan", "mri_factors"),
        ("Was erwartet mich beim MRT der Wirbelsäule?", "what_to_expect"),
        ("Dapat ba akong mag-ayuno bago ang MRI?", "what_to_expect"),
        # coughing that messes it up; how it goes in German; a kind of camera
        ("if i cough in the scanner will that mess it up", "mri_factors"),
        ("Wie läuft die MRT-Untersuchung ab?", "what_to_expect"),
        ("is the scan a kind of camera for inside the back", "what_is_spine_mri"),
        # jazz is music; staples are metal in the body
        ("can she have some jazz on in the tube", "music_mri"),
        ("they closed my knee with staples, is an mri ok", "mri_factors"),
        ("will i be able to hear the radiographer during the scan", "what_to_expect"),
        ("what do i need to know beforehand for my mri", "what_to_expect"),
        ("how long will i stay at the hospital for the scan", "what_to_expect"),
        (
            "does a health condition like diabetes change whether i can safely have an mri",
            "mri_factors",
        ),
        (
            "tried physio and a chiropractor for months, no good. now an mri of my back. "
            "what is that and what does it do",
            "what_is_spine_mri",
        ),
        # how still, asked as such; a tremor and whether the pictures come out fine
        ("how still do i need to be, and for how long?", "what_to_expect"),
        ("my mum has a tremor, will her mri come out fine", "mri_factors"),
        # what the test does, in a learner's words; a scan or an operation; a name first
        ("my dad has appointment for the spine mri, what this test is doing", "what_is_spine_mri"),
        ("they wrote mri spine on my form, is it a scan or an operation", "what_is_spine_mri"),
        ("Tel 555 0100, Ann. What's a spinal MRI for, in general?", "what_is_spine_mri"),
        # a referral letter quoted is no booking
        ("what is an mri of the spine? it is on my referral letter", "what_is_spine_mri"),
        # the lower back shortened; whether everyone with the pain needs one
        ("lwr bk mri why", "why_lumbar_mri"),
        ("does everyone with neck pain need an mri", "why_cervical_mri"),
        # an operation asked about as usual; other languages
        ("my surgeon ordered another mri before the fusion, is that usual?", "mri_surgery"),
        ("Brauche ich vor einer Bandscheibenoperation ein MRT?", "mri_surgery"),
        ("o que devo esperar da ressonância", "what_to_expect"),
        ("颈椎核磁共振是为了检查什么", "why_cervical_mri"),
        # information asked for after a name; the next step; what people usually get
        ("Ann here, 555 0100. I need information about what a spinal mri is", "what_is_spine_mri"),
        ("is an mri the next step if my neck still hurts", "why_cervical_mri"),
        ("my back went out last month, do people usually get an mri for that", "why_lumbar_mri"),
        # what the surgeon is checking; the decision, in German; music covering the noise
        ("after my fusion the surgeon wants an mri, what is he checking", "mri_surgery"),
        ("Entscheidet das MRT, ob ich eine Operation brauche?", "mri_surgery"),
        ("can music cover the clanging of the mri", "music_mri"),
        # the scan one is scheduled for (no booking); "abt"; "wats ... for"
        ("Tom, 555 0100. What is the back MRI my wife is scheduled for?", "what_is_spine_mri"),
        ("tell me abt the spine mri please", "what_is_spine_mri"),
        ("wats a neck mri for", "why_cervical_mri"),
        # who reads the scan (no result); a test or a treatment; what it tells the doctor
        ("is it a real person who reads the mri or a computer", "what_is_spine_mri"),
        ("is the mri a test or a treatment", "what_is_spine_mri"),
        ("what does the back mri tell my doctor", "what_is_spine_mri"),
        # the neck misspelt; what keeps someone from having one
        ("servical mri why", "why_cervical_mri"),
        ("health problems that stop people having an mri", "mri_factors"),
    ],
)
def test_a_deflected_question_in_a_topics_own_words_gets_that_topic(
    content: Content, action: ActionReply | ActionFallback, intent: str, text: str, topic_id: str
) -> None:
    """What the NLU would deflect but the topic's `when_deflected` words name. For
    what_to_expect, whose document text is only a heading, the reply says so and
    names the care team: more than "did you mean" tells the patient."""
    tracker = make_tracker(intent, text=text, ranking=["out_of_scope", "ask_music_mri"])
    messages, events = run_action(action, tracker)
    topic = content.topics[topic_id]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))
    assert offered(events) == list(topic.related)


@pytest.mark.parametrize(
    "text",
    [
        "how long does a knee mri take",
        "how long until i get my mri results",
        "how much does an mri cost",
        "what should i wear to my ct scan",
        "how long is the wait for an mri",
        "does the mri hurt my back",
        "do they have a defibrillator in the mri room",
        # an X-ray as the subject; which radiologist reads the scan
        "should i get an x-ray of my neck instead of an mri",
        "can i ask for a particular radiologist to read my spine mri",
        "which radiologist will look at my scan",
        # filling in forms is no filling in a tooth
        "i cut my finger filling out the mri forms",
        # how long the reading takes is a question of results
        "how long does it take for the radiologist to read the mri",
    ],
)
def test_other_subjects_and_other_questions_still_get_did_you_mean(
    content: Content, text: str
) -> None:
    tracker = make_tracker("out_of_scope", text=text, ranking=["out_of_scope", "ask_music_mri"])
    message = single_message(run_action(ActionReply(), tracker)[0])
    assert message["text"] == content.with_disclaimer(content.reply_text("did_you_mean"))


@pytest.mark.parametrize(
    "text",
    [
        "side effects of mri contrast, can i breastfeed after",
        "what if the machine stops working while im inside",
        "can my doctor prescribe valium for mri claustrophobia",
    ],
)
def test_questions_near_a_topics_words_do_not_get_its_document_text(
    content: Content, text: str
) -> None:
    """Side effects, a broken machine or a prescription are not what the document says
    can affect an MRI: at most they get the honest "no details"."""
    tracker = make_tracker("out_of_scope", text=text, ranking=["out_of_scope"])
    message = single_message(run_action(ActionReply(), tracker)[0])
    factors = content.answer_text(content.topics["mri_factors"])
    assert message["text"] != content.with_disclaimer(factors)


def test_a_region_the_content_does_not_know_lets_the_question_name_one(content: Content) -> None:
    """The NLU may tag a word that is no region ("lower" in "why mri of upper spine not
    lower"): the question's own words then name the neck."""
    tracker = make_tracker(
        "ask_why_mri",
        text="why an mri of my upper spine and not the lower",
        entities=[{"entity": "region", "value": "lower"}],
        slots={"region": "lower"},
        ranking=["ask_why_mri", "ask_music_mri"],
    )
    messages, _ = run_action(ActionAnswer(), tracker)
    topic = content.topics["why_cervical_mri"]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))


@pytest.mark.parametrize("text", ["why mri of the top of my spine", "why a c spine mri"])
def test_a_why_question_that_names_the_neck_untagged_gets_its_answer(
    content: Content, text: str
) -> None:
    """No region tagged, but the words name the neck (`why_mentions`): its answer, not
    "neck or lower back?"."""
    tracker = make_tracker("ask_why_mri", text=text, ranking=["ask_why_mri", "ask_music_mri"])
    messages, _ = run_action(ActionAnswer(), tracker)
    topic = content.topics["why_cervical_mri"]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))


def test_a_deflected_regions_answer_uses_the_region_up(content: Content) -> None:
    """As when the NLU asks it: a later general question asks for the region again."""
    tracker = make_tracker(
        "nlu_fallback",
        text="neck mri purpose",
        entities=[{"entity": "region", "value": "cervical"}],
        slots={"region": "cervical"},
    )
    messages, events = run_action(ActionFallback(), tracker)
    topic = content.topics["why_cervical_mri"]
    assert single_message(messages)["text"] == content.with_disclaimer(content.answer_text(topic))
    assert {"event": "slot", "name": "region", "value": None, "timestamp": None} in events


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_mri_surgery", "what are the risks of spinal fusion surgery"),
        ("ask_mri_surgery", "can i fly on a plane after back surgery"),
        ("ask_mri_surgery", "is laser spine surgery better than regular surgery?"),
        # another kind of scan or MRI (answer_unless)
        ("ask_what_is_spine_mri", "what does a bone scan show compared to mri"),
        ("ask_what_is_spine_mri", "is a kinetic mri the same as a normal one"),
        ("ask_what_is_spine_mri", "what is a cardiac mri"),
        ("ask_what_is_spine_mri", "is mri the same thing as nmr"),
        ("ask_what_is_spine_mri", "is a 3 tesla mri better"),
        ("ask_what_is_spine_mri", "what does the spinal cord do in the back"),
        ("ask_what_is_spine_mri", "what does the lumbar spine do"),
        ("ask_what_is_spine_mri", "what do the discs do in my back"),
        ("ask_what_is_spine_mri", "my spine mri is on a dicom disc, how do i view it"),
        ("ask_mri_surgery", "had back surgery before, will they sedate me for the scan"),
    ],
)
def test_a_classifier_answer_whose_subject_is_not_named_gets_did_you_mean(
    content: Content, intent: str, text: str
) -> None:
    """The classifier gives these the MRI-and-surgery topic, but they ask about the
    operation, or the what-is topic, but they ask about another scan: the patient is
    offered that topic first instead of an answer to another question."""
    tracker = make_tracker(intent, text=text, ranking=[intent, "ask_mri_factors"])
    messages, events = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"] == content.with_disclaimer(
        content.reply_text("did_you_mean")
    )
    assert offered(events)[:2] == [content.topic_for(intent).id, "mri_factors"]


@pytest.mark.parametrize(
    ("intent", "region", "text"),
    [
        ("ask_why_mri", "lumbar", "ballpark estimate for my lumbar mri"),
        ("ask_why_mri", "cervical", "the neck mri came back normal, so why does it still ache"),
        ("ask_mri_factors", None, "my wife is pregnant, is a fetal mri risky"),
        ("ask_mri_factors", None, "how many mris can i safely get"),
        # what an X-ray shows or how safe it is; what a condition of the spine is
        ("ask_what_is_spine_mri", None, "can an xray of the back see a slipped disc"),
        ("ask_mri_factors", None, "are back x-rays dangerous for my unborn baby"),
        ("ask_what_is_spine_mri", None, "what is spinal stenosis"),
        # a report's words; why the scan works as it does; how prostate cancer is found
        ("ask_what_is_spine_mri", None, "my mri report says mild findings at l4, what is that"),
        ("ask_why_mri", "lumbar", "why do they use a magnet to make pictures of the lower back"),
        ("ask_prostate_cancer_mri", None, "how does an mri check for prostate cancer in men"),
        # the middle of the spine, which neither paragraph names
        ("ask_why_mri", "lumbar", "why scan my thoracic spine and my lumbar spine together"),
        ("ask_why_mri", "cervical", "why do they want my mid back scanned too"),
        # a request to book, which asks no why
        ("ask_why_mri", "lumbar", "please can you book me in for a lumbar mri next monday"),
        ("ask_why_mri", "lumbar", "i need to move my lumbar mri to another day"),
        # a knee's torn meniscus; the patient reading their own pictures
        ("ask_mri_factors", None, "how accurate is an mri for a torn meniscus"),
        ("ask_what_is_spine_mri", None, "how can i look at my own mri pictures on my laptop"),
        # results asked for first; a finding in a report
        ("ask_what_is_spine_mri", None, "results of the mri on my back please"),
        ("ask_mri_factors", None, "is a hemangioma on my spine mri dangerous"),
        # how the spine is built; how fast one can have it; a condition outside the spine
        ("ask_why_mri", "lumbar", "how many vertebrae does the lower spine have"),
        ("ask_what_is_spine_mri", None, "what are spinal discs made of"),
        ("ask_what_is_spine_mri", None, "quickest way to get a back mri around here"),
        ("ask_what_is_spine_mri", None, "will the back mri pick up gallstones"),
        ("ask_mri_factors", None, "can the spine scan find kidney problems"),
        # whether to have the operation; when one meets the surgeon; an operation long
        # healed, told without a question
        ("ask_mri_surgery", None, "the scan found a herniated disc, should i get the operation"),
        ("ask_mri_surgery", None, "how soon after the scan will i meet my surgeon"),
        ("ask_mri_surgery", None, "back operation in 2016, recovered fully, another scan soon"),
        # what a report's word means; reading one's own pictures; the bills; an emergency scan
        ("ask_what_is_spine_mri", None, "what does 'enhancement' mean in the spine mri"),
        ("ask_what_is_spine_mri", None, "how to view my mri images at home"),
        ("ask_why_mri", "lumbar", "why did the lumbar mri produce two separate bills"),
        ("ask_what_is_spine_mri", None, "what is an emergency mri"),
        # where the department is; another part of the body
        ("ask_what_is_spine_mri", None, "where is the mri department in this building"),
        # what a normal scan looks like
        ("ask_what_is_spine_mri", None, "what would a normal neck mri look like"),
        ("ask_why_mri", "lumbar", "why would a doctor order an mri of the knee"),
        # a clear scan and pain all the same; whether an older scan still serves; cracking
        # one's neck; who is on duty; finding prostate cancer
        ("ask_why_mri", "lumbar", "the lumbar mri is clear yet my legs still ache, why"),
        ("ask_mri_surgery", None, "is a spine mri from last year still valid for my operation"),
        ("ask_what_is_spine_mri", None, "is cracking my neck bad for my spine"),
        ("ask_what_is_spine_mri", None, "which radiologist is on duty today"),
        ("ask_prostate_cancer_mri", None, "can an mri find prostate cancer early"),
        ("ask_what_is_spine_mri", None, "what does disc bulge at l4 mean on mri"),
        # what a part of the spine does; both regions on one day; an MRI of the prostate
        ("ask_why_mri", "lumbar", "what does the lower spine do"),
        ("ask_why_mri", "cervical", "can the neck and the back be scanned on the same day"),
        ("ask_prostate_cancer_mri", None, "an mri of my prostate, does it hurt"),
        # a supplement asked about without the scan
        ("ask_mri_factors", None, "are vitamin supplements safe for my spine"),
        # a finding named; music as a remedy for pain
        ("ask_what_is_spine_mri", None, "syrinx on the spine mri, what is it"),
        ("ask_music_mri", None, "does music help with neck pain"),
        # a pituitary MRI
        ("ask_what_is_spine_mri", None, "pituitary mri what does it show"),
    ],
)
def test_a_classifier_answer_about_a_cost_a_result_or_another_scan_gets_did_you_mean(
    content: Content, intent: str, region: str | None, text: str
) -> None:
    """The topic's `answer_unless` list: the why-topics say nothing of a cost or of a
    result, the factors nothing of a fetal MRI or of how often one may be scanned."""
    entities = [{"entity": "region", "value": region}] if region else []
    tracker = make_tracker(
        intent,
        text=text,
        entities=entities,
        slots={"region": region} if region else None,
        ranking=[intent, "ask_music_mri"],
    )
    messages, events = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"] == content.with_disclaimer(
        content.reply_text("did_you_mean")
    )
    assert offered(events)[0] == content.topic_for(intent, region).id


@pytest.mark.parametrize("text", ["is it safe", "so is it safe or not", "is this dangerous?"])
def test_a_bare_is_it_safe_is_asked_which_topic_it_means(content: Content, text: str) -> None:
    """Safe to do what, the scan, the dye or driving after it? The factors' answer is
    held back (`answer_unless`) and the patient is asked which topic, the factors first."""
    tracker = make_tracker("ask_mri_factors", text=text, ranking=["ask_mri_factors", "greet"])
    messages, events = run_action(ActionAnswer(), tracker)
    assert single_message(messages)["text"] == content.with_disclaimer(
        content.reply_text("which_topic")
    )
    assert offered(events)[0] == "mri_factors"


def test_how_much_it_must_hurt_is_no_question_of_the_cost(content: Content) -> None:
    topic = content.topic_for("ask_why_mri", "lumbar")
    assert topic.names_its_subject("how much does my back have to hurt before they order an mri")
    assert not topic.names_its_subject("how much is an mri of my lower back")


@pytest.mark.parametrize(
    ("intent", "region", "text"),
    [
        # the scan named after the magnet; a diagnosis told as a story; cancer in the spine
        ("ask_why_mri", "cervical", "why do they want the magnet test on my neck"),
        (
            "ask_prostate_cancer_mri",
            None,
            "diagnosed with prostate cancer in 2020, had hormone shots, can i have a spine mri",
        ),
        (
            "ask_prostate_cancer_mri",
            None,
            "is the spine mri used to look for prostate cancer in my bones",
        ),
        # an operation long healed, asked why or whether the scan checks it
        (
            "ask_mri_surgery",
            None,
            "had a fusion in 2019 and healed well, why another mri to check it",
        ),
        # a name is no bill; radio waves are no radio
        ("ask_why_mri", "cervical", "Bill here, why is a neck mri needed"),
        ("ask_what_is_spine_mri", None, "so the mri uses radio waves, like a radio?"),
        # what the scan is like is what to expect's own question
        ("ask_what_to_expect", None, "can you tell me what the mri is going to be like"),
        # what the scan is good for; finding cancer that has spread; old scans too old to plan
        # with (not whether one is still valid)
        ("ask_why_mri", "lumbar", "the lumbar mri is good for what? i have sciatica"),
        ("ask_prostate_cancer_mri", None, "can a spine mri find prostate cancer that has spread"),
        (
            "ask_mri_surgery",
            None,
            "my old scans are too old for the surgeon, how does a new mri help plan it",
        ),
    ],
)
def test_the_answer_unless_lists_leave_the_documents_own_questions_alone(
    content: Content, intent: str, region: str | None, text: str
) -> None:
    assert content.topic_for(intent, region).names_its_subject(text)


@pytest.mark.parametrize(
    ("intent", "text"),
    [
        ("ask_prostate_cancer_mri", "how is prostate cancer treated"),
        # the telephone queue's music is no music during the scan
        ("ask_music_mri", "your hold music has been playing for 20 minutes"),
    ],
)
def test_a_classifier_answer_about_something_else_gets_the_plain_deflection(
    content: Content, intent: str, text: str
) -> None:
    tracker = make_tracker(intent, text=text)
    message = single_message(run_action(ActionAnswer(), tracker)[0])
    assert message["text"] == content.with_disclaimer(content.reply_text("out_of_scope"))


@pytest.mark.parametrize(
    ("intent", "text", "topic_id"),
    [
        ("ask_mri_surgery", "why an mri after my fusion", "mri_surgery"),
        ("ask_mri_surgery", "why do they need pictures before they operate", "mri_surgery"),
        ("ask_mri_surgery", "pourquoi une IRM avant une opération du dos", "mri_surgery"),
        ("ask_mri_surgery", "/ask_mri_surgery", "mri_surgery"),
        (
            "ask_prostate_cancer_mri",
            "had hormones for prostate cancer, what to be aware of",
            "prostate_cancer_mri",
        ),
        ("ask_prostate_cancer_mri", "prostate cancer and a spine scan", "prostate_cancer_mri"),
        # held back from the topic the classifier chose, answered by the one it asks
        ("ask_what_to_expect", "does moving a tiny bit during the scan mess it up", "mri_factors"),
        (
            "ask_what_to_expect",
            "i will probably tremble in the mri, will that matter",
            "mri_factors",
        ),
        ("ask_what_is_spine_mri", "radio in the scanner? would that help me", "music_mri"),
        (
            "ask_mri_factors",
            "will prostate cancer treatment make the mri less accurate",
            "prostate_cancer_mri",
        ),
        (
            "ask_what_is_spine_mri",
            "'call' button inside the mri, how does that work",
            "what_to_expect",
        ),
        (
            "ask_what_is_spine_mri",
            "is gadolinium used in a back mri and how will it feel",
            "what_to_expect",
        ),
        (
            "ask_what_to_expect",
            "can you tell me what the mri is before my appointment",
            "what_is_spine_mri",
        ),
        # what the scan is expected to find, with the neck or an operation named
        (
            "ask_what_is_spine_mri",
            "what are they expecting to see on a neck mri",
            "why_cervical_mri",
        ),
        ("ask_what_is_spine_mri", "postop spine mri, what is it for", "mri_surgery"),
        ("ask_what_is_spine_mri", "what is a neck mri supposed to show", "why_cervical_mri"),
        # finding out what the scan is asks no purpose
        (
            "ask_what_is_spine_mri",
            "my dad wants me to find out what the spine mri is, he thinks it is an operation",
            "what_is_spine_mri",
        ),
        ("ask_what_is_spine_mri", "o que devo esperar da ressonância da coluna", "what_to_expect"),
    ],
)
def test_a_classifier_answer_that_names_its_subject_or_a_button_is_answered(
    content: Content, intent: str, text: str, topic_id: str
) -> None:
    """The scan in any language, its pictures, or the topic's button."""
    message = single_message(run_action(ActionAnswer(), make_tracker(intent, text=text))[0])
    topic = content.topics[topic_id]
    assert message["text"] == content.with_disclaimer(content.answer_text(topic))


def test_a_question_the_nlu_answers_is_not_rerouted(content: Content) -> None:
    tracker = make_tracker("ask_music_mri", text="can i eat while listening to music in the mri")
    message = single_message(run_action(ActionAnswer(), tracker)[0])
    assert message["text"] == content.with_disclaimer(
        content.answer_text(content.topics["music_mri"])
    )


def test_did_you_mean_fills_up_with_the_main_topics(content: Content) -> None:
    tracker = make_tracker("out_of_scope", text="mri question", ranking=["ask_music_mri"])
    _, events = run_action(ActionReply(), tracker)
    expected = ["music_mri", *content.main_topics][: content.did_you_mean.max_topics]
    assert offered(events) == expected


@pytest.mark.parametrize("region", ["lumbar", "cervical"])
def test_did_you_mean_offers_the_named_region_first(content: Content, region: str) -> None:
    """ "How much is an mri of my lower back" is not offered the neck's topic first."""
    tracker = make_tracker(
        "out_of_scope",
        text=f"how much is a {region} mri",
        entities=[{"entity": "region", "value": region}],
        ranking=["ask_why_mri", "ask_what_is_spine_mri"],
    )
    _, events = run_action(ActionReply(), tracker)
    other = "cervical" if region == "lumbar" else "lumbar"
    assert offered(events)[:2] == [
        content.topic_for("ask_why_mri", region).id,
        content.topic_for("ask_why_mri", other).id,
    ]


def test_a_message_about_something_else_gets_the_plain_deflection(content: Content) -> None:
    tracker = make_tracker("out_of_scope", text="where do i park", ranking=["ask_music_mri"])
    message = single_message(run_action(ActionReply(), tracker)[0])
    assert message["text"] == content.with_disclaimer(content.reply_text("out_of_scope"))
    assert button_titles(message) == [content.topics[t].title for t in content.main_topics]


def test_self_harm_reply_gives_emergency_number_and_crisis_line(content: Content) -> None:
    text = single_message(run_action(ActionReply(), make_tracker("self_harm"))[0])["text"]
    assert content.hospital["emergency_number"] in text
    assert content.hospital["crisis_line"] in text


@pytest.mark.parametrize(
    ("ranking", "confidences", "expected"),
    [
        (["nlu_fallback", "goodbye", "thank"], [0.55, 0.54, 0.46], "goodbye"),
        (["thank", "greet", "out_of_scope"], [0.5, 0.45, 0.05], "thank"),
    ],
)
def test_small_talk_the_nlu_only_wavered_over_gets_its_reply(
    content: Content, ranking: list[str], confidences: list[float], expected: str
) -> None:
    """ "thanks, bye" is goodbye or thank, never "say it another way"."""
    tracker = make_tracker("nlu_fallback", "thanks, bye", ranking=ranking, confidences=confidences)
    message = single_message(run_action(ActionFallback(), tracker)[0])
    assert message["text"] == content.with_disclaimer(content.reply_text(expected))


@pytest.mark.parametrize(
    ("ranking", "confidences"),
    [
        (["goodbye", "thank"], [0.5, 0.3]),  # not sure enough of the pair
        (["goodbye", "out_of_scope", "thank"], [0.5, 0.45, 0.05]),  # something else in the running
    ],
)
def test_small_talk_mixed_with_doubt_still_asks_to_rephrase(
    ranking: list[str], confidences: list[float]
) -> None:
    tracker = make_tracker("nlu_fallback", "thanks ok", ranking=ranking, confidences=confidences)
    assert "say it another way" in single_message(run_action(ActionFallback(), tracker)[0])["text"]


@pytest.mark.parametrize("intent", ["nlu_fallback", "ask_mri_surgery", "unknown_intent"])
def test_fallback_asks_to_rephrase_with_the_main_topics(content: Content, intent: str) -> None:
    messages, events = run_action(ActionFallback(), make_tracker(intent))
    message = single_message(messages)
    assert "say it another way" in message["text"]
    assert offered(events) == list(content.main_topics)
