"""Loads the approved content (content/spine_mri.yml) once and renders it.

All words the assistant says live in that file so content owners can review
them without reading code; this module only shapes them into messages.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from project import CONTENT_DIR, PROJECT_ROOT

DEFAULT_CONTENT_FILE = CONTENT_DIR / "spine_mri.yml"
ELLIPSIS = "\u2026"

# Deployment-specific hospital details may be overridden without editing content.
HOSPITAL_ENV_OVERRIDES = {
    "name": "HOSPITAL_NAME",
    "phone": "HOSPITAL_PHONE",
    "emergency_number": "EMERGENCY_NUMBER",
    "crisis_line": "CRISIS_LINE",
}


@dataclass(frozen=True)
class Topic:
    """One question of the document and how the assistant answers it."""

    id: str
    title: str
    intent: str
    region: str | None = None
    answer: str | None = None
    excerpt: str | None = None
    source: str | None = None
    related: tuple[str, ...] = ()
    # A "why an MRI" question that names no region but matches this is this topic's.
    why_mentions: re.Pattern[str] | None = None
    # A question for this topic that names a spine region and matches this asks
    # why an MRI of that region ("c spine mri what for").
    asks_purpose: re.Pattern[str] | None = None
    # A message that would be deflected and matches every one of these asks this
    # topic's question in words the classifier does not know ("how long does an mri take").
    when_deflected: tuple[re.Pattern[str], ...] = ()
    # The classifier's answer for this topic goes out only when the message matches
    # every one of these: "what are the risks of spinal fusion surgery" names no scan,
    # so it asks about the operation, which the document does not answer.
    answer_needs: tuple[re.Pattern[str], ...] = ()
    # ... and never to a message that names one of these: "what is a bone scan" or
    # "heart mri what is it" ask about another scan, which the document does not answer.
    answer_unless: re.Pattern[str] | None = None

    def names_its_subject(self, text: str) -> bool:
        """Whether a message the classifier gave this topic names what the answer is
        about, and nothing the answer is not about."""
        return all(p.search(text) for p in self.answer_needs) and not self._names_other(text)

    def asked_when_deflected(self, text: str) -> bool:
        """Whether a message the NLU would deflect asks this topic's question, and
        names nothing the answer is not about: "why do they use a magnet for pictures of
        my lower back" has the lower back's words but asks what the scan is."""
        return (
            bool(self.when_deflected)
            and all(p.search(text) for p in self.when_deflected)
            and not self._names_other(text)
        )

    def _names_other(self, text: str) -> bool:
        return self.answer_unless is not None and bool(self.answer_unless.search(text))

    @property
    def has_document_text(self) -> bool:
        """Whether the document gives this topic an answer or an excerpt, not only a heading."""
        return bool(self.answer or self.excerpt)

    def is_purpose_question(self, text: str) -> bool:
        """Whether a question for this topic asks what an MRI of a region is for."""
        return self.asks_purpose is not None and bool(self.asks_purpose.search(text))

    @property
    def payload(self) -> str:
        """The button payload that asks this topic's question directly."""
        if self.region is None:
            return f"/{self.intent}"
        return f"/{self.intent}{json.dumps({'region': self.region})}"


@dataclass(frozen=True)
class Reply:
    """A conversational or safety reply, optionally followed by the topic menu."""

    text: str
    menu: bool = False


@dataclass(frozen=True)
class DidYouMean:
    """When a message about MRI or the spine gets topics to choose from instead of a deflection."""

    about_spine_mri: re.Pattern[str]
    max_topics: int
    # Subjects no when_deflected list may answer (other scans, results, costs,
    # booking, surgery): a message naming one keeps "did you mean".
    keeps_did_you_mean: re.Pattern[str]
    # A short question about "it" and nothing else ("is it safe", "tell me more").
    vague_question: re.Pattern[str]
    # The scan's names in the other languages (other_languages.yml's names_the_scan):
    # "Ce qui peut fausser les résultats d'une IRM ?" is about MRI too.
    scan_in_other_languages: re.Pattern[str]

    def applies_to(self, text: str) -> bool:
        """About MRI or the spine by its words (in any language the content knows), or
        too vague to be about anything else."""
        return (
            bool(self.about_spine_mri.search(text))
            or bool(self.scan_in_other_languages.search(text))
            or self.is_vague(text)
        )

    def is_vague(self, text: str) -> bool:
        """A question understood but for its topic: "is it safe", "tell me more"."""
        return bool(self.vague_question.match(text.strip()))

    def names_another_subject(self, text: str) -> bool:
        return bool(self.keeps_did_you_mean.search(text))


@dataclass(frozen=True)
class Content:
    """The approved content with the deployment's hospital details applied."""

    disclaimer: str
    hospital: dict[str, str]
    topics: dict[str, Topic]
    main_topics: tuple[str, ...]
    replies: dict[str, Reply]
    messages: dict[str, str]
    source_document: Path
    safety_net: str
    safety_net_after: frozenset[str]
    did_you_mean: DidYouMean

    def render(self, template: str, **values: str) -> str:
        """Fill a template with the hospital details and any extra values."""
        return template.format(
            hospital_name=self.hospital["name"],
            phone=self.hospital["phone"],
            emergency_number=self.hospital["emergency_number"],
            crisis_line=self.hospital["crisis_line"],
            **values,
        )

    def message(self, key: str, **values: str) -> str:
        """One of the assistant's own messages, rendered, with the safety net if it takes one."""
        return self._with_safety_net(key, self.render(self.messages[key], **values))

    def reply_text(self, key: str) -> str:
        """A conversational or safety reply, rendered, with the safety net if it takes one."""
        return self._with_safety_net(key, self.render(self.replies[key].text))

    def _with_safety_net(self, key: str, text: str) -> str:
        """A reply that gives no answer ends with the emergency number, in case the
        patient's danger was in words the assistant did not understand."""
        if key not in self.safety_net_after:
            return text
        return f"{text}\n{self.render(self.safety_net)}"

    def with_disclaimer(self, text: str) -> str:
        """The one place where a bot message gets the document's disclaimer."""
        return f"{text}\n{self.disclaimer}"

    def topic_for(self, intent: str, region: str | None = None) -> Topic | None:
        """The topic a question intent (and region, where it matters) asks for."""
        for topic in self.topics.values():
            if topic.intent == intent and topic.region == region:
                return topic
        return None

    def topic_mentioned_in_why(self, text: str) -> Topic | None:
        """The topic a region-less "why an MRI" question names ("why an MRI after my
        fusion", "why is fever a reason"), so it gets that answer instead of a question
        about the region. A topic without a region is the more specific reason and
        comes first: "no fever, why an MRI after my fusion" asks about the operation."""
        mentioned = [
            topic
            for topic in self.topics.values()
            if topic.why_mentions is not None and topic.why_mentions.search(text)
        ]
        return min(mentioned, key=lambda topic: topic.region is not None, default=None)

    def topic_asked_when_deflected(self, text: str) -> Topic | None:
        """The topic a message that would be deflected still asks for, by the words
        its when_deflected lists name ("what do i wear to the scan"), unless the
        message names a subject the document never answers ("a knee mri", "results")."""
        if self.did_you_mean.names_another_subject(text):
            return None
        asked = [topic for topic in self.topics.values() if topic.asked_when_deflected(text)]
        # The topic whose lists say most is the more specific question ("what is the
        # neck mri for" names the neck too); on a tie, the first in the file.
        return max(asked, key=lambda topic: len(topic.when_deflected), default=None)

    def answer_text(self, topic: Topic) -> str:
        """The document's answer, a marked excerpt, or an honest 'no details'."""
        if topic.answer:
            return topic.answer
        if topic.excerpt:
            parts = [
                self.message("excerpt_intro"),
                f"\u201c{topic.excerpt}{ELLIPSIS}\u201d",
            ]
            if topic.source:
                parts.append(self.message("excerpt_source", source=topic.source))
            parts.append(self.message("excerpt_care_team"))
            return "\n".join(parts)
        return self.message("no_details", title=topic.title)


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _hospital(raw: dict[str, str]) -> dict[str, str]:
    return {
        key: os.environ.get(env_name) or str(raw[key])
        for key, env_name in HOSPITAL_ENV_OVERRIDES.items()
    }


def _topic(topic_id: str, raw: dict) -> Topic:
    return Topic(
        id=topic_id,
        title=raw["title"],
        intent=raw["intent"],
        region=raw.get("region"),
        answer=_normalise(raw["answer"]) if raw.get("answer") else None,
        excerpt=_normalise(raw["excerpt"]) if raw.get("excerpt") else None,
        source=raw.get("source"),
        related=tuple(raw.get("related", ())),
        why_mentions=_pattern(raw.get("why_mentions")),
        asks_purpose=_pattern(raw.get("asks_purpose")),
        when_deflected=_lists(raw.get("when_deflected")),
        answer_needs=_lists(raw.get("answer_needs")),
        answer_unless=_alternatives(raw["answer_unless"]) if raw.get("answer_unless") else None,
    )


def _pattern(raw: str | None) -> re.Pattern[str] | None:
    """A content owner's regular expression, matched in any case."""
    return re.compile(raw, re.IGNORECASE) if raw else None


# A Latin letter or digit: an alternative in a Latin script matches whole words
# ("tube", not "youtube"); one in Chinese, Korean or Cyrillic may sit inside longer text.
LATIN = "0-9a-zà-öø-ÿ"


def _alternatives(lines: list[str]) -> re.Pattern[str]:
    """A content owner's list of alternatives, one per line, as one pattern (an empty
    list matches nothing)."""
    if not lines:
        return re.compile(r"(?!)")
    return re.compile(rf"(?<![{LATIN}])(?:{'|'.join(lines)})(?![{LATIN}])", re.IGNORECASE)


def _lists(raw: dict[str, list[str]] | None) -> tuple[re.Pattern[str], ...]:
    """A topic's named lists of alternatives, one pattern per list."""
    return tuple(_alternatives(lines) for lines in (raw or {}).values())


# A topic's lists that the other-language file may add lines to, by list name.
LISTS_WITH_OTHER_LANGUAGES = ("when_deflected", "answer_needs")


def _with_other_languages(raw: dict) -> dict:
    """The content with the other-language lines of `other_languages` (a file kept
    apart for review by native speakers) added to the lists of the same name: its
    `names_the_scan` to every topic's and to what did_you_mean counts as about MRI, its
    `keeps_did_you_mean` to did_you_mean's, and each topic's lists to that topic's
    when_deflected or answer_needs."""
    if not raw.get("other_languages"):
        return raw
    other = yaml.safe_load((PROJECT_ROOT / raw["other_languages"]).read_text(encoding="utf-8"))
    for topic_id, spec in raw["topics"].items():
        extra = {"names_the_scan": other["names_the_scan"], **other["topics"].get(topic_id, {})}
        groups = {key: spec.get(key) or {} for key in LISTS_WITH_OTHER_LANGUAGES}
        unknown = set(other["topics"].get(topic_id, {})).difference(*groups.values())
        if unknown:
            raise ValueError(f"other_languages: {topic_id} has no lists {sorted(unknown)}")
        for key, lists in groups.items():
            spec[key] = {name: [*lines, *extra.get(name, ())] for name, lines in lists.items()}
    did_you_mean = raw["did_you_mean"]
    did_you_mean["keeps_did_you_mean"] = [
        *did_you_mean["keeps_did_you_mean"],
        *other["keeps_did_you_mean"],
    ]
    did_you_mean["scan_in_other_languages"] = other["names_the_scan"]
    return raw


@cache
def load_content(path: str | None = None) -> Content:
    """Read and validate the content file once per process.

    The file is chosen by the argument, else CONTENT_FILE, else the project's.
    """
    content_path = Path(path or os.environ.get("CONTENT_FILE") or DEFAULT_CONTENT_FILE)
    raw = _with_other_languages(yaml.safe_load(content_path.read_text(encoding="utf-8")))
    topics = {topic_id: _topic(topic_id, spec) for topic_id, spec in raw["topics"].items()}
    content = Content(
        disclaimer=_normalise(raw["disclaimer"]),
        hospital=_hospital(raw["hospital"]),
        topics=topics,
        main_topics=tuple(raw["main_topics"]),
        replies={
            key: Reply(text=_normalise(spec["text"]), menu=bool(spec.get("menu", False)))
            for key, spec in raw["replies"].items()
        },
        messages={key: _normalise(text) for key, text in raw["messages"].items()},
        source_document=PROJECT_ROOT / raw["source_document"],
        safety_net=_normalise(raw["safety_net"]["text"]),
        safety_net_after=frozenset(raw["safety_net"]["after"]),
        did_you_mean=DidYouMean(
            about_spine_mri=re.compile(raw["did_you_mean"]["about_spine_mri"], re.IGNORECASE),
            max_topics=int(raw["did_you_mean"]["max_topics"]),
            keeps_did_you_mean=_alternatives(raw["did_you_mean"]["keeps_did_you_mean"]),
            vague_question=re.compile(raw["did_you_mean"]["vague_question"], re.IGNORECASE),
            scan_in_other_languages=_alternatives(
                raw["did_you_mean"].get("scan_in_other_languages", [])
            ),
        ),
    )
    _check_references(content)
    return content


def _check_references(content: Content) -> None:
    """Fail at load time, not in front of a patient, on a dangling topic id."""
    referenced = set(content.main_topics)
    for topic in content.topics.values():
        referenced.update(topic.related)
    unknown = referenced - set(content.topics)
    if unknown:
        raise ValueError(f"content refers to unknown topics: {sorted(unknown)}")
    unknown_keys = content.safety_net_after - set(content.replies) - set(content.messages)
    if unknown_keys:
        raise ValueError(f"safety_net names unknown replies: {sorted(unknown_keys)}")
