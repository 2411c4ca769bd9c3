"""What a patient receives for one message, computed in-process from a trained model.

The trained model parses the message and its own policies choose the action,
exactly as on the server; rasa-sdk's executor then runs the real action from
actions/ (as the action server would) and its text is matched against
content/spine_mri.yml to name the outcome ("answer:<topic>", "clarify",
"reply:<key>"). Running the deterministic mapping the actions use, instead of
re-implementing it, keeps the evaluation honest when the actions change.

The model runs in the Rasa server's own runtime: importing speedups.rasa_main installs
the server's speed-ups (unless RASA_SPEEDUPS=off), as it does for the server. They
answer as stock Rasa does (speedups/test_speedups.py) and load the model in seconds
instead of a minute, once per evaluation process.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from rasa.core.agent import Agent
from rasa.core.channels import CollectingOutputChannel
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.log_utils import configure_structlog
from rasa_sdk.executor import ActionExecutor

import speedups.rasa_main  # noqa: F401  (installs the server's runtime, see above)
from actions.content import Content, load_content
from components.red_flags import RED_FLAG_KEY
from evaluation.datasets import ANSWER_PREFIX, CLARIFY

FALLBACK_INTENT = "nlu_fallback"
SILENT = "silent"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Turn:
    """The parse, the chosen action and what the patient received for one message."""

    text: str
    intent: str
    confidence: float
    ranking: tuple[tuple[str, float], ...]  # classifier ranking without overrides
    region: str | None
    action: str
    outcome: str
    messages: tuple[str, ...]
    red_flag: dict[str, Any] | None = None  # the red-flag layers' verdict, when one fired


def _outcome_texts(content: Content) -> dict[str, str]:
    """Every message body the assistant can send, mapped to its outcome name."""
    texts = {
        content.answer_text(topic): ANSWER_PREFIX + tid for tid, topic in content.topics.items()
    }
    texts[content.message("clarify_region")] = CLARIFY
    texts[content.message("choose_option_unknown")] = "choose_unknown"
    for key in content.replies:
        texts[content.reply_text(key)] = f"reply:{key}"
    return texts


def outcome_of(messages: tuple[str, ...], content: Content) -> str:
    """Name what the patient received from the first message's body."""
    if not messages:
        return SILENT
    body = messages[0].removesuffix("\n" + content.disclaimer)
    return _outcome_texts(content).get(body, UNKNOWN)


def _region(parse: dict[str, Any]) -> str | None:
    values = [e["value"] for e in parse.get("entities", []) if e.get("entity") == "region"]
    return str(values[0]) if values else None


def _classifier_ranking(parse: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    """The intent classifier's own ranking, before fallback and red-flag overrides."""
    overrides = {FALLBACK_INTENT, "emergency", "self_harm"}
    ranking = [(r["name"], float(r["confidence"])) for r in parse.get("intent_ranking", [])]
    own = [r for r in ranking if r[0] not in overrides or r[1] < 1.0]
    return tuple(r for r in own if r[0] != FALLBACK_INTENT)


class Assistant:
    """A trained model plus the real actions, without servers."""

    def __init__(self, model_path: Path) -> None:
        # Hundreds of parses: only errors belong in the output.
        logging.getLogger("rasa").setLevel(logging.ERROR)
        configure_structlog(logging.ERROR)
        self.agent = Agent.load(str(model_path))
        self.content = load_content()
        self.executor = ActionExecutor()
        self.executor.register_package("actions")
        self._sender = 0

    @cached_property
    def fallback_config(self) -> dict[str, float]:
        """threshold and ambiguity_threshold of the model's FallbackClassifier."""
        for node in self.agent.processor.graph_runner._graph_schema.nodes.values():
            if node.uses.__name__ == "FallbackClassifier":
                return {k: float(node.config[k]) for k in ("threshold", "ambiguity_threshold")}
        return {"threshold": 0.0, "ambiguity_threshold": 0.0}

    def respond(self, text: str) -> Turn:
        """Parse one message as the first of a conversation and run the chosen action."""
        return asyncio.run(self._respond(text))

    def respond_all(self, texts: list[str]) -> list[Turn]:
        return asyncio.run(self._respond_all(texts))

    async def _respond_all(self, texts: list[str]) -> list[Turn]:
        return [await self._respond(text) for text in texts]

    async def _respond(self, text: str) -> Turn:
        parse = await self.agent.parse_message(text)
        intent = parse["intent"]
        action, messages = await self.act(parse)
        return Turn(
            text=text,
            intent=intent["name"],
            confidence=float(intent.get("confidence") or 0.0),
            ranking=_classifier_ranking(parse),
            region=_region(parse),
            action=action,
            outcome=outcome_of(messages, self.content),
            messages=messages,
            red_flag=parse.get(RED_FLAG_KEY),
        )

    async def act(self, parse: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """Let the model's policies pick the action for this parse, then run it."""
        self._sender += 1
        processor = self.agent.processor
        tracker = DialogueStateTracker.from_events(
            f"eval-{self._sender}",
            [
                ActionExecuted("action_listen"),
                UserUttered(parse["text"], parse["intent"], parse.get("entities", []), parse),
            ],
            slots=processor.domain.slots,
        )
        await processor.run_action_extract_slots(CollectingOutputChannel(), tracker)
        prediction = processor._predict_next_with_tracker(tracker)
        action = processor.domain.action_names_or_texts[prediction.max_confidence_index]
        if action not in self.executor.actions:
            return action, ()
        call = {"next_action": action, "tracker": tracker.current_state(), "domain": {}}
        response = await self.executor.run(call) or {}
        return action, tuple(m.get("text") or "" for m in response.get("responses", []))
