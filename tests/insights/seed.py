"""A small store whose every number is known: the conversations the insights tests seed.

Each conversation follows the data contract (docs/insights.md); EXPECTED holds
what the page must show for the default period (the last 30 days), and for the
twilio channel alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from insights.synthetic import bot_event, feedback_event, session_start_events, user_event


def noon(days_ago: int, seconds: int = 0) -> float:
    """A local time on a day days_ago, well away from midnight."""
    day = date.today() - timedelta(days=days_ago)
    return datetime.combine(day, time(12)).timestamp() + seconds


def conversation(sender: str, days_ago: int, channel: str, turns: list[tuple]) -> list[dict]:
    """Rows of one conversation; a turn is (text, intent, reply, topic, red flag) or a vote
    ("vote", topic, value, reason)."""
    rows = session_start_events(sender, noon(days_ago))
    for second, turn in enumerate(turns, start=1):
        at = noon(days_ago, 10 * second)
        if turn[0] == "vote":
            _, topic, value, reason = turn
            rows.append(feedback_event(sender, at, topic, value, reason, channel))
            rows.append(bot_event(sender, at + 1, "Thank you.", "feedback_thanks"))
            continue
        text, intent, reply, topic, red_flag = turn
        rows.append(user_event(sender, at, text, intent, channel, red_flag=red_flag))
        rows.append(bot_event(sender, at + 1, f"reply to {text}", reply, topic))
    return rows


def seeded_rows() -> list[dict]:
    return [
        *conversation(
            "sender-a",
            0,
            "rest",
            [
                ("hello", "greet", "greet", None, None),
                (
                    "what is a spine MRI",
                    "ask_what_is_spine_mri",
                    "answer",
                    "what_is_spine_mri",
                    None,
                ),
                ("vote", "what_is_spine_mri", "up", None),
            ],
        ),
        *conversation(
            "sender-b",
            0,
            "socketio",
            [
                ("where do I park my car", "out_of_scope", "out_of_scope", None, None),
                ("is there parking at the hospital", "nlu_fallback", "nlu_fallback", None, None),
                ("why do I need a neck MRI", "ask_why_mri", "answer", "why_cervical_mri", None),
                ("vote", "why_cervical_mri", "down", "unclear"),
            ],
        ),
        *conversation(
            "sender-c",
            1,
            "socketio",
            [
                ("crushing chest pain right now", "emergency", "emergency", None, "chest_pain"),
                ("I want to talk to a person", "human_handoff", "human_handoff", None, None),
            ],
        ),
        *conversation(
            "sender-d",
            1,
            "twilio",
            [
                ("i want to end it all", "self_harm", "self_harm", None, "suicide_self_harm"),
                ("mri knee thing", "nlu_fallback", "did_you_mean", None, None),
            ],
        ),
        # Older than the 30 days of retention: never shown.
        *conversation(
            "sender-e",
            40,
            "rest",
            [("an old question", "out_of_scope", "out_of_scope", None, None)],
        ),
        # Stored before bot messages carried their reply: derived from the intent.
        *conversation(
            "sender-f",
            0,
            "rest",
            [("What is a spine MRI?", "ask_what_is_spine_mri", None, None, None)],
        ),
        # A "no", then the reason for it: one vote, with the reason.
        *conversation(
            "sender-g",
            0,
            "rest",
            [
                (
                    "can I listen to music in the scanner",
                    "ask_music_mri",
                    "answer",
                    "music_mri",
                    None,
                ),
                ("vote", "music_mri", "down", None),
                ("vote", "music_mri", "down", "not_answered"),
            ],
        ),
    ]


EXPECTED = {
    "Conversations": 6,
    "Patient messages": 11,
    "Document answers": 4,
    "Did-you-mean rate (%)": 9.1,
    "Fallback rate (%)": 9.1,
    "Out-of-scope rate (%)": 9.1,
    "Emergency replies": 1,
    "Crisis replies": 1,
    "Hand-off requests": 1,
    "Votes on answers": 3,
    "Voted helpful (%)": 33.3,
}
EXPECTED_TWILIO = {
    "Conversations": 1,
    "Patient messages": 2,
    "Document answers": 0,
    "Did-you-mean rate (%)": 50.0,
    "Fallback rate (%)": 0.0,
    "Out-of-scope rate (%)": 0.0,
    "Emergency replies": 0,
    "Crisis replies": 1,
    "Hand-off requests": 0,
    "Votes on answers": 0,
    "Voted helpful (%)": None,
}
# (conversations, patient messages) today and yesterday.
EXPECTED_DAILY = {0: (4, 7), 1: (2, 4)}
EXPECTED_TOPICS = {"what_is_spine_mri": 2, "why_cervical_mri": 1, "music_mri": 1}
EXPECTED_GAPS = {
    "where do I park my car": "out of scope",
    "is there parking at the hospital": "fallback",
    "why do I need a neck MRI": "not helpful",
    "can I listen to music in the scanner": "not helpful",
}
