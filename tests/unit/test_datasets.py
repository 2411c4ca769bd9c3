"""How the evaluation scores an out-of-scope message: small talk may be answered in
kind, a near miss may not (it must be deflected)."""

from evaluation.datasets import BLIND_DIR, Case, out_of_scope_cases


def _case(label: str, text: str | None = None) -> Case:
    cases = out_of_scope_cases(BLIND_DIR / "r14")
    return next(c for c in cases if c.label == label and text in (None, c.text))


def test_small_talk_may_get_small_talk_back() -> None:
    hello = _case("other", "hi")
    assert hello.accepts("reply:greet") and hello.accepts("reply:out_of_scope")
    assert not hello.accepts("answer:what_to_expect")
    assert not hello.accepts("reply:emergency")


def test_a_near_miss_must_be_deflected() -> None:
    near_miss = _case("near_miss")
    assert near_miss.accepts("reply:did_you_mean")
    assert not near_miss.accepts("reply:greet")
    assert not near_miss.accepts("reply:thank")
