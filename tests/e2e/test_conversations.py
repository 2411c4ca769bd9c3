"""Multi-turn conversations with the real servers over REST and Socket.IO."""

from __future__ import annotations

import uuid

import pytest

from actions.content import Content, load_content
from actions.votes import Vote
from tests.stack import (
    Stack,
    assert_disclaimer_on_every_message,
    first_sentences,
    socketio_conversation,
)

CONTENT: Content = load_content()


def topic_answer(topic_id: str) -> str:
    return CONTENT.answer_text(CONTENT.topics[topic_id])


def new_sender() -> str:
    return f"patient-{uuid.uuid4().hex[:8]}"


def turn(stack: Stack, sender: str, text: str) -> dict:
    """One REST turn: exactly one bot message, carrying the disclaimer."""
    messages = stack.say(sender, text)
    assert_disclaimer_on_every_message(messages)
    assert len(messages) == 1, messages
    return messages[0]


def test_rest_conversation_with_region_clarification_and_follow_ups(stack: Stack) -> None:
    sender = new_sender()
    greeting = turn(stack, sender, "hello")
    assert "automated assistant" in greeting["text"]

    neck = turn(stack, sender, "why would I need an MRI of my neck?")
    assert neck["text"].startswith(topic_answer("why_cervical_mri"))
    topics, votes = neck["buttons"][:-2], neck["buttons"][-2:]
    assert len(topics) in (2, 3)
    # A document answer also offers the feedback buttons, over REST as over socket.io.
    assert [b["payload"] for b in votes] == [
        Vote("why_cervical_mri", value).payload for value in ("up", "down")
    ]

    lower_back = turn(stack, sender, "and what about my lower back?")
    assert lower_back["text"].startswith(topic_answer("why_lumbar_mri"))

    clarify = turn(stack, sender, "Why would my doctor order a spine MRI?")
    assert clarify["text"].startswith(CONTENT.message("clarify_region"))
    assert [b["title"] for b in clarify["buttons"]] == [
        CONTENT.topics["why_cervical_mri"].title,
        CONTENT.topics["why_lumbar_mri"].title,
    ]
    chosen = turn(stack, sender, clarify["buttons"][0]["payload"])
    assert chosen["text"].startswith(topic_answer("why_cervical_mri"))


def test_rest_related_questions_out_of_scope_and_emergency(stack: Stack) -> None:
    sender = new_sender()
    surgery = turn(stack, sender, "can an MRI help decide if I need surgery for a herniated disk?")
    assert surgery["text"].startswith(topic_answer("mri_surgery"))
    related = turn(stack, sender, surgery["buttons"][1]["payload"])
    assert related["text"].startswith(topic_answer(CONTENT.topics["mri_surgery"].related[1]))

    # About MRI but not in the document: the closest topics, never a bare deflection.
    knee = turn(stack, sender, "how much does a knee MRI cost?")
    assert knee["text"].startswith(CONTENT.reply_text("did_you_mean"))
    assert 2 <= len(knee["buttons"]) <= CONTENT.did_you_mean.max_topics
    assert not any(t.answer and t.answer in knee["text"] for t in CONTENT.topics.values())

    parking = turn(stack, sender, "where can I park my car?")
    assert parking["text"].startswith(CONTENT.reply_text("out_of_scope"))
    assert parking["text"].startswith("I can only answer questions about spine MRI")
    assert "If this is an emergency, call" in parking["text"]

    emergency = turn(stack, sender, "I suddenly lost control of my bladder, why do I need an MRI?")
    assert CONTENT.hospital["emergency_number"] in emergency["text"]


def test_socketio_conversation_carries_disclaimer_and_quick_replies(stack: Stack) -> None:
    replies = socketio_conversation(
        stack.url, ["hi", "Why would my doctor order a spine MRI?", "lower back", "thanks"]
    )
    assert_disclaimer_on_every_message(replies)
    assert [q["title"] for q in replies[1]["quick_replies"]] == [
        CONTENT.topics["why_cervical_mri"].title,
        CONTENT.topics["why_lumbar_mri"].title,
    ]
    assert replies[2]["text"].startswith(topic_answer("why_lumbar_mri"))


def test_context_survives_a_rasa_server_restart(stack: Stack) -> None:
    sender = new_sender()
    clarify = turn(stack, sender, "Why would my doctor order a spine MRI?")
    assert clarify["text"].startswith(CONTENT.message("clarify_region"))
    stack.stop_rasa()
    stack.start_rasa()
    # "2" only means "lower back" because the offered options were stored.
    chosen = turn(stack, sender, "2")
    assert chosen["text"].startswith(topic_answer("why_lumbar_mri"))


def test_action_server_down_gives_apology_contact_and_disclaimer(stack: Stack) -> None:
    sender = new_sender()
    stack.stop_actions()
    try:
        degraded = turn(stack, sender, "what is a spine MRI?")
        assert degraded["text"].startswith(CONTENT.message("service_unavailable"))
        assert CONTENT.hospital["phone"] in degraded["text"]
    finally:
        stack.start_actions()
    answer = turn(stack, sender, "what is a spine MRI?")
    assert answer["text"].startswith(topic_answer("what_is_spine_mri"))


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("I want to kill myself", "self_harm"),
        ("my husband just collapsed and isn't breathing", "emergency"),
    ],
)
def test_action_server_down_still_gives_the_safety_reply(
    stack: Stack, message: str, kind: str
) -> None:
    """The Rasa server's own NLU knows a red flag: no apology in place of 911."""
    sender = new_sender()
    stack.stop_actions()
    try:
        degraded = turn(stack, sender, message)
    finally:
        stack.start_actions()
    assert degraded["text"] == CONTENT.with_disclaimer(CONTENT.reply_text(kind))
    assert CONTENT.hospital["emergency_number"] in first_sentences(degraded["text"], 2)
