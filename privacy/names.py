"""Person names, in any case and script.

A statistical recogniser alone misses lower-case names ("im bob") and names it never
saw ("Łukasz Żmuda") and takes eponyms and drugs for people ("Schmorl's nodes",
"Dotarem", issue #17). So names come from five sources, each filtered by the
protected vocabulary of :mod:`privacy.vocabulary`:

- cues: "my name is", "I'm", "this is", "Dr.", "my wife", "... here", "thanks, ...";
  after a strong cue ("my name is") any word that is not a stop word is a name,
  after a weak one ("I'm") only a word that is not ordinary English ("pregnant")
  or a capitalised given name ("it's Rose");
- spaCy's recogniser (the NLU's model), with an EntityRuler before it that marks the
  protected terms and eponym patterns ("Pott's disease") so it cannot call them PERSON;
- words with letters outside ASCII (accented Latin, Cyrillic, Han, Arabic...),
  which in an English chat are nearly always names;
- given names of Faker's lists for 86 locales, where they cannot be English words
  ("priya" in lower case, "Grace" not at a sentence's start), with a family name after;
- each found name widened to its neighbouring capitalised words ("Sarah" -> "Sarah Connor").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, NamedTuple, cast

import regex

from privacy.patterns import PATTERN_TIMEOUT_SECONDS
from privacy.vocabulary import (
    NEVER_NAMES,
    default_spacy_model,
    first_names,
    is_english_word,
    is_ordinary,
    is_protected,
    is_stop_word,
    is_verb,
    is_verb_form,
    last_names,
    medical_terms,
)

# spaCy runs on messages, not on long metadata or tracebacks: its tokenizer takes
# 0.3 s on 64 KB of "1-1-…" and its recogniser ~60 µs a token. Longer texts get
# the cues and scripts only (both linear).
NER_MAX_CHARS = 2500
NER_MAX_TOKENS = 600
MAX_NAME_WORDS = 5
# A message with at least this many words that are not known names, of which fewer
# than this share read as English, is in another language.
MIN_WORDS_FOR_LANGUAGE = 3
ENGLISH_SHARE = 0.6
# Words of two letters ("hi", "im", "le", "de", "en") belong to too many languages.
LANGUAGE_WORD = regex.compile(r"\p{L}{3,}")

NAME_WORD = regex.compile(r"\p{Lu}\.(?=\s)|\p{L}[\p{L}\p{M}'’\-]{0,40}(?<!['’\-])")
WORD_GAP = regex.compile(r"[ \t]{1,2}|,[ \t]{1,2}(?=\p{Lu})")

STRONG_CUE = (
    r"my\s+(?:full\s+|first\s+|last\s+|sur)?name\s*(?:is|was|['’]s|:)|(?:full\s+|patient\s+|the\s+)?name\s*(?::|is|-|['’]s)|"
    r"(?:last|first|family|given|sur)\s?name(?=[ \t])|"
    # "name" opening the message or a sentence: "name oscar medina"
    r"(?<![\p{L}\p{N},]\s{0,3})(?<![\p{L}\p{N}])name(?=[ \t]+\p{L})"
    r"(?![ \t]+(?:brand|of|for|on|tags?|change|badge|card|plate|and|or|the|a|was|is|wrong|spel\w*|"
    r"misspel\w*|incorrect|different|missing|not|please|pls|correction)\b)|"
    r"(?:contact|patient|from|caller|sender|attn|attention|for)\s*:|"
    r"i\s*(?:['’]?m|\s+am)\s+called|they\s+call\s+me|signed|sincerely|yours\s+truly|"
    r"me\s+llamo|mi\s+nombre\s+es|je\s+m['’]appelle|mein\s+name\s+ist|ich\s+hei(?:ß|ss)e|"
    r"mi\s+chiamo|nazywam\s+się|меня\s+зовут|meu\s+nome\s+é|mijn\s+naam\s+is|ik\s+heet|"
    r"mera\s+naam|nama\s+saya|my\s+names"
)
WEAK_CUE = (
    r"i\s*['’]?m|i\s+am|this\s+is|it\s*['’]?s|it\s+is|that\s*['’]?s|call\s+me|soy|je\s+suis|ich\s+bin|"
    r"my\s+name|(?:she|he)\s+is|"
    # only before a capitalised word: "name Alistair MacLeod", "Doctora Salinas"
    r"(?:name|(?-i:Doctor|Doctora|Dra|Doutora?)\.?)(?=[ \t]{1,3}(?-i:\p{Lu}))|"
    r"(?:question|message|note|greetings|hello|hi|regards|love|text|request)\s+from|ask\s+for|"
    r"sono|jestem|sou|ik\s+ben|"
    r"(?:dr|mr|mrs|mx|prof|professor|sr|sra|herr|frau|mme|miss)\.?|"
    r"(?-i:Ms|ms|MS(?=\.))\.?|(?:my|our|his|her)\s+(?:wife|husband|partner|spouse|son|daughter|"
    r"child|kid|mom|mum|mother|dad|father|brother|sister|friend|boyfriend|girlfriend|fianc[ée]e?|"
    r"(?:father|mother|son|daughter|brother|sister)-in-law|"
    r"carer|caregiver|neighbou?r|aunt|uncle|cousin|grandson|granddaughter|grandma|grandpa|"
    r"grandmother|grandfather|niece|nephew|colleague|doctor|gp|physician|surgeon|neurologist|"
    r"neurosurgeon|chiropractor|physio|physiotherapist|therapist|nurse|dentist|specialist|"
    r"oncologist|radiologist|consultant|referring\s+doctor)"
)
ENGLISH_SHORT_CUE = regex.compile(r"(?i)i\s*['’]?m\b|it\s*['’]?s\b")
CUE = regex.compile(
    rf"(?i)(?<![\p{{L}}'’])(?:(?P<strong>{STRONG_CUE})|(?P<weak>{WEAK_CUE}))"
    r"(?:[ \t]{1,3}|,[ \t]{0,2}|:[ \t]{0,2}|(?<=\.))"
)
GREETING = regex.compile(
    r"(?i)^\W{0,3}(?:(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening))\b[\s,!.]{1,3})?"
)
SIGN_OFF = regex.compile(
    r"(?i)(?:^|(?<=[\s,.!]))(?:(?:thanks|thank\s+you|many\s+thanks|regards|kind\s+regards|"
    r"best\s+wishes|sincerely|yours|thx|thnx|thanx)\b|(?:best|cheers|love|ta|xx|x)\s*[,!\n]|[-—–~])"
    r"[\s,!.:]{0,3}(?=\p{L})",
)
TRAILING = regex.compile(r"[\s.!]{0,5}$")
# A word with a letter outside ASCII: accented Latin, another script, or a combining mark.
NON_ASCII_WORD = regex.compile(
    r"(?<![\p{L}\p{M}'’\-])[\p{L}\p{M}'’\-]{0,40}?(?:[^\P{L}\p{Latin}]|[^\P{Latin}A-Za-z]|\p{M})"
    r"[\p{L}\p{M}'’\-]{0,40}(?![\p{L}\p{M}])"
)
# Scripts without capital letters (Chinese, Japanese, Korean, Arabic, Hebrew,
# Devanagari, Thai): where their sentences end, and the words that introduce a
# person's name (I am called, my mother, Mr, -san, my name, I am ...).
CASELESS_LETTER = regex.compile(
    r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Arabic}\p{Hebrew}\p{Devanagari}\p{Thai}]"
)
LATIN_LETTER = regex.compile(r"[A-Za-z]")
# Clause ends too: only a clause that is itself the question counts ("田中 一郎、..." no).
CASELESS_SENTENCE_END = regex.compile(r"[。.!?！？؟।\n、，,;；،]")
QUESTION_MARKS = ("?", "？", "؟")
CASELESS_NAME_CUE = regex.compile(
    r"叫|我是|名字|姓名|妈妈|爸爸|父亲|母亲|儿子|女儿|丈夫|妻子|先生|女士|小姐"
    r"|さん|様|申します|と言います|이름|저는|입니다|씨"
    r"|اسمي|اسم|أنا|انا|ابني|ابنتي|أمي|امي|أبي|ابي|زوجي|زوجتي|السيد|السيدة"
    r"|שמי|שם|אני|אמא|אבא|בעלי|אשתי"
    r"|मेरा नाम|नाम|मैं|श्री|श्रीमती|माँ|मां|पिता|पति|पत्नी|बेटा|बेटी|जी"
    r"|ชื่อ|ฉัน|ผม|คุณ"
)
GAZETTEER_WORD = regex.compile(r"(?<![\p{L}\p{M}'’\-])\p{L}[\p{L}\p{M}]{1,30}(?![\p{L}\p{M}])")
SENTENCE_END = regex.compile(r"[.!?:\n]\s*$")
SPACES = regex.compile(r"[ \t]{1,2}")
LETTER = regex.compile(r"\p{L}")
WORD_CHARACTER = regex.compile(r"[\p{L}\p{M}\d'’\-]")
# A name's word goes on over hyphens, not over "'s" ("Sven-Olof", "Maria's").
NAME_CHARACTER = regex.compile(r"[\p{L}\p{M}]|[\-\u2010\u2011](?=\p{L})")
HYPHENS = regex.compile(r"[\-\u2010-\u2015]")
# What ends a letterhead name: a stop, a comma, a colon or a dash, then a space.
LETTERHEAD_END = regex.compile(r"\s?[.,:;!\-–—](?=\s|$)")
# "Łukasz Żmuda here", "Krzysztof tutaj", "Ana aquí".
HERE_WORDS = frozenset({"here", "tutaj", "aquí", "aqui", "ici", "hier", "qui", "здесь"})
# Between a cued name and the same name repeated: "it's Ivy, ivy chen".
APPOSITIVE_GAP = regex.compile(r",[ \t]{1,2}")
# After a one-word letterhead name: a dash, a phone number or e-mail placeholder, an age.
CONTACT_AFTER = regex.compile(r"\s?,?\s(?:[\-–—]\s|\[(?:PHONE|EMAIL)\]|\d{1,3}\s?,)")
NAME_PARTICLES = frozenset(
    {
        *("da", "de", "del", "della", "di", "do", "dos", "du", "la", "le"),
        *("van", "von", "der", "den", "bin", "binti", "al", "el", "y"),
    }
)
# The tokens before a sentence's first word.
SENTENCE_OPENERS = frozenset({".", "!", "?", "\n"})
SPANISH_OPENERS = SENTENCE_OPENERS | {"¿", "¡"}
# A nickname in quotes between a given and a family name.
NICKNAME = regex.compile(r"[\"“‘'(]\p{Lu}[\p{L}\p{M}.\-]{0,20}[\"”’')]")
LEFT_WORD = regex.compile(r"(\p{Lu}[\p{L}\p{M}'’\-]{0,40})[ \t]{1,2}$")
# Nouns after which a capitalised word is an eponym, not a person: "Pott's disease".
EPONYM_HEADS = (
    "disease|syndrome|sign|signs|node|nodes|cyst|cysts|change|changes|malformation|palsy|"
    "fracture|kyphosis|phenomenon|reflex|maneuver|maneuvers|manoeuvre|classification|criteria|"
    "deformity|anomaly|disorder|lesion|lesions|sarcoma|lymphoma|tumor|tumour|ulcer|law|triad|"
    "arthritis|neuralgia|contracture|spondylitis|ataxia|dystrophy|chorea|dementia|plexus|"
    "artery|arteries|vein|veins|fibers|fibres|units|angle|gait|canal|ligament|membrane|"
    "foramen|nucleus|nodules|bursa|bursitis|neuroma|shunt|neuropathy|hernia|thyroiditis|"
    "encephalopathy|pouch|duct|gland|glands|bundle|capsule|inventory|questionnaire|tongs|"
    "clinic|hospital|infirmary|institute|university|imaging|radiology|centre|center|health|"
    "healthcare|permanente"
)
# Nouns that follow eponyms and people alike ("Spurling's test", "Sarah's test"): an
# eponym only when the word before them is not a given name.
SHARED_HEADS = (
    "test|tests|grade|score|scale|procedure|operation|rod|rods|joint|technique|protocol|"
    "catheter|brace|collar|frame|index|sequence|approach|incision|needle|pump|implant|"
    "stimulator|device|coil|magnet|machine|system|fixation|screws|plate|cage|space|body|"
    "bodies|cells|zone|area|effect|drain|drains|tube|valve|stent|clip|clips|filter|wire|"
    "wires|disc|fusion|instrumentation|view|method"
)
# "the artery of Adamkiewicz", "the space of Retzius": an eponym after "<anatomy> of".
EPONYM_BEFORE = regex.compile(
    r"(?i)\b(?:artery|vein|plexus|ligament|canal|space|foramen|nodes?|triangle|circle|loop|"
    r"organs?|nucleus|fissure|tract|column|disease|syndrome|sign|test)\s+of\s+$"
)
EPONYM_AFTER = regex.compile(rf"(?i)(?:['’]s|s['’])?\s+(?:{EPONYM_HEADS})\b")
SHARED_AFTER = regex.compile(rf"(?i)(?:['’]s|s['’])?\s+(?:{SHARED_HEADS})\b")
# Placeholders that earlier steps wrote: no name may touch one ("[DATE]-14").
PLACEHOLDER = regex.compile(r"\[[A-Z]{2,9}\]")

Span = tuple[int, int]


@cache
def _pipeline() -> Any:
    """The NLU's spaCy model with only the recogniser, and a ruler before it that marks
    protected terms and eponyms as MEDICAL (the recogniser keeps preset entities).

    The shared ``tok2vec`` feeds only the tagger and parser, so it is left out too:
    running it was half of the cost of every redaction.
    """
    import spacy
    from spacy.pipeline import EntityRuler

    nlp = spacy.load(
        default_spacy_model(),
        exclude=["tok2vec", "parser", "lemmatizer", "attribute_ruler", "tagger", "senter"],
    )
    ruler = cast(
        EntityRuler,
        nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"}),
    )
    possessive = {"ORTH": {"IN": ["'s", "’s", "'", "’"]}, "OP": "?"}
    eponym: list[dict[str, Any]] = [
        {"IS_TITLE": True, "OP": "?"},  # "Lou Gehrig's disease"
        {"IS_TITLE": True},
        possessive,
        {"LOWER": {"IN": EPONYM_HEADS.split("|")}},
    ]
    shared: list[dict[str, Any]] = [
        {"IS_TITLE": True, "LOWER": {"NOT_IN": sorted(first_names())}},
        possessive,
        {"LOWER": {"IN": SHARED_HEADS.split("|")}},
    ]
    patterns: list[dict[str, Any]] = [
        {"label": "MEDICAL", "pattern": term} for term in medical_terms()
    ]
    ruler.add_patterns(
        [
            *patterns,
            {"label": "MEDICAL", "pattern": eponym},
            {"label": "MEDICAL", "pattern": shared},
        ]
    )
    return nlp


def _words_after(text: str, position: int) -> list[Span]:
    """Spans of up to MAX_NAME_WORDS words from position, separated by spaces."""
    words: list[Span] = []
    while len(words) < MAX_NAME_WORDS:
        word = NAME_WORD.match(text, position)
        if word is None:
            break
        words.append(word.span())
        gap = WORD_GAP.match(text, word.end())
        if gap is None:
            break
        position = gap.end()
    return words


def _first_word_is_name(word: str, strong: bool, following: str | None = None) -> bool:
    """After a strong cue, any word but a lower-case stop word; after a weak one, a
    capitalised word that is not ordinary English or is a given name ("I'm pregnant",
    "my wife is" no; "it's Rose" yes), in lower case only a known or foreign name
    ("im bob", "my dr. visit" no), or an ordinary given name before a family name
    ("this is frank delgado"; `following` is the next word)."""
    if word.casefold() in NEVER_NAMES:
        return False
    if is_stop_word(word) and (word.islower() or not strong):
        if following and word.casefold() in first_names():
            known_family = strong and following.casefold() in last_names()
            if known_family or _is_family_name_word(following):
                return True  # "this is will henderson", "my name is will baker"
        return not strong and word.istitle() and _is_capitalised_given_name(word)
    if strong:
        return True
    if is_ordinary(word):
        return _is_capitalised_given_name(word) or (
            word.islower() and following is not None and _is_family_name_word(following)
        )
    if word.islower():
        return _is_known_or_foreign(word)
    return True


def _continues_name(word: str) -> bool:
    """A further word of a name: an initial, a capitalised word that is not a stop
    word, or a lower-case word that is not protected nor a verb form ("maria garcia",
    "tom hardy": adjectives are allowed, many surnames are one)."""
    if word.endswith(".") or (word[:1].isupper() and not is_stop_word(word)):
        return word.casefold().strip(".") not in NEVER_NAMES
    if len(word) == 1:
        return word not in ("a", "i")  # a middle initial: "pamela j hudgens"
    return not (is_protected(word) or (is_verb_form(word) and not _is_plural_surname(word)))


def _is_plural_surname(word: str) -> bool:
    """ "hayes", "james", "hughes": family names that also read as a verb's "-s" form."""
    folded = word.casefold()
    return folded.endswith("s") and folded in last_names()


def _name_from(text: str, words: list[Span], strong: bool) -> Span | None:
    following = text[slice(*words[1])] if len(words) > 1 else None
    if not words or not _first_word_is_name(text[slice(*words[0])], strong, following):
        return None
    end = words[0][1]
    for start, stop in words[1:]:
        if not _continues_name(text[start:stop]):
            break
        end = stop
    return words[0][0], end


def _cued_names(text: str, english: bool = True) -> Iterator[Span]:
    """Names after a cue; in another language, not after English short cues that are
    words there too ("im Befund" is German for "in the report")."""
    for cue in list(CUE.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS)):
        if not english and ENGLISH_SHORT_CUE.match(cue.group()):
            continue
        span = _name_from(text, _words_after(text, cue.end()), cue.group("strong") is not None)
        if span:
            yield span


def _appositive_names(text: str, names: list[Span]) -> Iterator[Span]:
    """A name right after a cued one and a comma, read as after a weak cue: patients
    repeat or spell out their name ("it's Ivy, ivy chen", "I am Lily, lily o'hare")."""
    for _, end in names:
        gap = APPOSITIVE_GAP.match(text, end)
        if gap is not None:
            span = _name_from(text, _words_after(text, gap.end()), strong=False)
            if span:
                yield span


def _greeting_name(text: str) -> Iterator[Span]:
    """ "Łukasz Żmuda here", "hi, sarah jones here": the words before a "here"."""
    greeting = GREETING.match(text)
    words = _words_after(text, greeting.end() if greeting else 0)
    for index, (start, stop) in enumerate(words[1:], start=1):
        if text[start:stop].casefold() in HERE_WORDS:
            span = _name_from(text, words[:index], strong=False)
            if span:
                yield span
            return


def _letterhead_name(text: str) -> Iterator[Span]:
    """ "Bongani Dlamini. Doctor says...", "ANA DA SILVA – I am...": two to five
    capitalised words that open the message and end at a stop or a dash, none of
    them ordinary or protected ("Lumbar Spine MRI." is no name), one of them no
    English word or a known given or family name."""
    greeting = GREETING.match(text)
    words = _words_after(text, greeting.end() if greeting else 0)
    if not words:
        return
    if len(words) == 1 or not LETTERHEAD_END.match(text, words[-1][1]):
        # one word: only a given name before contact details or a dash ("Kasia +48…")
        word = text[slice(*words[0])]
        contact = CONTACT_AFTER.match(text, words[0][1])
        if contact and (_is_capitalised_given_name(word) or not is_english_word(word)):
            yield words[0]
        return
    names = [text[start:stop] for start, stop in words]
    proper = [word for word in names if word.casefold() not in NAME_PARTICLES]
    if not all(word.istitle() or word.isupper() for word in proper) or any(
        is_protected(word) or (is_ordinary(word) and not _is_capitalised_given_name(word))
        for word in proper
    ):
        return
    if any(_is_known_or_foreign(word) for word in proper):
        yield words[0][0], words[-1][1]


def _is_capitalised_given_name(word: str) -> bool:
    """ "Rose", "PAT", "Ivy-Rose": a given name written as one, even if also a word."""
    parts = HYPHENS.split(word)
    return (word.istitle() or word.isupper()) and all(
        part.casefold() in first_names() for part in parts
    )


def _is_family_name_word(word: str) -> bool:
    """A family name that is no English word ("delgado", not "again")."""
    return word.casefold() in last_names() and not is_english_word(word)


def _is_known_or_foreign(word: str) -> bool:
    folded = word.casefold()
    return folded in first_names() or folded in last_names() or not is_english_word(word)


def _signed_name(text: str) -> Iterator[Span]:
    """ "thanks, jane" or "- Bob Smith" at the very end of a message."""
    sign_offs = SIGN_OFF.finditer(text, max(0, len(text) - 80), timeout=PATTERN_TIMEOUT_SECONDS)
    for sign_off in list(sign_offs):
        span = _name_from(text, _words_after(text, sign_off.end()), strong=False)
        if span and TRAILING.fullmatch(text, span[1]):
            yield span


# A contact detail an earlier step replaced, and the words that touch it: a name
# written beside a phone number or address ("rebecca stone [PHONE]", "[PHONE] Elena.").
CONTACT = regex.compile(r"\[(?:PHONE|EMAIL|ADDRESS|SSN|MRN|ID|DATE)\]")
# Labels between a name and the detail it owns: "Joyce ssn [SSN]", "Grace born in [DATE]".
CONTACT_LABELS = frozenset(
    {
        *("ssn", "ss", "social", "dob", "born", "in", "on", "mrn", "id", "phone", "tel"),
        *("cell", "mobile", "email", "e-mail", "no", "number", "medicare", "medicaid"),
    }
)
WORDS_BEFORE_CONTACT = regex.compile(
    r"(?<![\p{L}\p{M}'’\-])(?:\p{L}[\p{L}\p{M}'’\-]{0,40}[ \t]){0,3}\p{L}[\p{L}\p{M}'’\-]{0,40}"
    r"(?=[ \t]{0,2}[,:(\-–—]?[ \t]{0,2}$)"
)
# A patient's message has a few details; a long text full of them (metadata, an
# attack) gets this many looked at, so the work stays small.
MAX_CONTACTS = 20
AFTER_CONTACT = regex.compile(r"[ \t]{0,2}[,)\-–—]?[ \t]{0,2}")


def _contact_names(text: str) -> Iterator[Span]:
    """A name that touches a replaced detail: the longest run of up to four words
    before it (less the detail's label) that reads as a name after a weak cue and
    starts with a given name or a capitalised word that is no English ("frank deluca
    [PHONE]", "Jade Nguyen, [EMAIL]", "Joyce ssn [SSN]"), or such words just after it
    ("[PHONE] Elena."); "mi correo es [EMAIL], tengo ..." names nobody."""
    for contact in list(CONTACT.finditer(text))[:MAX_CONTACTS]:
        before = WORDS_BEFORE_CONTACT.search(text, max(0, contact.start() - 130), contact.start())
        if before:
            words = _words_after(text, before.start())
            while words and text[slice(*words[-1])].casefold() in CONTACT_LABELS:
                words.pop()
            for first in range(len(words)):
                span = _contact_name_from(text, words[first:])
                if span and span[1] == words[-1][1]:
                    yield span
                    break
        gap = AFTER_CONTACT.match(text, contact.end())
        span = _contact_name_from(text, _words_after(text, gap.end())) if gap else None
        if span:
            yield span


def _contact_name_from(text: str, words: list[Span]) -> Span | None:
    span = _name_from(text, words, strong=False)
    if span is None:
        return None
    start, end = words[0]
    first = text[start:end]
    after_name = text[max(0, start - 7) : start] == "[NAME] "  # "[NAME] j hudgens [SSN]"
    known = regex.sub(r"['’]s$", "", first.casefold()) in first_names()
    foreign = first[:1].isupper() and not is_english_word(first)
    return span if known or foreign or after_name else None


# A sentence that is only a name ("... the MRI requisition. Heather Kowalchuk"), or a
# name just before a birth-date label ("Precious Oyelowo DOB 23rd August 1963").
NAME_SENTENCE = regex.compile(
    r"(?:^|(?<=[.!?,;:]\s{1,3}))(\p{Lu}[\p{Ll}'’\-]+(?:[ \t]\p{Lu}[\p{L}'’\-]+){1,2})"
    r"(?=[ \t]*(?:[.!?]?\s*$|[.!?][ \t]|,?[ \t]+(?:DOB|D\.O\.B|dob|born|date of birth)\b))"
)


# A capitalised word that is the message's last sentence.
LAST_NAME_SENTENCE = regex.compile(r"(?:^|(?<=[.!?]\s{1,3}))(\p{Lu}\p{Ll}{2,20})[ \t]*[.!]?\s*$")


def _name_sentences(text: str) -> Iterator[Span]:
    """Two or three capitalised words standing alone as a sentence, or before a
    birth-date label: a given name, then family names or words that are no English
    ("Heather Kowalchuk", not "Grace Period"); or a given name that is no English
    word closing the message on its own ("... at the entrance. Lillian")."""
    for match in list(NAME_SENTENCE.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS)):
        first, *rest = match.group(1).split()
        family = all(w.casefold() in last_names() or not is_english_word(w) for w in rest)
        if first.casefold() in first_names() and family and not is_protected(first):
            yield match.span(1)
    last = LAST_NAME_SENTENCE.search(text, max(0, len(text) - 40))
    if last and _is_given_name_alone(last.group(1)):
        yield last.span(1)


def _is_given_name_alone(word: str) -> bool:
    return word.casefold() in first_names() and not is_english_word(word) and not is_protected(word)


def _non_ascii_names(text: str) -> Iterator[Span]:
    """Words with a letter outside ASCII, unless protected as a whole or in the part
    that has it ("café-au-lait", "Guillain–Barré"), or in an uncued question of a
    script without spaces or capitals."""
    for word in list(NON_ASCII_WORD.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS)):
        parts = [part for part in HYPHENS.split(word.group()) if not part.isascii()]
        if is_protected(word.group()) or all(map(is_protected, parts)):
            continue
        if CASELESS_LETTER.search(word.group()) and _in_uncued_question(text, *word.span()):
            continue
        yield word.span()


def _in_uncued_question(text: str, start: int, end: int) -> bool:
    """In a script without capitals no letter case tells a name from a word, and in
    Chinese, Japanese or Korean a whole sentence can read as one word; a question
    mostly in such a script names nobody unless a name cue is in it
    ("腰椎MRIは何分くらいかかりますか？" is a question;
    "我妈妈李桂兰的核磁共振什么时候出结果？" names her mother)."""
    before = [match.end() for match in CASELESS_SENTENCE_END.finditer(text, 0, start)]
    after = CASELESS_SENTENCE_END.search(text, end)
    sentence = text[before[-1] if before else 0 : after.end() if after else len(text)]
    return (
        sentence.rstrip().endswith(QUESTION_MARKS)
        and len(CASELESS_LETTER.findall(sentence)) > len(LATIN_LETTER.findall(sentence))
        and not CASELESS_NAME_CUE.search(sentence)
    )


def _is_sentence_start(text: str, start: int) -> bool:
    return not text[max(0, start - 3) : start].strip(" \t\"'(") or bool(
        SENTENCE_END.search(text[max(0, start - 3) : start])
    )


def _is_given_name(text: str, start: int, end: int) -> bool:
    """A word of the name gazetteer that reads as a name here: not protected, and in
    lower case not an English word at all ("priya", not "bob"); capitalised, not an
    adjective or verb form, and at a sentence's start not an English word either
    ("Grace period" is not a name), unless a family name follows ("Grace Liu")."""
    word = text[start:end]
    if word.casefold() not in first_names() or len(word) < 3 or is_protected(word):
        return False
    if word.islower():
        return not is_english_word(word)
    if not word.istitle() or is_ordinary(word):
        return False
    if not _is_sentence_start(text, start) or not is_english_word(word):
        return True
    following = NAME_WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    return bool(following and following.group().casefold() in last_names())


def _gazetteer_names(text: str, english: bool = True) -> Iterator[Span]:
    """Given names of Faker's lists, each with a family name that follows it (in another
    language, only a known or capitalised one: "una orden" is no name)."""
    for word in list(GAZETTEER_WORD.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS)):
        if not _is_given_name(text, *word.span()):
            continue
        end = word.end()
        following = NAME_WORD.match(text, end + 1) if text[end : end + 1] == " " else None
        if following and _is_family_name(following.group(), english):
            end = following.end()
        if not _is_eponym_or_medical(text, word.start(), end):
            yield word.start(), end


def _is_family_name(word: str, english: bool = True) -> bool:
    """A known family name, a capitalised word that is not ordinary English, or in an
    English message a lower-case one that is no English at all ("terrence mcallister")."""
    if is_protected(word) or is_verb_form(word):
        return False
    if word.casefold() in last_names() or (word.istitle() and not is_ordinary(word)):
        return True
    return english and word.islower() and not is_stop_word(word) and not is_english_word(word)


def _is_eponym_or_medical(text: str, start: int, end: int) -> bool:
    """Protected words only, or an eponym: before a head noun ("Pott's disease"; "Spurling's
    test" but not "Sarah's test") or after "<anatomy> of" ("the artery of Adamkiewicz")."""
    words = text[start:end].split()
    if EPONYM_AFTER.match(text, end) or EPONYM_BEFORE.search(text, max(0, start - 20), start):
        return True
    if words and SHARED_AFTER.match(text, end) and words[-1].casefold() not in first_names():
        return True
    return all(is_protected(word) for word in words)


class Entities(NamedTuple):
    """Spans of spaCy's entities: PERSON ones that are no protected words, the
    ruler's MEDICAL ones ("Lou Gehrig", "Jackson-Pratt"), and places and
    organisations ("Sydney", "Jordan": given names too)."""

    persons: list[Span]
    medical: list[Span]
    places: list[Span]


PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "PRODUCT", "EVENT"})


def _entities(text: str) -> Entities:
    """The entities of a message. A text in capitals ("ANGELA MORRIS, 555…") is read
    in title case: the model knows names by their capital letter. Long texts get
    none (NER_MAX_CHARS)."""
    if len(text) > NER_MAX_CHARS:
        return Entities([], [], [])
    if not any(character.islower() for character in text) and len(text.title()) == len(text):
        text = text.title()
    nlp = _pipeline()
    doc = nlp.make_doc(text)
    if len(doc) > NER_MAX_TOKENS:
        return Entities([], [], [])
    for _, component in nlp.pipeline:
        doc = component(doc)
    persons = [
        (entity.start_char, entity.end_char)
        for entity in doc.ents
        if entity.label_ == "PERSON"
        and not _is_imperative(entity)
        and not all(word.islower() and is_ordinary(word) for word in entity.text.split())
        and not _is_sentence_opening_word(entity)
        and not _is_eponym_or_medical(text, entity.start_char, entity.end_char)
        and not _is_caseless_question(text, entity.start_char, entity.end_char)
    ]
    medical = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "MEDICAL"]
    places = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PLACE_LABELS]
    return Entities(persons, medical, places)


def _is_caseless_question(text: str, start: int, end: int) -> bool:
    return bool(CASELESS_LETTER.search(text, start, end)) and _in_uncued_question(text, start, end)


def _is_sentence_opening_word(entity: Any) -> bool:
    """ "Frank disc herniation", "Summer heat", "Tattoos with red ink": one English word
    opening a sentence, not followed by a verb as a subject would be ("Rich says")."""
    doc = entity.doc
    following = doc[entity.end].text if entity.end < len(doc) else ""
    return (
        len(entity) == 1
        and _opens_sentence(entity, SPANISH_OPENERS)
        and is_english_word(entity.text)
        and following.islower()
        and not is_verb_form(following)
    )


def _is_not_lower_case(word: str) -> bool:
    return not word.islower()


def _opens_sentence(entity: Any, openers: frozenset[str] = SENTENCE_OPENERS) -> bool:
    return entity.start == 0 or entity.doc[entity.start - 1].text in openers


def _is_imperative(entity: Any) -> bool:
    """ "Mark the area that hurts": a verb opening a sentence, not a name."""
    doc = entity.doc
    opens_sentence = _opens_sentence(entity)
    followed_by_stop_word = entity.end < len(doc) and is_stop_word(doc[entity.end].text)
    return len(entity) == 1 and opens_sentence and followed_by_stop_word and is_verb(entity.text)


def _widened(text: str, span: Span) -> Span:
    """The span grown over neighbouring capitalised words that are not protected."""
    start, end = span
    for _ in range(MAX_NAME_WORDS):
        left = LEFT_WORD.search(text, max(0, start - 45), start)
        if left is None or is_protected(left.group(1)) or left.group(1).isupper():
            break
        start = left.start()
    for _ in range(MAX_NAME_WORDS):
        gap = SPACES.match(text, end)
        nickname = NICKNAME.match(text, gap.end()) if gap else None
        if nickname:  # 'Bartholomew "Bart" Oyelowo-Smith'
            gap = SPACES.match(text, nickname.end())
        word = NAME_WORD.match(text, gap.end()) if gap else None
        if word is None or not word.group()[:1].isupper() or is_protected(word.group()):
            break
        if word.group().isupper() or _is_eponym_or_medical(text, word.start(), word.end()):
            break
        end = word.end()
    return start, end


def _merged(text: str, spans: list[Span]) -> list[Span]:
    """Overlapping spans, and spans only spaces apart, as one ("John" "Smith")."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without(text: str, spans: list[Span], taken: list[Span]) -> list[Span]:
    """The parts of the spans outside every `taken` span (a placeholder, a protected
    term), so that a name touching one keeps the rest; parts without a letter go.
    Both lists are sorted."""
    parts: list[Span] = []
    first = 0
    for start, end in spans:
        while first < len(taken) and taken[first][1] <= start:
            first += 1
        for taken_start, taken_end in taken[first:]:
            if taken_start >= end:
                break
            parts.append((start, min(taken_start, end)))
            start = max(start, taken_end)
        parts.append((start, end))
    trimmed = [_trimmed(text, start, end) for start, end in parts]
    return [(start, end) for start, end in trimmed if LETTER.search(text, start, end)]


def _trimmed(text: str, start: int, end: int) -> Span:
    """The span without the spaces at its ends, nor the comma that joined it to a
    protected term ("this is Ruth, Paget's disease ...")."""
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip(" \t,"))


def name_spans(text: str) -> list[Span]:
    """Character spans of person names in text (may overlap), none touching a
    placeholder of an earlier step or a protected term the ruler marked."""
    entities = _entities(text)
    english = not _in_another_language(text)
    cued = _outside_places(text, list(_cued_names(text, english)), entities.places, is_ordinary)
    found = [
        *cued,
        *_appositive_names(text, cued),
        *_greeting_name(text),
        *_letterhead_name(text),
        *_signed_name(text),
        *_name_sentences(text),
        *_contact_names(text),
    ]
    if english:
        found += [
            *_non_ascii_names(text),
            *_outside_places(
                text, list(_gazetteer_names(text)), entities.places, _is_not_lower_case
            ),
            *entities.persons,
        ]
    else:
        found += _names_in_another_language(text)
    placeholders = [match.span() for match in PLACEHOLDER.finditer(text)]
    widened = [
        _widened(text, _whole_words(text, span, NAME_CHARACTER)) for span in _merged(text, found)
    ]
    medical = [span for span in entities.medical if not _is_family_name_in(text, span, cued)]
    taken = sorted(placeholders + [_whole_words(text, span) for span in medical])
    return _without(text, _merged(text, widened), taken)


def _is_family_name_in(text: str, span: Span, names: list[Span]) -> bool:
    """A medical term that is a word of a cued name of two words or more, and no
    eponym there: "my name is Dennis Parkinson", "... Dixon Hale" (not "Dennis,
    Parkinson's disease runs in ...", nor "patient: Dotarem 10 ml")."""
    start, end = span
    if " " in text[start:end] or text.startswith(("'", "’"), end):
        return False
    if EPONYM_AFTER.match(text, end) or SHARED_AFTER.match(text, end):
        return False
    return any(
        name_start <= start and end <= name_end and " " in text[name_start:name_end]
        for name_start, name_end in names
    )


def _in_another_language(text: str) -> bool:
    """A message mostly in another language ("¿Qué significa hernia discal en L5-S1?"):
    the recogniser, trained on English, and the accented-word rule would take its
    words for names, so only the cues count there."""
    words = [
        word
        for word in LANGUAGE_WORD.findall(PLACEHOLDER.sub(" ", text[:NER_MAX_CHARS]))
        if not (word.isupper() or _is_known_name(word))  # names and acronyms are in any
    ]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return False
    english = sum(1 for word in words if _reads_as_english(word))
    return english < ENGLISH_SHARE * len(words)


def _is_known_name(word: str) -> bool:
    """A given or family name that is no English word ("priya", "Lefèvre")."""
    folded = word.casefold()
    return (folded in first_names() or folded in last_names()) and not is_english_word(word)


def _reads_as_english(word: str) -> bool:
    return is_stop_word(word) or is_protected(word) or is_english_word(word)


def _names_in_another_language(text: str) -> list[Span]:
    """In another language: words of a script without capitals (Arabic, Hangul, Han,
    Devanagari...) as before, and accented capitalised words next to another
    capitalised word ("Camille Lefèvre"; not "Lendenwirbelsäule" nor "¿Qué"), and
    given names with a family name or capitalised inside a sentence ("ma mère
    Françoise"; "dolores" is a word there)."""
    spans = []
    for start, end in _non_ascii_names(text):
        word = text[start:end]
        if not any(c.isupper() or c.islower() for c in word) or _beside_capitalised(
            text, start, end
        ):
            spans.append((start, end))
    spans += [
        (start, end)
        for start, end in _gazetteer_names(text, english=False)
        if " " in text[start:end]
        or (text[start : start + 1].isupper() and not _is_sentence_start(text, start))
    ]
    return spans


def _beside_capitalised(text: str, start: int, end: int) -> bool:
    if not text[start : start + 1].isupper():
        return False
    after = NAME_WORD.match(text, end + 1) if text[end : end + 1] == " " else None
    before = LEFT_WORD.search(text, max(0, start - 45), start)
    return bool(
        (after and after.group()[:1].isupper() and not is_protected(after.group()))
        or (before and not is_protected(before.group(1)))
    )


def _whole_words(text: str, span: Span, characters: regex.Pattern[str] = WORD_CHARACTER) -> Span:
    """The span grown to the ends of the words it cuts ("menopausal" in
    "post-menopausal" protects the whole word; "Sven" of "Sven-Olof" is the name)."""
    start, end = span
    while start > 0 and characters.match(text, start - 1):
        start -= 1
    while end < len(text) and characters.match(text, end):
        end += 1
    return start, end


def _outside_places(
    text: str, names: list[Span], places: list[Span], may_be_place: Callable[[str], bool]
) -> list[Span]:
    """The names less the one-word ones that may be a place and that the recogniser
    reads as a place, a group or an organisation: capitalised gazetteer names ("an MRI
    in Sydney"), ordinary words after a cue ("I'm Muslim"); "Sydney Chen" and "it's
    Rose" stay names."""
    return [
        (start, end)
        for start, end in names
        if " " in text[start:end]
        or not may_be_place(text[start:end])
        or not any(a < end and start < b for a, b in places)
    ]
