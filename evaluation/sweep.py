"""Confidence-threshold sweep: what each fallback threshold would have given patients.

For every threshold the classifier's own ranking decides between its top intent
and the rephrase fallback (with the model's ambiguity margin), the red-flag
layer is applied as in the pipeline, and the real actions name the outcome.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from components.red_flags import load_rules
from evaluation.assistant import FALLBACK_INTENT, Assistant, Turn, outcome_of
from evaluation.metrics import Scored, headline

THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(0, 20))
AMBIGUITIES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)


@dataclass(frozen=True)
class SweepPoint:
    """Measures at one fallback threshold."""

    threshold: float
    ambiguity: float
    answer_accuracy: float
    out_of_scope_deflection: float
    wrong_answer_rate: float
    coverage: float  # in-scope messages not sent to the fallback


def _intent_at(turn: Turn, threshold: float, ambiguity: float) -> str:
    ranking = turn.ranking or ((FALLBACK_INTENT, 0.0),)
    top, second = ranking[0][1], ranking[1][1] if len(ranking) > 1 else 0.0
    intent = ranking[0][0]
    if top < threshold or top - second < ambiguity:
        intent = FALLBACK_INTENT
    return load_rules().override(turn.text, intent) or intent


class Simulator:
    """Replays parsed turns with another fallback threshold, caching action outcomes."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._cache: dict[tuple[str, str | None, str], tuple[str, ...]] = {}

    def _messages(self, turn: Turn, intent: str) -> tuple[str, ...]:
        # The option number only matters for choose_option; other actions ignore the text.
        key = (intent, turn.region, turn.text if intent == "choose_option" else "")
        if key not in self._cache:
            entities = [{"entity": "region", "value": turn.region}] if turn.region else []
            parse = {
                "text": turn.text,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities,
            }
            self._cache[key] = asyncio.run(self.assistant.act(parse))[1]
        return self._cache[key]

    def replay(self, scored: list[Scored], threshold: float, ambiguity: float) -> list[Scored]:
        replayed = []
        for s in scored:
            messages = self._messages(s.turn, _intent_at(s.turn, threshold, ambiguity))
            turn = Turn(
                **{
                    **s.turn.__dict__,
                    "messages": messages,
                    "outcome": outcome_of(messages, self.assistant.content),
                }
            )
            replayed.append(Scored(s.case, turn))
        return replayed


def _point(
    simulator: Simulator, scored: list[Scored], threshold: float, ambiguity: float
) -> SweepPoint:
    replayed = simulator.replay(scored, threshold, ambiguity)
    measures = headline(replayed)
    in_scope = [s for s in replayed if s.case.group in ("answers", "clarification")]
    return SweepPoint(
        threshold=threshold,
        ambiguity=ambiguity,
        answer_accuracy=measures["answer_accuracy"],
        out_of_scope_deflection=measures["out_of_scope_deflection"],
        wrong_answer_rate=measures["wrong_answer_rate"],
        coverage=sum(s.turn.outcome != "reply:nlu_fallback" for s in in_scope) / len(in_scope),
    )


def sweep(assistant: Assistant, scored: list[Scored]) -> list[SweepPoint]:
    """Every threshold in THRESHOLDS at the model's ambiguity margin, then every
    margin in AMBIGUITIES at the model's threshold."""
    simulator = Simulator(assistant)
    config = assistant.fallback_config
    by_threshold = [_point(simulator, scored, t, config["ambiguity_threshold"]) for t in THRESHOLDS]
    by_ambiguity = [_point(simulator, scored, config["threshold"], a) for a in AMBIGUITIES]
    return by_threshold + by_ambiguity
