"""Replaces personal data in free text by typed placeholders such as ``[NAME]``.

Structured identifiers (e-mail, SSN, record and insurance numbers, dates, addresses,
postcodes, phones) are found by the linear-time patterns of :mod:`privacy.patterns`,
phone numbers validated by ``phonenumbers``; person names by :mod:`privacy.names`
(cues, spaCy's recogniser behind an EntityRuler, scripts). Medical words the
assistant needs ("L4-L5", "3T", "Schmorl's nodes", "Dotarem", "I'm pregnant") are
protected by :mod:`privacy.vocabulary` (privacy/medical_terms.txt and content/).
Measured on a labelled set by ``make redaction-report`` (evaluation/redaction.py).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from typing import Any

from privacy.names import name_spans
from privacy.patterns import (
    ADDRESS,
    DATE,
    EMAIL,
    ID,
    MRN,
    NAME,
    PHONE,
    POSTCODE,
    SSN,
    redact_structured,
    replace_spans,
)
from privacy.vocabulary import default_spacy_model

__all__ = [
    "ADDRESS",
    "DATE",
    "EMAIL",
    "ID",
    "MRN",
    "NAME",
    "PHONE",
    "PLACEHOLDERS",
    "POSTCODE",
    "REDACTED",
    "SSN",
    "default_spacy_model",
    "redact",
    "redact_uncached",
    "redact_value",
]

# What a text becomes when a pattern exceeds its time limit: nothing of it is kept.
REDACTED = "[REDACTED]"
PLACEHOLDERS = (NAME, PHONE, EMAIL, DATE, MRN, SSN, ADDRESS, POSTCODE, ID, REDACTED)

# Keys whose values are random identifiers Rasa generates (a fresh one per message),
# never text a patient typed: redacting them found nothing and, since each is new,
# missed the cache and cost a named-entity pass per message.
IDENTIFIER_KEYS = frozenset({"message_id"})

CACHE_SIZE = 4096
# The cache is keyed on a keyed hash, so raw messages do not stay in memory after
# "forget me" (issue #17), and the key of this process makes a memory dump of it
# useless for guessing short values such as phone numbers.
_CACHE_KEY = os.urandom(16)
_cache: OrderedDict[bytes, str] = OrderedDict()
_cache_lock = threading.Lock()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"), key=_CACHE_KEY, digest_size=16
    ).digest()


def redact_uncached(text: str) -> str:
    """What :func:`redact` returns, computed afresh (for measurements)."""
    try:
        text = redact_structured(text)
        return replace_spans(text, name_spans(text), NAME)
    except TimeoutError:
        return REDACTED


def redact(text: str) -> str:
    """The text with every piece of personal data replaced by its placeholder."""
    key = _digest(text)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    redacted = redact_uncached(text)
    with _cache_lock:
        _cache[key] = redacted
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return redacted


def cached_entries() -> list[tuple[bytes, str]]:
    """What the cache holds (hash of the text, redacted text): for tests and audits."""
    with _cache_lock:
        return list(_cache.items())


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
