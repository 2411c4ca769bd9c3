"""How the evaluation scores an out-of-scope message: small talk may be answered in
kind, a near miss may not (it must be deflected); and how it scores the reply of a
topic the document has only a heading for; and which replies clarify a vague message."""

from evaluation.assistant import Turn
from evaluation.blind import measures, misses
from evaluation.datasets import BLIND_DIR, Case, answer_cases, is_answer, out_of_scope_cases
from evaluation.metrics import Scored


def _case(label: str, text: str | None = None) -> Case:
    cases = out_of_scope_cases(BLIND_DIR / "r14")
    return next(c for c in cases if c.label == label and text in (None, c.text))


def test_small_talk_may_get_small_talk_back() -> None:
    hello = _case("other", "hi")
    assert hello.accepts("reply:greet") and hello.accepts("reply:out_of_scope")
    assert not hello.accepts("answer:music_mri")
    assert not hello.accepts("reply:emergency")


def test_a_near_miss_must_be_deflected() -> None:
    near_miss = _case("near_miss")
    assert near_miss.accepts("reply:did_you_mean")
    assert not near_miss.accepts("reply:greet")
    assert not near_miss.accepts("reply:thank")


def _scored(case: Case, outcome: str) -> Scored:
    turn = Turn(
        text=case.text,
        intent="",
        confidence=0.0,
        ranking=(),
        region=None,
        action="action_answer",
        outcome=outcome,
        messages=(),
    )
    return Scored(case, turn)


def test_a_no_details_reply_is_a_deflection_not_a_document_answer() -> None:
    """'I don't have details about "What to Expect From an MRI". Please ask your care
    team' answers nothing: for a near miss it deflects, and it is never a wrong answer."""
    near_miss = _case("near_miss")
    assert not is_answer("answer:what_to_expect")
    assert near_miss.accepts("answer:what_to_expect")
    assert not _scored(near_miss, "answer:what_to_expect").wrong_answer


def test_a_no_details_reply_is_still_right_only_for_its_own_topic() -> None:
    cases = answer_cases(BLIND_DIR / "r61")
    expect = next(c for c in cases if c.label == "what_to_expect")
    music = next(c for c in cases if c.label == "music_mri")
    assert expect.accepts("answer:what_to_expect")
    assert not music.accepts("answer:what_to_expect")
    assert not _scored(music, "answer:what_to_expect").wrong_answer
    assert _scored(music, "answer:mri_factors").wrong_answer


def test_a_vague_question_is_clarified_by_the_region_question_or_by_topics() -> None:
    """A blind round's vague message ("is it safe") is handled when the assistant asks
    back, with the region question or with topics; an answer, a bare deflection or
    the fallback is not a clarifying question, and only those are listed as misses."""
    vague = next(c for c in answer_cases(BLIND_DIR / "r76") if c.group == "clarification")
    asked_back = ["clarify", "reply:did_you_mean", "reply:which_topic"]
    outcomes = [*asked_back, "answer:mri_factors", "reply:out_of_scope", "reply:nlu_fallback"]
    scored = [_scored(vague, outcome) for outcome in outcomes]
    result = measures(scored)
    assert result["vague_question_clarified"] == 0.5
    assert result["clarification_accuracy"] == 1 / 6
    assert result["did_you_mean_rate"] == 2 / 6
    missed = [m["received"] for m in misses(scored)]
    assert missed == ["answer:mri_factors", "reply:out_of_scope", "reply:nlu_fallback"]
