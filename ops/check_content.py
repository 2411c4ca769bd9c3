"""`make check-content`: the content file, the domain, the NLU data and the rules agree.

Why: a topic lives in five files (the approved document, content/spine_mri.yml,
domain.yml, data/nlu.yml, data/rules.yml) and most mistakes between them are
silent. A topic whose intent no rule sends to action_answer is never answered;
an intent sent to action_reply without a reply text gets "Sorry, I'm not sure I
understood"; an answer changed by one word is no longer the approved text.
`rasa data validate` compares the domain with the data but knows nothing of the
content file, and training takes minutes. This check reads the files in about a
second and names, for each problem, the file and what to add or change.

Usage: ``python -m ops.check_content [--root PATH]`` (the project root by
default; the tests point it at a broken copy). Exit code 0 when everything
agrees, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.data import get_data_files, is_nlu_file
from rasa.shared.nlu.training_data.loading import load_data

from actions.content import Content, Topic, load_content
from project import PROJECT_ROOT

CONTENT_FILE = "content/spine_mri.yml"
DOMAIN_FILE = "domain.yml"
DATA_DIR = "data"
RULES_FILE = "data/rules.yml"
NLU_FILE = "data/nlu.yml"

HOW_TO = "docs/content.md"

ANSWER_ACTION = "action_answer"
REPLY_ACTION = "action_reply"

# Every answer topic's intent has 83 to 126 training examples today (the fewest:
# ask_prostate_cancer_mri), out_of_scope 317 and emergency 266. A new topic with
# far fewer is outvoted by its neighbours and gets their answer or the fallback;
# even at these numbers the blind rounds measure too many wrong answers. So a new
# topic starts at the level of the existing ones.
MIN_TOPIC_EXAMPLES = 80

# The keys a topic may have: the fields of actions.content.Topic (its id is the key).
TOPIC_KEYS = frozenset(field.name for field in fields(Topic)) - {"id"}
REQUIRED_TOPIC_KEYS = ("title", "intent")
SENTENCE_END = re.compile(r"(?<=[.;?!])\s+")


@dataclass(frozen=True)
class Route:
    """One intent of a rule and the action the rule runs after it."""

    rule: str
    intent: str
    action: str


@dataclass(frozen=True)
class OrList:
    """An `or:` step of a rule: any of these intents runs the action."""

    rule: str
    intents: tuple[str, ...]
    action: str


@dataclass(frozen=True)
class Project:
    """What the check compares, read from one project root."""

    raw_content: dict[str, Any]
    content: Content
    source_path: Path
    domain_intents: tuple[str, ...]
    examples: Counter[str]
    routes: tuple[Route, ...]
    or_lists: tuple[OrList, ...]

    def topic_intents(self) -> list[str]:
        """The answer intents, each once, in the content file's order."""
        return list(dict.fromkeys(topic.intent for topic in self.content.topics.values()))

    def actions_for(self, intent: str) -> set[str]:
        return {route.action for route in self.routes if route.intent == intent}

    def rules_sending(self, intent: str, action: str) -> str:
        """The names of the rules that run action after intent, for messages."""
        names = {r.rule for r in self.routes if r.intent == intent and r.action == action}
        return ", ".join(sorted(names))


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """Whitespace as the content loader leaves it, so line breaks never count."""
    return " ".join(text.split())


# --- reading ---------------------------------------------------------------------------


def topic_key_problems(raw_topics: dict[str, Any]) -> list[str]:
    """Missing or misspelt topic keys (a misspelt `answer` would silently say "no details")."""
    problems = []
    for topic_id, spec in raw_topics.items():
        if not isinstance(spec, dict):
            problems.append(f"{CONTENT_FILE}: topics.{topic_id} must be a mapping of keys")
            continue
        for key in REQUIRED_TOPIC_KEYS:
            if not spec.get(key):
                problems.append(f"{CONTENT_FILE}: topics.{topic_id} has no `{key}:`")
        for key in sorted(set(spec) - TOPIC_KEYS):
            problems.append(
                f"{CONTENT_FILE}: topics.{topic_id} has an unknown key `{key}:`"
                f" (allowed: {', '.join(sorted(TOPIC_KEYS))})"
            )
    return problems


def reference_problems(raw: dict[str, Any]) -> list[str]:
    """Topic ids and reply keys named in the content file that do not exist."""
    topics = raw.get("topics") or {}
    known = ", ".join(topics)
    problems = []
    for topic_id, spec in topics.items():
        for related in (spec or {}).get("related") or ():
            if related == topic_id:
                problems.append(f"{CONTENT_FILE}: topics.{topic_id}.related names itself")
            elif related not in topics:
                problems.append(
                    f"{CONTENT_FILE}: topics.{topic_id}.related names {related!r},"
                    f" which is not a topic (topics: {known})"
                )
    for topic_id in raw.get("main_topics") or ():
        if topic_id not in topics:
            problems.append(
                f"{CONTENT_FILE}: main_topics names {topic_id!r}, which is not a topic"
                f" (topics: {known})"
            )
    texts = set(raw.get("replies") or {}) | set(raw.get("messages") or {})
    for key in (raw.get("safety_net") or {}).get("after") or ():
        if key not in texts:
            problems.append(
                f"{CONTENT_FILE}: safety_net.after names {key!r}, which is neither"
                " under `replies:` nor under `messages:`"
            )
    return problems


def domain_intents(root: Path) -> tuple[str, ...]:
    """The intents declared in domain.yml (an entry may carry options: `- greet: {...}`)."""
    entries = read_yaml(root / DOMAIN_FILE).get("intents") or []
    return tuple(entry if isinstance(entry, str) else next(iter(entry)) for entry in entries)


def example_counts(root: Path) -> Counter[str]:
    """Training examples per intent in every NLU file under data/, read by Rasa itself."""
    counts: Counter[str] = Counter()
    for path in get_data_files([str(root / DATA_DIR)], is_nlu_file):
        counts.update(load_data(path).number_of_examples_per_intent)
    return counts


def rule_steps(root: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(rule name, steps) of every rule in the data files under data/."""
    for path in sorted(get_data_files([str(root / DATA_DIR)], YAMLStoryReader.is_stories_file)):
        for rule in read_yaml(Path(path)).get("rules") or ():
            yield rule.get("rule", "<unnamed rule>"), rule.get("steps") or []


def routes_and_or_lists(root: Path) -> tuple[tuple[Route, ...], tuple[OrList, ...]]:
    """Which action each rule runs after which intent, and the rules' `or:` lists."""
    routes: list[Route] = []
    or_lists: list[OrList] = []
    for name, steps in rule_steps(root):
        pending: list[str] = []
        pending_or: tuple[str, ...] | None = None
        for step in steps:
            if "intent" in step:
                pending, pending_or = [step["intent"]], None
            elif "or" in step:
                intents = tuple(item["intent"] for item in step["or"] if "intent" in item)
                pending, pending_or = list(intents), intents
            elif "action" in step and pending:
                routes += [Route(name, intent, step["action"]) for intent in pending]
                if pending_or is not None:
                    or_lists.append(OrList(name, pending_or, step["action"]))
                pending, pending_or = [], None
    return tuple(routes), tuple(or_lists)


def read_project(root: Path) -> Project | list[str]:
    """Everything the checks compare, or the problems that stop the content file loading."""
    content_path = root / CONTENT_FILE
    raw = read_yaml(content_path)
    problems = topic_key_problems(raw.get("topics") or {}) + reference_problems(raw)
    if problems:
        # The loader refuses such a file; the other checks run once these are fixed.
        return problems
    try:
        # Unwrapped: read the file as it is now, not a copy cached earlier in this process.
        content = load_content.__wrapped__(str(content_path))
    except (KeyError, TypeError, ValueError, re.error) as error:
        return [f"{CONTENT_FILE} cannot be loaded: {type(error).__name__}: {error}"]
    routes, or_lists = routes_and_or_lists(root)
    return Project(
        raw_content=raw,
        content=content,
        source_path=root / raw["source_document"],
        domain_intents=domain_intents(root),
        examples=example_counts(root),
        routes=routes,
        or_lists=or_lists,
    )


# --- checks ------------------------------------------------------------------------------


def topics_missing_from_domain(project: Project) -> list[str]:
    declared = set(project.domain_intents)
    return [
        f"{CONTENT_FILE}: topic {topic.id} uses intent {topic.intent!r}, which is not under"
        f" `intents:` in {DOMAIN_FILE} (add `- {topic.intent}`)"
        for topic in project.content.topics.values()
        if topic.intent not in declared
    ]


def topics_without_answer_rule(project: Project) -> list[str]:
    """Topic intents no rule sends to action_answer (or sends somewhere else).

    When the answer rule lists its intents with `or:`, a missing intent is
    reported by answer_or_lists_missing_intents instead, naming that list.
    """
    answer_lists = [lst for lst in project.or_lists if lst.action == ANSWER_ACTION]
    problems = []
    for intent in project.topic_intents():
        actions = project.actions_for(intent)
        for action in sorted(actions - {ANSWER_ACTION}):
            rules = project.rules_sending(intent, action)
            problems.append(
                f"{RULES_FILE}: rule {rules!r} sends the answer intent {intent!r} to {action};"
                f" answers come from {ANSWER_ACTION}"
            )
        if ANSWER_ACTION not in actions and not answer_lists:
            problems.append(
                f"{RULES_FILE}: no rule sends the answer intent {intent!r} to {ANSWER_ACTION}"
                f" (add a rule with `- intent: {intent}` then `- action: {ANSWER_ACTION}`)"
            )
    return problems


def answer_or_lists_missing_intents(project: Project) -> list[str]:
    """An `or:` list that runs action_answer must name every answer intent."""
    return [
        f"{RULES_FILE}: the `or:` list of rule {lst.rule!r} does not name the answer intent"
        f" {intent!r} (add `- intent: {intent}` to it)"
        for lst in project.or_lists
        if lst.action == ANSWER_ACTION
        for intent in project.topic_intents()
        if intent not in lst.intents
    ]


def topics_with_too_few_examples(project: Project) -> list[str]:
    problems = []
    for intent in project.topic_intents():
        count = project.examples[intent]
        if count < MIN_TOPIC_EXAMPLES:
            found = f"has only {count}" if count else "has no"
            problems.append(
                f"{NLU_FILE}: the answer intent {intent!r} {found} training examples; every"
                f" answer intent needs at least {MIN_TOPIC_EXAMPLES} (add them under"
                f" `- intent: {intent}`)"
            )
    return problems


def unhandled_domain_intents(project: Project) -> list[str]:
    """Intents that are neither an answer topic nor sent to an action by any rule."""
    topic_intents = set(project.topic_intents())
    return [
        f"{DOMAIN_FILE}: intent {intent!r} is not the intent of a topic in {CONTENT_FILE} and no"
        f" rule in {RULES_FILE} runs an action after it (a reply: add `- intent: {intent}`"
        f" to the `or:` list that runs {REPLY_ACTION} and `replies.{intent}` to {CONTENT_FILE})"
        for intent in project.domain_intents
        if intent not in topic_intents and not project.actions_for(intent)
    ]


def replies_without_text(project: Project) -> list[str]:
    """action_reply answers an intent with the reply of the same name, else the fallback."""
    return [
        f"{CONTENT_FILE}: rule {route.rule!r} sends intent {route.intent!r} to {REPLY_ACTION},"
        f" but there is no `replies.{route.intent}` text (the patient would get the"
        " rephrase reply)"
        for route in project.routes
        if route.action == REPLY_ACTION and route.intent not in project.content.replies
    ]


def topics_sharing_intent_and_region(project: Project) -> list[str]:
    """Only the first topic with the same intent and region could ever be answered."""
    seen: dict[tuple[str, str | None], str] = {}
    problems = []
    for topic in project.content.topics.values():
        key = (topic.intent, topic.region)
        if key in seen:
            region = f" and region {topic.region!r}" if topic.region else " and no region"
            problems.append(
                f"{CONTENT_FILE}: topics {seen[key]} and {topic.id} both have intent"
                f" {topic.intent!r}{region}; only {seen[key]} would ever be answered"
            )
        else:
            seen[key] = topic.id
    return problems


def topics_never_offered(project: Project) -> list[str]:
    """A topic no button leads to is found only by typing: usually a forgotten `related:`."""
    offered = set(project.content.main_topics)
    for topic in project.content.topics.values():
        offered.update(topic.related)
    return [
        f"{CONTENT_FILE}: topic {topic_id} is never offered as a button (add it to another"
        " topic's `related:` list or to `main_topics:`)"
        for topic_id in project.content.topics
        if topic_id not in offered
    ]


def first_missing_sentence(text: str, source: str) -> str | None:
    """The first sentence of text that is not in the source, if any."""
    return next((s for s in SENTENCE_END.split(text) if s and s not in source), None)


def not_word_for_word(label: str, text: str, source: str, source_name: str) -> list[str]:
    if text in source:
        return []
    sentence = first_missing_sentence(text, source)
    if sentence is None:
        return [
            f"{CONTENT_FILE}: {label}: each sentence is in {source_name}, but not in this"
            " order or not next to each other; copy one passage"
        ]
    return [f"{CONTENT_FILE}: {label} is not word for word in {source_name}: {sentence!r}"]


def texts_not_in_source(project: Project) -> list[str]:
    """Answers, excerpts and the disclaimer must be copied from the approved document."""
    source_name = project.raw_content["source_document"]
    if not project.source_path.is_file():
        return [f"{CONTENT_FILE}: source_document {source_name} does not exist"]
    source = normalise(project.source_path.read_text(encoding="utf-8"))
    problems = not_word_for_word("disclaimer", project.content.disclaimer, source, source_name)
    for topic in project.content.topics.values():
        for key in ("answer", "excerpt"):
            text = getattr(topic, key)
            if text:
                label = f"topics.{topic.id}.{key}"
                problems += not_word_for_word(label, text, source, source_name)
    return problems


CHECKS = (
    topics_missing_from_domain,
    topics_without_answer_rule,
    answer_or_lists_missing_intents,
    topics_with_too_few_examples,
    unhandled_domain_intents,
    replies_without_text,
    topics_sharing_intent_and_region,
    topics_never_offered,
    texts_not_in_source,
)


def check(root: Path = PROJECT_ROOT) -> list[str]:
    """Every disagreement between the project's files under root; empty when they agree."""
    project = read_project(root)
    if isinstance(project, list):
        return project
    return [problem for run_check in CHECKS for problem in run_check(project)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.check_content", description=__doc__)
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project root")
    root = parser.parse_args(argv).root
    problems = check(root)
    if problems:
        print(f"check-content: {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(f"What goes where: {HOW_TO}", file=sys.stderr)
        return 1
    print("check-content: the content file, domain, NLU data and rules agree.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
