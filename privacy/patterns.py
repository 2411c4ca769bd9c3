"""Structured personal data found by pattern: e-mail, IDs, SSNs, dates, phones, addresses.

Every pattern runs in time linear in the text's length (tested on 64 KB of digits,
letters, "a." and "1-"): repetitions are bounded or possessive, and a pattern that
starts with a repeated class may only start where a run of that class starts.
The quadratic e-mail pattern of issue #17 retried every position of a long run.
Phone numbers are validated by ``phonenumbers`` (Google's libphonenumber), so the
formats of many countries are known without a hand-written pattern for each.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers
import regex

from privacy.vocabulary import NEVER_NAMES, is_medical, is_stop_word

# Placeholders, in the order of :data:`privacy.redaction.PLACEHOLDERS`.
NAME, PHONE, EMAIL, DATE = "[NAME]", "[PHONE]", "[EMAIL]", "[DATE]"
MRN, SSN, ADDRESS, POSTCODE, ID = "[MRN]", "[SSN]", "[ADDRESS]", "[POSTCODE]", "[ID]"

# A pattern that takes longer than this raises TimeoutError: a guard for inputs
# nobody thought of, far above what 64 KB take (tests/privacy/test_redaction.py).
PATTERN_TIMEOUT_SECONDS = 1.0

# Unicode hyphens and dashes (U+2010-2015, minus sign, small and full-width
# hyphen-minus) and spaces (no-break, thin, narrow, ideographic) join digits too.
DASH = r"[\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]"
SPACE = r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]"
SEP = rf"(?:{SPACE}|{DASH}|[./])"

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    # German, French, Spanish, Italian, Portuguese and Dutch names that English lacks
    r"januar|februar|märz|maerz|juni|juli|oktober|dezember|janvier|février|fevrier|mars|"
    r"avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|enero|febrero|"
    r"marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|gennaio|"
    r"febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|"
    r"março|maio|junho|julho|setembro|outubro|dezembro|januari|februari|maart|mei|augustus|"
    # Polish, Russian and Ukrainian (as written in dates), Turkish, Greek, Tagalog, Hindi
    r"stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|wrzesnia|"
    r"października|pazdziernika|listopada|grudnia|января|февраля|марта|апреля|мая|июня|"
    r"июля|августа|сентября|октября|ноября|декабря|січня|лютого|березня|квітня|травня|"
    r"червня|липня|серпня|вересня|жовтня|листопада|грудня|ocak|şubat|subat|nisan|mayıs|"
    r"haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|ιανουαρίου|φεβρουαρίου|μαρτίου|"
    r"απριλίου|μαΐου|ιουνίου|ιουλίου|αυγούστου|σεπτεμβρίου|οκτωβρίου|νοεμβρίου|δεκεμβρίου|"
    r"pebrero|marso|hunyo|hulyo|setyembre|oktubre|nobyembre|disyembre|जनवरी|फ़रवरी|फरवरी|"
    r"मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|सितम्बर|अक्टूबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर)\.?"
)
ORDINAL_WORD = (
    r"(?:(?:(?:twenty|thirty)[\s-]?)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
    r"eighteenth|nineteenth|twentieth|thirtieth)"
)
DAY = rf"(?:[0-3]?\d(?:st|nd|rd|th)?|{ORDINAL_WORD})"
YEAR = r"(?:(?:19|20)\d\d|['’]\d\d)"
YEAR_WORDS = (
    r"(?:nineteen|twenty)[\s-]{1,3}(?:(?:hundred|oh[\s-]{1,3}\w{1,6})|(?:ten|eleven|twelve|\w{1,6}teen)|"
    r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-]{1,3}(?:one|two|three|four|"
    r"five|six|seven|eight|nine))?)"
)
# Cues that the date that follows is a date of birth, so even a bare year or a
# day and month without a year is personal.
BIRTH_CUE = (
    r"(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+(?:on|in))?|"
    r"b\.|y\.?o\.?b\.?|year\s+of\s+birth|geburtsdatum|geb\.|geboren(?:\s+am)?|né(?:e)?\s+le|"
    r"ur\.|urodzon[ya]|nacid[oa](?:\s+el)?|fecha\s+de\s+nacimiento|nat[oa]\s+il|"
    r"data\s+di\s+nascita|doğum\s+tarihi|ngày\s+sinh|sinh\s+ngày|sinh\s+năm|data\s+urodzenia|дата\s+рождения|"
    r"родил(?:ся|ась)|geboortedatum|geboren\s+op|date\s+de\s+naissance|fecha\s+de\s+nac\.?|"
    r"data\s+de\s+nascimento|nascid[oa](?:\s+em)?)"
)
FILLER = (
    r"(?:[\s:#=\-.,()]|\b(?:is|was|are|number|no|num|nr|id|of|the|my|it's|in|on|at|year|advantage|"
    r"reads|says|shows|card|back|front|digits)\b){0,10}"
)

# Labels after which a value with a digit is an identifier ("member ID W123456789").
ID_LABELS = (
    r"member(?:ship)?|subscriber|policy(?:holder)?|medicare|medicaid|mbi|beneficiary|"
    r"health\s*card|ohip|ramq|passport|reisepass|passeport|pasaporte|passaporto|paszport|"
    r"driver'?s?\s+licen[cs]e|licen[cs]e|i\.?d\.?|"
    r"identification|versichertennummer|krankenversicherungsnummer|versicherungsnummer|kvnr|"
    r"medicare\s+card|ihi|krankenkasse|versicherung|ahv|svnr|sozialversicherungsnummer|"
    r"authori[sz]ation|prior\s+auth|auth|"
    # national identity and social insurance numbers of other countries
    r"aadhaa?r|pan(?=\s*(?:is\s+)?(?:card|number|no|\#|:|[A-Z]{5}\d{4}[A-Z]\b))|cpf|accession|dl|d\.l\.|curp|rfc|ppsn?|nino|bsn|personnummer|"
    r"steuer-?id|s[ée]cu(?:rit[ée]\s+sociale)?|num[ée]ro\s+de\s+s[ée]curit[ée]\s+sociale|"
    r"codice\s+fiscale|dni|nie|nif|rut|cedula|cédula|a-?number|alien\s+number|uscis|"
    r"green\s+card|personalausweis(?:nummer)?|ausweisnummer|carte\s+d['’]identit[ée]|"
    # New Zealand and Singapore health and identity numbers, Russian and Ukrainian
    # passports, prescription group and bin numbers, and "group" with ":" or "is"
    r"nhi|nric|паспорт\w*|снилс|rx\s*grp|rx\s*bin|rx\s*pcn|grp|group(?=\s*(?:is\b|:|\#))"
)
# Labels that name an identifier only with "number", "no", "#" or "id" after them.
WEAK_ID_LABELS = (
    r"insurance|insurer|group|plan|claim|account|acct|case|reference|ref|confirmation|"
    r"booking|card|bcbs|aetna|cigna|humana|kaiser|tricare|dva|health\s+insurance|uhc|"
    r"united\s*healthcare|anthem|blue\s+cross|blue\s+shield|referral|order|requisition"
)
MRN_LABELS = r"mrn|mr\s*\#|urn|medical\s+records?(?:\s+(?:number|no\.?|\#|id))?|nhs|chi"
WEAK_MRN_LABELS = r"record|chart|hospital|unit|ur|patient\s+record|patient"
NUMBER_WORD = r"\s*(?:(?:number|no|num|nr|id)\b\.?|\#)"
# A value is up to six groups of letters and digits; one group at least has a
# digit (checked in Python: a regex lookahead would rescan the value).
ID_VALUE = r"[A-Za-z0-9]{1,20}(?:(?:[ \-./]|" + DASH + r"){1,2}[A-Za-z0-9]{1,20}){0,5}"

# Street types matched in any case; the rest are ordinary words ("a 2 hour drive",
# "2 tablets and a walk") and count only capitalised ("12 Elm Drive", "4 Hill Way").
STREET_TYPE = (
    r"street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|highway|hwy|parkway|pkwy|"
    r"terrace|crescent|cres"
)
CAPITALISED_STREET_TYPE = (
    r"Drive|Dr|Court|Ct|Way|Place|Pl|Terr|Close|Square|Sq|Circle|Cir|Trail|Trl|Row|Mews|"
    r"Grove|Gardens|Gdns|Walk|Hill|Parade|Pde|Esplanade|Esp|Quay|Wharf|Alley|Path|Pike|Loop|"
    r"Bend|Point|Pt|Ridge|Run|Green|Park|Rise|Vale|View|Chase|Crossing|Xing|Route|Rte|"
    r"Concession|Sideroad|Line|Gate|Broadway|Strand|Av"
)
DE_STREET = (
    r"stra(?:ss|ß)e|str\.|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|markt|"
    r"park|hof|berg|feld|garten|graben|kai|wall|zeile|gürtel|kamp|stieg|twiete|straat|laan|"
    r"plein|gracht|kade|dreef|steenweg|lei"
)
US_STATE = (
    r"AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    r"NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
CA_PROVINCE = r"AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT"
AU_STATE = r"NSW|VIC|QLD|WA|SA|TAS|ACT|NT"
UK_POSTCODE = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"
CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"
US_ZIP = r"\d{5}(?:-\d{4})?"
# Irish Eircode: "D06 X2Y3", "R95 E2F7".
EIRCODE = r"[AC-FHKNPRTV-Y]\d[\dW] ?[0-9AC-FHKNPRTV-Y]{4}"
# ... and "4050-262" (Portugal), "2000" (four digits: Australia, Belgium, Denmark, ...).
POSTCODE_ANY = rf"(?:{UK_POSTCODE}|{CA_POSTCODE}|{EIRCODE}|{US_ZIP}|\d{{4}}{DASH}\d{{3}}|\d{{4}})"
# A capitalised word, not the letters of a postcode ("LE" of "LE3 0BQ").
CAPITALISED = r"\p{Lu}[\p{L}'’.\-]{0,30}+(?!\d)"
COUNTRY = (
    r"(?:USA|U\.S\.A\.|United\s+States|UK|U\.K\.|United\s+Kingdom|England|Scotland|Wales|"
    r"Canada|Australia|Germany|Deutschland|Austria|Österreich)"
)
# "Springfield", "New York", "Frankfurt am Main", "Newcastle upon Tyne".
CITY = (
    rf"{CAPITALISED}(?:{SPACE}{CAPITALISED}){{0,2}}"
    rf"(?:{SPACE}(?:am|an{SPACE}der|im|upon|on|sur|en|de){SPACE}{CAPITALISED})?"
)
TOWN = r"\p{Lu}\p{Ll}[\p{L}\p{M}\-]{1,30}"
# A town written after the postcode ("1000 Bruxelles"): a capitalised word that does not
# start the next sentence.
TOWN_AFTER_POSTCODE = (
    r"(?!(?:Can|Could|Is|Are|Do|Does|Did|Will|Would|Should|Please|Thanks|Thank|I|My|What|How|"
    rf"When|Why|Where|Who|The|This|That|It|We|He|She|They|And|But|So|If|Also|Hi|Hello)\b){TOWN}"
)
# After a street: ", Springfield, IL 62704", ", London NW1 6XE", ", 10115 Berlin".
LOCALITY = (
    rf"(?i:,?{SPACE}{{1,2}}(?:(?:apt|apartment|unit|suite|ste|flat|fl|floor|\#)\.?{SPACE}*\#?\w{{1,6}}))?"
    rf"(?:,{SPACE}{{0,2}}(?:\d{{5}}{SPACE}+)?{CITY}){{0,2}}"
    # a town with no comma when a state or postcode follows: "Collins St Melbourne VIC 3000"
    rf"(?:{SPACE}{CITY}(?=,?{SPACE}{{1,2}}(?:(?:{US_STATE}|{CA_PROVINCE}|{AU_STATE})\b|{POSTCODE_ANY}\b)))?"
    rf"(?:,?{SPACE}{{1,2}}(?:{US_STATE}|{CA_PROVINCE}|{AU_STATE})\b)?"
    rf"(?:,?{SPACE}{{1,2}}{POSTCODE_ANY}\b(?:{SPACE}{TOWN_AFTER_POSTCODE})?)?"
    rf"(?:,?{SPACE}{{1,2}}{COUNTRY})?"
    # in lower case, a town and state count only before a postcode: "springfield il 62704"
    rf"(?:(?:,?{SPACE}{{1,2}}\p{{Ll}}[\p{{L}}'\-]{{1,20}}){{0,3}}?"
    rf"(?:,?{SPACE}{{1,2}}(?i:{US_STATE}|{CA_PROVINCE}|{AU_STATE}))?,?{SPACE}{{1,2}}(?i:{POSTCODE_ANY})\b)?"
)


def _compile(pattern: str) -> regex.Pattern[str]:
    """Compiled with simple case folding: full folding (VERSION1) made the patterns
    3 to 6 times slower and matters for no character they look for."""
    return regex.compile(pattern, regex.VERSION0)


# ... typed twice or with a comma for the last dot ("bloom@@gmail.com", "rg@aol,com")
EMAIL_PATTERN = _compile(
    r"(?<![\w.+\-'])[\w.+\-']{1,64}[@＠]{1,2}[\w\-]{1,63}(?:\.[\w\-]{1,63}){0,7}"
    r"(?:\.[\w\-]{1,63}|,(?:com|net|org|edu)\b)"
)
# "at" in English, Spanish and Portuguese ("arroba"), French ("arobase") and Italian
# ("chiocciola"), and "dot" in the languages of the sets' patients ("anke punkt hoffmann
# at gmx punkt de", "amadou at orange point fr"); "(a)" only in brackets.
AT_WORD = r"(?:at|arroba|arobase|chiocciola)"
AT = (
    rf"(?:\s?[(\[{{<'\"‘“]\s?(?:{AT_WORD}|@|a)\s?[)\]}}>'\"’”]\s?|\s+{AT_WORD}\s+"
    r"|\s+at\s+(?:sign|symbol)\s+|\s*[@＠]\s*)"
)
DOT_WORD = r"(?:dot|punkt|punto|ponto|point)"
# A spaced-out dot only before a top-level domain: "gmail . com".
SPELLED_DOT = (
    rf"(?:\s?[(\[{{<]\s?(?:{DOT_WORD}|\.)\s?[)\]}}>]\s?|\s+{DOT_WORD}\s+|\s\.\s(?=[a-z]{{2,6}}\b))"
)
DOT = rf"(?:{SPELLED_DOT}|\.)"
# After a plain "." only a known top-level domain: "at home.Then" is no address.
TLD = (
    r"(?:com|org|net|edu|gov|mil|int|info|biz|io|me|co|uk|us|ca|au|nz|ie|de|at|ch|fr|es|it|"
    r"nl|be|se|no|dk|fi|pl|pt|br|mx|ar|in|jp|cn|kr|za|ru|health|med|email|online|mail)"
)
# "sam underscore jones at hotmail dot com"
JOIN = (
    rf"(?:\s+(?:{DOT_WORD}|underscore|dash|hyphen|period)\s+|\s?[._\-]\s?"
    rf"|\s?[(\[{{<]\s?(?:{DOT_WORD}|underscore)\s?[)\]}}>]\s?)"
)
SPELLED_EMAIL_PATTERN = _compile(
    rf"(?i)(?<![\w.+\-])(?!(?:me|us|him|her|them|you|it|email|mail|is)\b)"
    rf"[\w+\-]{{1,40}}(?:{JOIN}[\w+\-]{{1,40}}){{0,3}}{AT}"
    rf"(?:[\w\-]{{1,40}}(?:{DOT}[\w\-]{{1,40}}){{0,3}}(?:{SPELLED_DOT}[a-z]{{2,6}}|\.{TLD})\b"
    r"|(?:gmail|googlemail|yahoo|hotmail|outlook|icloud|aol|protonmail|proton|live|msn|"
    r"gmx|web|comcast|verizon|btinternet|mail)\b)"
    # every character spaced out: "s m i t h j @ g m a i l . c o m"
    r"|(?<![\w.])(?:[\w.+\-] ){2,64}[@＠](?: [\w.\-]){3,128}(?!\w)"
)

# "last four of my social", "SSN last 4 digits", "social's last four".
LAST_FOUR = r"(?:last|final)[\s\-]*(?:four|4)(?:\s+digits)?"
SSN_WORD = r"(?:ssn|ss\#|social(?:\s+security)?|ss|sin)(?:\s+(?:number|no\.?|\#))?"
SSN_PATTERN = _compile(
    rf"(?i)(?<![A-Za-z\d_\-.])\d{{3}}(?:{DASH}|{SPACE}|\.){{1,3}}\d{{2}}(?:{DASH}|{SPACE}|\.){{1,3}}\d{{4}}"
    rf"(?![\w\-]|{SPACE}\d)"
    rf"|\b(?:ssn|ss\#|soc(?:ial)?(?:\s+sec(?:urity)?)?|sin|social\s+insurance|"
    rf"national\s+insurance|ni)(?:\s+(?:number|no\.?|\#))?{FILLER}"
    rf"\K(?:\d(?:{SEP}{{0,2}}\d){{8}}|[A-Z]{{2}}\s?\d{{2}}\s?\d{{2}}\s?\d{{2}}\s?[A-D])(?!\w)"
    rf"|\b{LAST_FOUR}(?:\s+of)?(?:\s+(?:my|the|his|her))?\s*{SSN_WORD}{FILLER}\K\d{{4}}\b"
    rf"|\b{SSN_WORD}(?:['’]s)?[\s(]+{LAST_FOUR}\)?{FILLER}\K\d{{4}}\b"
    rf"|\b{SSN_WORD}\s+(?:ending|ends)(?:\s+(?:in|with))?\s*:?\s*\K\d{{4}}\b"
    rf"|\b{LAST_FOUR}\s*(?:is|are|was|as|=|:)?\s*\K\d{{4}}\b"
    # four digits given as the SSN itself: "my social is 4412", "my ss is 2208"
    # (a whole one has nine)
    rf"|\b(?:ssn|ss|social(?:\s+security)?)(?:\s+(?:number|no\.?|\#))?\s+(?:is|was|=)\s*:?\s*"
    rf"\K\d{{4}}\b(?!{SEP}?\d)"
    rf"|\b\d{{4}}(?=\s+(?:is|are)\s+(?:the\s+)?{LAST_FOUR}(?:\s+of)?(?:\s+(?:my|the))?\s+{SSN_WORD})"
    rf"|(?:\bxxx|(?<![\w*\#•])(?:\*\*\*|\#\#\#|•••))[\-\s]?(?:xx|\*\*|\#\#|••)[\-\s]?\K[x*\#•]{{0,2}}\d{{2,4}}\b"
)
# Near an SSN word and a "last four" cue, in either order, within a clause: any group
# of four digits ("ss 4 digits 9175", "last four 0093 of my social", "5 5 1 2").
# The SSN's name in scripts without word boundaries (Chinese, Korean).
SSN_NAME_CJK = r"社会保障号码?|社安号|社會安全號碼?|사회보장번호"
SSN_CUE = _compile(
    rf"(?i)(?:\b(?:{SSN_WORD}|social\s+security|seguro\s+social|del\s+social)(?:\b|(?=\s?\#))"
    rf"|{SSN_NAME_CJK})"
    rf"(?!\s+(?:workers?|work|media|services?|anxiety|life|history|skills|support|drinker))"
)
LAST_FOUR_CUE = _compile(
    r"(?i)\b(?:last|final)[\s\-]*(?:four|4)\b|\b(?:four|4)\s+(?:last\s+)?(?:digits|numbers|nums)\b"
    r"|\bend(?:s|ing)?\b|\b[úu]ltim[oa]s\s+(?:4|cuatro)\b|\bterminaci[óo]n\b|\btermina\b"
)
# An SSN named outright: four digits near it are its last four in any language
# ("SSN letzte vier Ziffern: 8841", "Bốn số cuối SSN của tôi là 7730").
STRONG_SSN_CUE = _compile(rf"(?i)ssn|ss\#|social\s+security|{SSN_NAME_CJK}")
# "Last four" without an SSN word, when four digits are the next number: patients
# answer the booking line's question ("her last four, she said 9 9 0 2", "last 4 is
# enough so 4437"); not a stretch of time or a count ("the last 4 weeks", "last four MRIs").
LAST_FOUR_ALONE = _compile(
    r"(?i)\b(?:last|final)[\s\-]*(?:four|4)(?:ssn|ss)?\b(?!\s+(?:weeks?|months?|years?|days?|"
    r"hours?|minutes?|times?|nights?|visits?|scans?|mris?|sessions?|appointments?|doses?|pills?)\b)"
)
# Four digits, not a year after a month ("birthday is July 1952"); a dash before
# them only when it stands apart ("ending -7412").
FOUR_DIGITS = _compile(
    rf"(?<![\d/.])(?<![\w]-)(?<![A-Za-z])(?<!(?i:{MONTH}),?{SPACE})"
    rf"\d(?:[ \-]?\d){{3}}(?![\d\-/]| \d)"
)
# Digits told in words (phones, SSNs): "five five five", "nine one one four"; for
# SSNs in Spanish too ("seis uno cuatro").
DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
SPELLED_DIGIT = rf"(?:{DIGIT_WORD}|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)"
# A dash between groups, as a sign or told ("5 nine 7 - 4 four", "6 0 4 dash 3 3").
SPOKEN_DASH = r"(?:\s*[\-–]\s*|\s+(?:dash|hyphen|guion|guión)\s+)"
SPELLED_DIGITS = _compile(
    rf"(?i)\b(?=(?:\d(?:[\s,.]{{1,3}}|{SPOKEN_DASH})){{0,8}}(?:{SPELLED_DIGIT}|(?:dash|hyphen)\b))"
    rf"(?:{SPELLED_DIGIT}|\d)(?:(?:[\s,.]{{1,3}}|{SPOKEN_DASH})(?:{SPELLED_DIGIT}|\d)){{3,10}}\b"
)
# One digit of such a run, in words or as a numeral ("3 zero 7 7").
DIGIT_UNIT = _compile(rf"(?i)\b(?:{SPELLED_DIGIT}|\d)\b")
SPELLED_SSN_DIGITS = frozenset({4, 9})
SSN_WINDOW_BEFORE, SSN_WINDOW_AFTER = 40, 60
# Without a "last four" cue, only four digits this soon after the SSN's name count.
SSN_NAMED_REACH = 25
MAX_SSN_CUES = 20


def _four_digits_named(text: str, after: int) -> list[tuple[int, int]]:
    """The first number after an SSN's name, when it is four digits and no value came
    between ("SSN: 9034", "SSN của tôi là 7730"; not "SSN [SSN], DOB ... 1962")."""
    first = HAS_DIGIT.search(text, after, min(len(text), after + SSN_NAMED_REACH))
    if first is None or "[" in text[after : first.start()]:
        return []
    group = FOUR_DIGITS.match(text, first.start())
    return [group.span()] if group else []


def _replace_ssn_last_four(text: str) -> str:
    """Near an SSN word: four digits with a "last four" cue, and an SSN or its last
    four told in words ("four four one dash two two dash six nine eight zero"); after
    a "last four" alone, the next number when it has four digits."""
    spans: list[tuple[int, int]] = []
    for cue in list(SSN_CUE.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS))[:MAX_SSN_CUES]:
        start = max(0, cue.start() - SSN_WINDOW_BEFORE)
        end = min(len(text), cue.end() + SSN_WINDOW_AFTER)
        if LAST_FOUR_CUE.search(text, start, end):
            spans += [group.span() for group in FOUR_DIGITS.finditer(text, start, end)]
        elif STRONG_SSN_CUE.fullmatch(cue.group()) and text[cue.start() - 1 : cue.start()] != "[":
            spans += _four_digits_named(text, cue.end())
        spans += [
            words.span()
            for words in SPELLED_DIGITS.finditer(text, start, end)
            if len(DIGIT_UNIT.findall(words.group())) in SPELLED_SSN_DIGITS
        ]
    for cue in list(LAST_FOUR_ALONE.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS))[:MAX_SSN_CUES]:
        spans += _four_digits_named(text, cue.end())
        spans += [
            words.span()
            for words in SPELLED_DIGITS.finditer(text, cue.end(), cue.end() + SSN_NAMED_REACH)
            if len(DIGIT_UNIT.findall(words.group())) == 4
        ]
    apart: list[tuple[int, int]] = []
    for span in sorted(set(spans)):
        if not apart or span[0] >= apart[-1][1]:
            apart.append(span)
    return replace_spans(text, apart, SSN)


MRN_PATTERN = _compile(
    rf"(?i)\b(?:(?:{MRN_LABELS})(?![\w])(?:{NUMBER_WORD})?|(?:{WEAK_MRN_LABELS}){NUMBER_WORD})"
    rf"{FILLER}\K{ID_VALUE}"
)
# A weak label counts without "number" when five digits follow ("group 774455").
FIVE_DIGITS_AHEAD = r"\s*[:#]?\s*(?=[A-Za-z0-9]{0,6}(?:[\- ][A-Za-z0-9]{1,6}){0,2}[\- ]?\d{5})"
ID_PATTERN = _compile(
    rf"(?i)\b(?:(?:{ID_LABELS})(?![\w])(?:{NUMBER_WORD})?|(?:{WEAK_ID_LABELS}){NUMBER_WORD}"
    rf"|(?:{WEAK_ID_LABELS}){FIVE_DIGITS_AHEAD}){FILLER}\K{ID_VALUE}"
)
# Medicare Beneficiary Identifier (1EG4-TE5-MK73) and letter+digit codes with at
# least five digits (W123456789); vertebral levels and field strengths have fewer.
CODE_PATTERN = _compile(
    rf"(?<![\w\-])[1-9][A-Za-z][A-Za-z0-9]\d{DASH}?[A-Za-z][A-Za-z0-9]\d{DASH}?[A-Za-z]{{2}}\d\d(?![\w\-])"
    r"|(?<![\w\-])[A-Za-z]{1,4}\d{5,20}(?![\w\-])"
    # capitals and digits in dashed groups, five digits at least: "2026-A-0091847"
    r"|(?<![\w\-])(?=[A-Z0-9\-]{8,30}(?![\w\-]))(?=[A-Z\-]*\d(?:[A-Z\-]*\d){4})"
    r"(?=[0-9\-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)+(?![\w\-])"
)

DATE_SEP = rf"(?:{DASH}|[/.])"
NUMERIC_DATE = (
    rf"(?<![\w.\-/])(?:(?:[0-2]?\d|3[01]){DATE_SEP}(?:[0-2]?\d|3[01]){DATE_SEP}(?:\d{{4}}|\d{{2}})"
    rf"|\d{{4}}{DATE_SEP}\d{{1,2}}{DATE_SEP}\d{{1,2}})(?![\w\-/]|\.\d)"
)
WORD_SEP = rf"(?:{SPACE}|{DASH}|,){{1,3}}"
ANY_YEAR = rf"(?:{YEAR}|{YEAR_WORDS})"
DAY_NUMBER = r"[0-3]?\d(?:st|nd|rd|th)?"
CAPITAL_MONTH = (
    r"(?-i:(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?)"
)
NOT_DURATION = rf"(?!{SPACE}*(?:weeks?|days?|months?|years?|hours?|minutes?|mg|ml|times?)\b)"
# "14-Mar-1961", "3rd of April 1975", "14 March" (capitalised), "3/14/1961".
# "14 of March", "3 de mayo de 1970"
OF = r"(?:of|de|del)"
DAY_THEN_WORD = rf"\b(?={DAY_NUMBER}{WORD_SEP}(?:{OF}{SPACE}+)?\p{{L}})"
DIGIT_LED_DATE = (
    rf"{NUMERIC_DATE}"
    rf"|{DAY_THEN_WORD}(?:{DAY_NUMBER}{WORD_SEP}(?:{OF}{SPACE}+)?{MONTH}{WORD_SEP}"
    rf"(?:{OF}{SPACE}+)?(?:{ANY_YEAR}|\d\d)\b"
    rf"|{DAY_NUMBER}{SPACE}+(?:of{SPACE}+)?{CAPITAL_MONTH}\b"
    rf"(?!{SPACE}+\p{{Lu}}\p{{L}}+{SPACE}+(?i:{STREET_TYPE}|{CAPITALISED_STREET_TYPE})\b))"
    # year first: "1963 march 21"
    rf"|\b(?:19|20)\d\d{WORD_SEP}{MONTH}{WORD_SEP}{DAY_NUMBER}\b"
)
# "March 14, 1961", "March 1961", "the fourteenth of March", "Jan 5" (capitalised).
LETTER_LED_DATE = (
    rf"\b{MONTH}{WORD_SEP}(?:the{SPACE}+)?{DAY}{WORD_SEP}{ANY_YEAR}\b"
    rf"|\b(?:the{SPACE}+)?{ORDINAL_WORD}{WORD_SEP}(?:of{SPACE}+)?{MONTH}(?:{WORD_SEP}{ANY_YEAR})?\b"
    rf"|\b{MONTH}(?:{SPACE}|,){{1,3}}(?:of{SPACE}+)?{YEAR}\b"
    rf"|\b{CAPITAL_MONTH}{SPACE}+{DAY_NUMBER}\b{NOT_DURATION}"
)
# After a birth cue even a year, "14/03" or "031461" is a date of birth.
BIRTH_DATE = (
    rf"\b{BIRTH_CUE}{FILLER}\K(?:(?:{DIGIT_LED_DATE}|{LETTER_LED_DATE})"
    rf"|{YEAR}(?!{DATE_SEP}?\d)|{YEAR_WORDS}|\d{{6,8}}\b"
    rf"|[0-3]?\d(?:{DATE_SEP}|{SPACE})[01]?\d(?:(?:{DATE_SEP}|{SPACE})\d{{2,4}})?\b"
    rf"|{DAY}(?:{SPACE}+of)?{SPACE}+{MONTH}(?:,?{SPACE}+{ANY_YEAR})?\b"
    rf"|{MONTH}{SPACE}+{DAY}(?:,?{SPACE}+{ANY_YEAR})?\b"
    # any words up to a year: "17.III.1956", "5 Ekim 1947", "Christmas Eve 1950"
    rf"|(?:[\p{{L}}\p{{M}}\d'’]{{1,12}}(?:{SPACE}|[.,/\-]){{1,3}}){{1,8}}?(?:19|20)\d\d\b)"
    # "born in the spring of 1961": a year within five words of "born"
    rf"|\bborn(?:{SPACE}+[\p{{L}}',]{{1,15}}){{1,5}}?{SPACE}+\K{YEAR}\b"
)
# Each branch starts with a check of its first characters: the regex module tries
# every alternative at every position otherwise.
# Chinese, Japanese and Korean dates, with no word boundary before them ("出生于1958年10月3日",
# "1962년 5월 3일", "昭和25年4月1日").
CJK_DATE = (
    r"(?<!\d)(?:\d{4}|(?:昭和|平成|令和|大正)\d{1,2})\s?[年년]\s?[01]?\d\s?[月월]"
    r"(?:\s?[0-3]?\d\s?[日일])?"
)
DATE_PATTERN = _compile(
    rf"(?i)\b(?:(?=\p{{L}})(?:{BIRTH_DATE}|{LETTER_LED_DATE})|(?=\d)(?:{DIGIT_LED_DATE}))"
    rf"|{CJK_DATE}"
)

STREET_NUMBER = (
    rf"(?<![\w\-/.])(?:\d{{1,5}}[A-Za-z]?(?:{DASH}\d{{1,5}})?/)?\d{{1,6}}[A-Za-z]?"
    rf"(?:{DASH}\d{{1,5}}[A-Za-z]?)?"
)
STREET_WORD = r"(?:\p{L}[\p{L}'’.\-]{0,30}|\d{1,3}(?:st|nd|rd|th))"
# Street types that come first: "12 Rue de la Paix", "5 Via Roma", "10 Calle Mayor".
LEADING_STREET_TYPE = (
    r"(?i:rue|avenue|av\.|boulevard|bd|via|viale|calle|avenida|rua|chemin|impasse|allée|quai|"
    r"piazza|plaza|carrer|paseo|strada)"
)
US_STYLE_ADDRESS = (
    rf"{STREET_NUMBER},?{SPACE}{{1,2}}(?P<words>(?:{STREET_WORD}{SPACE}{{1,2}}){{1,4}})"
    rf"(?:(?i:{STREET_TYPE})|{CAPITALISED_STREET_TYPE}|(?-i:STREET|DRIVE|COURT|WAY|PLACE))\b\.?"
    rf"(?:{SPACE}(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\b\.?)?{LOCALITY}"
)
DE_STYLE_ADDRESS = (
    rf"(?:\p{{Lu}}[\p{{L}}\-]{{1,30}}(?i:{DE_STREET})|(?:\p{{Lu}}[\p{{L}}\-]{{1,30}}{SPACE}){{1,2}}"
    rf"(?:Stra(?:ss|ß)e|Str\.|Weg|Gasse|Allee|Platz|Ring|Damm|Ufer|Chaussee|Markt)"
    rf"|(?:Am|An{SPACE}der|An{SPACE}den|Im|In{SPACE}der|Auf{SPACE}der|Zum|Zur|Unter{SPACE}den)"
    rf"{SPACE}\p{{Lu}}[\p{{L}}\-]{{1,30}})"
    rf"{SPACE}{{1,2}}\d{{1,4}}{SPACE}?[a-z]?\b"
    # the building and floor: ", Hinterhaus 2. OG", ", 3. Stock"
    rf"(?:,?{SPACE}{{1,2}}(?:(?:Hinterhaus|Vorderhaus|Seitenflügel|Gartenhaus|Hof),?{SPACE}{{1,2}})?"
    rf"\d{{1,2}}\.?{SPACE}?(?:OG|EG|UG|DG|Stock|Etage)\b)?"
    rf"(?:,{SPACE}{{0,2}}(?:[DA]{DASH})?\d{{4,5}}{SPACE}+{CITY})?"
)
# "27 Kingsway, Cardiff CF10 3AT": no street type, but a town and a postcode follow.
POSTCODED_ADDRESS = (
    rf"{STREET_NUMBER}{SPACE}{{1,2}}(?:{CAPITALISED}{SPACE}{{1,2}}){{0,3}}{CAPITALISED},{SPACE}{{0,2}}"
    rf"{CAPITALISED}(?:{SPACE}{CAPITALISED}){{0,2}},?{SPACE}{{1,2}}"
    rf"(?:(?:{US_STATE}|{CA_PROVINCE}|{AU_STATE}){SPACE}{{1,2}})?{POSTCODE_ANY}\b"
)
BOX_OR_UNIT = (
    rf"(?i:\b(?:p\.?{SPACE}?o\.?|post{SPACE}+office|gpo|locked\s+bag|pmb){SPACE}*box{SPACE}*\#?\d{{1,7}}"
    rf"(?:{DASH}\d{{5}})?)"
    rf"{LOCALITY}"
    rf"|(?i:\bpostfach{SPACE}+\d{{1,7}}(?:{SPACE}\d{{2,4}}){{0,3}})"
    rf"|(?i:\b(?:apt|apartment|unit|suite|ste|flat)\.?{SPACE}*\#?{SPACE}*\d{{1,5}}[A-Za-z]?\b)"
)
LEADING_TYPE_ADDRESS = (
    rf"{STREET_NUMBER},?{SPACE}{{1,2}}{LEADING_STREET_TYPE}"
    rf"(?:{SPACE}{{1,2}}{STREET_WORD}){{1,4}}{LOCALITY}"
)
# A capitalised street type first, then the house number: "Calle Mayor 23", "Via Roma
# 17", "Rua das Flores, 123", "Carrera 7 # 45-20".
CAPITALISED_LEADING_TYPE = (
    r"(?:Rue|Avenue|Av\.|Avda\.|Boulevard|Via|Viale|Calle|Carrera|Diagonal|Transversal|"
    r"Avenida|Rua|Chemin|Impasse|Allée|Quai|Piazza|Plaza|Carrer|Paseo|Strada|Ulica|ul\.|Ul\.|"
    r"Jl\.|Jalan)"
)
TYPE_THEN_NUMBER_ADDRESS = (
    rf"{CAPITALISED_LEADING_TYPE}(?:{SPACE}{{1,2}}{STREET_WORD}){{0,4}},?{SPACE}{{1,2}}"
    rf"(?:[Nn][º°o]\.?{SPACE}?)?\d{{1,5}}[A-Za-z]?(?:/\d{{1,4}})?"
    rf"(?:{SPACE}?\#{SPACE}?\d{{1,3}}{DASH}\d{{1,3}})?\b{LOCALITY}"
)
# In lower case, a street type that is also an ordinary word ("drive", "court") or a
# route number counts when a town and a ZIP code follow: "4417 magnolia drive, baton
# rouge la 70808", "722 county road 14 fairhope al 36532".
ZIPPED_LOWER_CASE_ADDRESS = (
    rf"{STREET_NUMBER},?{SPACE}{{1,2}}(?:{STREET_WORD}{SPACE}{{1,2}}){{1,4}}"
    rf"(?i:{STREET_TYPE}|{CAPITALISED_STREET_TYPE})\b\.?(?:{SPACE}\d{{1,4}}\b)?"
    rf"(?i:,?{SPACE}{{1,2}}(?:apt|apartment|unit|suite|ste|\#)\.?{SPACE}*\#?\w{{1,6}})?"
    rf"(?:,?{SPACE}{{1,2}}\p{{Ll}}[\p{{L}}'\-]{{1,20}}){{1,3}}?"
    rf"(?:,?{SPACE}{{1,2}}(?i:{US_STATE}))?,?{SPACE}{{1,2}}{US_ZIP}\b"
)
# A street number is followed by a word within a few characters: checked first, so
# that runs of digits ("1 1 1 …") cost one step a position, not one per alternative.
NUMBER_THEN_WORD = (
    rf"(?<![\w\-/.])(?=[\d/\-]{{1,13}}[A-Za-z]?,?{SPACE}{{1,2}}"
    r"(?:\p{L}|\d{1,3}(?:st|nd|rd|th)))"
)
ADDRESS_PATTERN = _compile(
    rf"{NUMBER_THEN_WORD}(?:{ZIPPED_LOWER_CASE_ADDRESS}|{US_STYLE_ADDRESS}|{LEADING_TYPE_ADDRESS}"
    rf"|{POSTCODED_ADDRESS})"
    rf"|(?=\p{{L}})(?:{DE_STYLE_ADDRESS}|{BOX_OR_UNIT}|{TYPE_THEN_NUMBER_ADDRESS})"
)
# US states whose two letters are no English word, so also in lower case ("hazard ky 41701").
LOWER_CASE_STATE = (
    r"ak|ar|az|ca|ct|dc|fl|ga|ia|il|ks|ky|md|mi|mn|mo|ms|mt|nc|nd|nh|nj|nm|nv|ny|pr|ri|sd|tn|"
    r"tx|ut|va|vt|wi|wv|wy"
)
POSTCODE_PATTERN = _compile(
    # "02-520 Warszawa" (Poland), "Bengaluru 560038" (India): digits after a space
    rf"(?<={SPACE})(?=\d)(?:\d\d{DASH}\d{{3}}(?={SPACE}{{1,2}}{TOWN})"
    # "4050-262 Porto" (Portugal)
    rf"|\d{{4}}{DASH}\d{{3}}(?={SPACE}{{1,2}}{TOWN})"
    rf"|(?<=(?:{TOWN}|\[ADDRESS\]),?{SPACE}{{1,2}})(?:\d{{6}}|\d{{3}}{DASH}\d{{4}})\b(?![\-/])"
    rf"|(?<=,{SPACE}{{0,2}})\d{{5}}{DASH}\d{{3}}\b)"
    rf"|(?=[A-Za-z,])(?:\b{UK_POSTCODE}\b|\b{CA_POSTCODE}\b|\b{EIRCODE}\b"
    rf"|\b(?:{US_STATE}|{AU_STATE}|{CA_PROVINCE}){SPACE}{{1,2}}\K(?:{US_ZIP}|\d{{4}})\b"
    rf"|\b(?:{LOWER_CASE_STATE}){SPACE}{{1,2}}\K{US_ZIP}\b"
    rf"|\b(?:APO|FPO|DPO){SPACE}{{1,2}}(?:AE|AP|AA){SPACE}{{1,2}}\K\d{{5}}\b"
    rf"|(?i:\b(?:zip|zip\s+code|zipcode|postcode|post\s+code|postal\s+code|plz|c\.\s?p\.)"
    rf"{FILLER}\K"
    rf"(?:{US_ZIP}|\d{{4}}|[a-z]{{1,2}}\d[a-z\d]?\s?\d[a-z]{{2}}|[a-z]\d[a-z]\s?\d[a-z]\d))\b"
    rf"|,{SPACE}{{0,2}}\K(?!(?:19|20)\d\d\b)(?:D{DASH})?\d{{4,5}}(?={SPACE}+\p{{Lu}}\p{{L}}))"
)

# What a text must contain for a pattern to match at all (stdlib `re`, one pass).
HAS_DIGIT = re.compile(r"\d")
HAS_AT_SIGN = re.compile("[@＠]")
HAS_SPELLED_AT = re.compile(
    r"(?i)[\s(\[{<'\"‘“](?:at|arroba|arobase|chiocciola|@)[\s)\]}>'\"’”]|\s@|@\s|＠|\(a\)"
)
HAS_DATE_WORD = re.compile(
    r"\d|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|first|second|third|th\b|teen)"
)

# A run of digits and phone punctuation; phonenumbers decides what in it is a number.
# Separators that phonenumbers does not read, used when a key is missing ("503*555*0172").
ODD_PHONE_SEPARATORS = "_~*·•"
PHONE_CANDIDATE = _compile(
    rf"(?<![\w+])(?:\+|00)?(?:\(\d{{1,5}}\)|\d)(?:(?:{SEP}|[()_~*·•]){{0,3}}+\d)*+"
    rf"(?:,?{SPACE}*(?:ext\.?|extension|x){SPACE}*\d{{1,5}})?"
)
PHONE_REGIONS = ("US", "GB", "DE", "AU")
# "five five five, one two three, four five six seven"
# ... or three or more such words before digits: "five five five 014 2239"
SPELLED_PHONE_PATTERN = _compile(
    rf"(?i)\b{DIGIT_WORD}(?:[\s,.\-]{{1,3}}{DIGIT_WORD}){{6,14}}\b"
    rf"|\b{DIGIT_WORD}(?:[\s,.\-]{{1,3}}{DIGIT_WORD}){{2,14}}"
    rf"(?:[\s,.\-]{{1,3}}(?:\[PHONE\]|\d{{1,4}}\b))++"
)
HAS_DIGIT_WORD = re.compile(rf"(?i)\b{DIGIT_WORD}\b")
PHONE_MIN_DIGITS, PHONE_MAX_DIGITS = 7, 15
# phonenumbers takes ~0.5 ms a run: a text with more runs is not a patient's message.
PHONE_MAX_VALIDATIONS = 50
PHONE_CUE = _compile(
    r"(?i)\b(?:phone|tel|telephone|mobile|cell|cellphone|number|call|ring|text|txt|"
    r"whatsapp|fax|contact|reach|handy|nummer)\b"
)


def _has_digit(value: str) -> bool:
    return any(character.isdigit() for character in value)


def _digit_count(value: str) -> int:
    return sum(character.isdigit() for character in value)


def _trim_id_value(value: str) -> str:
    """The identifier at the start of a labelled value: its groups up to the first
    that is a word ("12345 and 2 scans" -> "12345"), up to the last with a digit;
    nothing when the value starts with a word."""
    groups = regex.split(rf"((?:[ \-./]|{DASH}){{1,2}})", value)
    if _is_plain_word(groups[0]):
        return ""
    kept = groups[:1]
    for separator, group in zip(groups[1::2], groups[2::2], strict=True):
        if not (_has_digit(group) or group.isupper()):
            break
        kept += [separator, group]
    while kept and not _has_digit(kept[-1]):
        kept = kept[:-2]
    return "".join(kept)


def _is_plain_word(group: str) -> bool:
    """A lower-case word of three letters or more opens no identifier: after "order"
    comes "say CPT 72148", a billing code, not an order number."""
    return len(group) >= 3 and group.isalpha() and group.islower()


def _labelled_value(placeholder: str) -> Callable[[regex.Match[str]], str]:
    """The identifier at the start of a labelled value; the rest of the match stays,
    to be read again by the next pass, since it may hold the next label ("ID
    YRX902184733 group 70021")."""

    def replace(match: regex.Match[str]) -> str:
        value = _trim_id_value(match.group())
        if not value:
            return match.group()
        return placeholder + match.group()[len(value) :]

    return replace


def _is_unread_identifier(candidate: str, digits: int) -> bool:
    """A run that is no phone number but long enough to identify someone (an SSN or
    member number typed without its label); not a range of years ("2015-2019")."""
    return digits >= 9 or (digits == 8 and candidate.isdigit())


READABLE_SEPARATORS = str.maketrans(ODD_PHONE_SEPARATORS, "-" * len(ODD_PHONE_SEPARATORS))


def _phone_spans(candidate: str) -> list[tuple[int, int]]:
    """Spans of phone numbers in a run of digits, read as a number of the region of
    PHONE_REGIONS that covers the most digits ("0151 12345678" is German, not US)."""
    readable = candidate.translate(READABLE_SEPARATORS)  # same length: the spans hold
    readings = [
        [
            (match.start, match.end)
            for match in phonenumbers.PhoneNumberMatcher(
                readable, region, leniency=phonenumbers.Leniency.POSSIBLE
            )
            if PHONE_MIN_DIGITS <= _digit_count(match.raw_string) <= PHONE_MAX_DIGITS
        ]
        for region in PHONE_REGIONS
    ]
    return max(readings, key=lambda spans: sum(_digit_count(candidate[a:b]) for a, b in spans))


Replacement = str | Callable[[regex.Match[str]], str]


def replace_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    """Each span (sorted, apart) replaced by the placeholder, in one pass."""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], placeholder]
        last = end
    return "".join([*pieces, text[last:]])


def until_stable(step: Callable[[str], str], passes: int) -> Callable[[str], str]:
    """The step applied again to its own result until nothing changes (at most
    `passes` times): what one pass joins or uncovers may let the next find more."""

    def apply(text: str) -> str:
        for _ in range(passes):
            changed = step(text)
            if changed == text:
                break
            text = changed
        return text

    return apply


def replace_matches(pattern: regex.Pattern[str], replacement: Replacement, text: str) -> str:
    """Like ``pattern.sub``, but only the matching is under the time limit: work done
    for a match (loading a word list, asking phonenumbers) cannot time it out."""
    matches = list(pattern.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS))
    if not matches:
        return text
    pieces, last = [], 0
    for match in matches:
        pieces.append(text[last : match.start()])
        pieces.append(replacement if isinstance(replacement, str) else replacement(match))
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _replace_phone(text: str) -> str:
    """Runs of 7 to 15 digits that phonenumbers reads as a number, or that follow a
    phone cue, become [PHONE]; longer runs [ID]. After PHONE_MAX_VALIDATIONS runs in
    one text, every further run of 7 to 15 digits is taken for a number unread."""
    validations = 0

    def replace(match: regex.Match[str]) -> str:
        nonlocal validations
        candidate = match.group()
        digits = _digit_count(candidate)
        if digits < PHONE_MIN_DIGITS:
            return candidate
        if digits > PHONE_MAX_DIGITS:
            return ID
        validations += 1
        if validations > PHONE_MAX_VALIDATIONS:
            return PHONE
        spans = _phone_spans(candidate)
        if not spans:
            if PHONE_CUE.search(text, max(0, match.start() - 40), match.start()):
                return PHONE
            return ID if _is_unread_identifier(candidate, digits) else candidate
        for start, end in reversed(spans):
            candidate = candidate[:start] + PHONE + candidate[end:]
        return candidate

    if not HAS_DIGIT.search(text):
        return text
    return replace_matches(PHONE_CANDIDATE, replace, text)


def _substitute(
    needs: re.Pattern[str], pattern: regex.Pattern[str], replacement: Replacement
) -> Callable[[str], str]:
    """A step that runs the pattern only over texts with what it needs (a digit, an "@"):
    a scan for one character class is ~20x cheaper than a pattern's scan."""

    def apply(text: str) -> str:
        return replace_matches(pattern, replacement, text) if needs.search(text) else text

    return apply


def _replace_cued_address(text: str) -> str:
    """What follows "my address is", "I live at", "send it to" up to the end of the
    clause, when it starts as an address does ("12 Hillcrest, Dayton 45402")."""
    pieces, last = [], 0
    for cue in list(ADDRESS_CUE.finditer(text, timeout=PATTERN_TIMEOUT_SECONDS)):
        if cue.start() < last:
            continue
        window = text[cue.end() : cue.end() + ADDRESS_MAX_CHARS]
        end = ADDRESS_END.search(window, timeout=PATTERN_TIMEOUT_SECONDS)
        value = window[: end.start() if end else len(window)].rstrip(" ,")
        if ADDRESS_START.match(value) and LETTERS.search(value):
            pieces += [text[last : cue.end()], ADDRESS]
            last = cue.end() + len(value)
    return "".join([*pieces, text[last:]]) if pieces else text


def _ends_sentence(word: str) -> bool:
    """ "weeks." of "12 weeks. Dr. Okonkwo": a word with a full stop, longer than an
    abbreviation ("St.", "Ave.", "N.")."""
    return word.endswith(".") and len(word) > 4


def _valid_address(match: regex.Match[str]) -> str:
    """An address unless a street word is medical or a stop word
    ("2 spine CT scans", "3 miles on the road")."""
    words = (match.group("words") or "").split()
    if any(is_medical(word) or is_stop_word(word) or _ends_sentence(word) for word in words):
        return match.group()
    return ADDRESS


ADDRESS_CUE = _compile(
    r"(?i)\b(?:i\s+live\s+(?:at|on)|we\s+live\s+(?:at|on)|(?:i|we)\s+live\s+(?=\d)|"
    r"(?:home|dirección|direccion|domicilio|adres|adresse|anschrift|indirizzo|endereço|"
    r"endereco)\s*:|(?:mi|su|la)\s+direcci[oó]n\s+es|vivo\s+en|abito\s+(?:in|a)|wohne\s+in|j['’]habite\s+(?:au|à)|"
    r"moro\s+(?:na|no|em)|mieszkam\s+(?:na|przy|w)|"
    r"(?:my|our|home|mailing|postal|street|billing|current|new|delivery)\s+address"
    r"(?:\s+(?:is|was))?|address\s*(?:is|:)|reside\s+at|living\s+at|staying\s+at|"
    r"(?:i|we)\s+stay\s+at|nakatira\s+(?:po\s+)?sa|address\s+ko\s+(?:po\s+)?ay|"
    r"(?:send|mail|post|ship|deliver)\s+(?:it|them|this|that|the\s+\w{1,15}|mail|letters?|"
    r"results?|a\s+copy|my\s+\w{1,15})\s+to|delivered\s+to)\s*[:\-]?\s*"
)
# The end of an address after a cue: a sentence end (not the dot of "St." or "P.O."),
# a new line, or a word that starts another clause.
ADDRESS_END = _compile(
    r"(?i)(?<!\b(?:st|rd|ave|av|dr|ln|blvd|ct|apt|ste|n|s|e|w|ne|nw|se|sw|p|o|no|mt|ft|pl|sq|"
    r"hwy|str|nr|bd|cres|pde|esp|jr|sr|col|ul|av|co|brgy|blk|subd|fracc|bldg|boul|[a-z]))"
    r"[.?!;](?=\s|$)|\n|"
    r"[ \t,]+(?:and|but|so|because|if|when|for|can|could|will|would|do|does|should|please|"
    r"thanks|thank|which|where|is|am(?!\s(?-i:\p{Lu}))|are|"
    r"i|i'm|my|what|how|since|until|before|after)\b"
)
ADDRESS_MAX_CHARS = 120
LETTERS = _compile(r"\p{L}{2}")
# What an address after a cue starts with: a house number, a flat, unit or box, or
# a capitalised name that a number or a street type follows ("Rose Cottage, 4 Mill Lane").
ADDRESS_START = _compile(
    rf"\d|(?i:(?:flat|unit|apt|apartment|suite|ste|p\.?\s?o\.?|box|gpo|rr|postfach|"
    rf"house|building|bldg|plot|lot|blk|block|purok|brgy|casilla|privada)\b)|\p{{Lu}}[^\n]{{0,60}}?(?:\d|\b(?i:{STREET_TYPE})\b|"
    rf"\b(?:{CAPITALISED_STREET_TYPE})\b|(?i:{DE_STREET})\b)"
)

# Around a postcode: the words of an address ("RR 2 Box 118, Millersburg, OH [POSTCODE]").
ADDRESS_TOKEN = _compile(r"\[[A-Z]{2,9}\]|[\p{L}\p{M}\d][\p{L}\p{M}\d'’ºª°\-/]*\.?|,|[^\s\w]")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# The words an address may start with (besides a number), in any case.
ADDRESS_STARTS = _word_set(
    "rr hc route rural box po p.o. pmb site lot unit apt apt. apartment flat suite ste "
    "no no. nr nr. ul ul. ulica calle via viale av av. avenida rua rue strada piazza "
    "plaza carrer paseo house bldg building plot wohnung whg whg. piso puerta bloque "
    "apto apto. depto depto. dpto dpto. carrera casa lote manzana psc cmr jl jl. jalan rm "
    "app app. general delivery casilla al. aleja os. osiedle purok brgy brgy. barangay "
    "blk blk. sitio"
)
# ... and the further words it may have, in any case.
ADDRESS_WORDS = ADDRESS_STARTS | _word_set(
    "comp trlr ste. floor fl fl. cross main road rd rd. street st st. avenue ave ave. "
    "lane ln boulevard blvd highway hwy col col. colonia sector block blk km drive dr "
    "dr. court ct way co. co county phase lok lok. m. izquierda izq izq. derecha dcha dcha. "
    "bajo piso int int. interior esc esc. escalera conj conj. conjunto sala andar bloco "
    "phường phuong quận quan huyện xã thôn ấp tp tp."
)
# Joining words inside a town or street name: "Ciudad de México", "Newcastle upon Tyne".
PLACE_PARTICLES = _word_set("de del la da do dos das di am an der im upon on sur en y")
ADDRESS_WINDOW = 160
MAX_ADDRESS_TOKENS = 24
MAX_LOWER_CASE_WORDS = 3
ANCHOR = _compile(r"\[(?:POSTCODE|ADDRESS)\]")
INITIAL = _compile(r"\p{Lu}\.")
# Between the parts of an address: "Carrera 7 # 45-20", "São Paulo - SP", "Çankaya/Ankara".
JOINERS = frozenset({",", "-", "/", "#", "–", "(", ")", "&"})
# Street and building words that a name comes before ("Main Street", "Admiralty Way",
# "Sunrise Manor, 3450 Lamb Blvd").
STREET_WORDS = _word_set(
    "street st st. road rd rd. avenue ave ave. lane ln boulevard blvd way drive dr dr. court "
    "ct crescent close place terrace highway hwy manor lodge cottage house hall tower towers "
    "apartments residences residence villa villas mansions heights estate farm home homes "
    "living care shelter rehab hospice center centre village community"
)
# A care home's kind, which patients type in lower case too: "Sunny Acres nursing home,
# 1200 Meadowlark Rd", "The Willows memory care, 88 Stony Brook Way".
FACILITY_WORDS = _word_set(
    "nursing memory residential assisted senior retirement rest care home living hospice "
    "residence center centre village community lodge manor"
)
MAX_STREET_NAME_WORDS = 3
MAX_ADDRESS_PASSES = 3
# After an address: how many tokens may still belong to it ("/2/14, [POSTCODE] Wien, Österreich").
ADDRESS_END_TOKENS = 8
# Labelled values one after the other: "ID ... group ... plan ...".
LABEL_PASSES = 4


# A flat or house number led by a letter: "B-204", "A12".
LETTERED_NUMBER = _compile(r"\p{Lu}{1,2}[\-/]?\d{1,5}[A-Za-z]?")


def _is_number(token: str) -> bool:
    return (
        token[:1].isdigit()
        or token.startswith(("[ADDRESS]", "[POSTCODE]"))
        or LETTERED_NUMBER.fullmatch(token) is not None
    )


def _is_medical_code(token: str) -> bool:
    """ "MRI", "L4-L5", "3T": a medical term in capitals or with a digit (not "View")."""
    word = token.rstrip(".")
    return not word.istitle() or any(c.isdigit() for c in word) if is_medical(word) else False


def _house_number_at(tokens: list[regex.Match[str]], index: int) -> bool:
    """A house number (not an earlier placeholder) at index: "Storgata 12"."""
    return index < len(tokens) and tokens[index].group()[:1].isdigit()


def _address_start(tokens: list[regex.Match[str]]) -> int | None:
    """Going back from the token before a postcode or an address, the index of the
    furthest token an address can start with (a number, "RR", "Flat", "Calle", the
    name before "Street" or before a care home's kind, "Sunny Acres nursing home"...),
    or None. Capitalised words, numbers, joiners and
    address words may come between, and up to three lower-case words (a town typed
    in lower case); a sentence's end or a medical term ("MRI", "L4-L5") stops it."""
    start, lower_case_words, street_name_words = None, 0, 0
    for index in range(len(tokens) - 1, max(-1, len(tokens) - 1 - MAX_ADDRESS_TOKENS), -1):
        token = tokens[index].group()
        folded = token.casefold()
        if token in JOINERS:
            continue
        abbreviation = folded in ADDRESS_WORDS or INITIAL.fullmatch(token)
        if (token.endswith(".") and not abbreviation) or _is_medical_code(token):
            break
        # a name's word, or a care home's kind in lower case ("nursing home")
        name_word = token[:1].isupper() or folded in FACILITY_WORDS
        if name_word and folded in STREET_WORDS:
            street_name_words = MAX_STREET_NAME_WORDS
        elif name_word and (street_name_words or _house_number_at(tokens, index + 1)):
            # the name before "Street", or before the house number ("Storgata 12")
            street_name_words = max(0, street_name_words - 1)
            start = index
            continue
        else:
            street_name_words = 0
        if _is_number(token) or folded in ADDRESS_STARTS:
            start = index
        elif token[:1].isupper() or folded in ADDRESS_WORDS or folded in PLACE_PARTICLES:
            continue
        elif token[:1].isalpha() and lower_case_words < MAX_LOWER_CASE_WORDS:
            lower_case_words += 1
        else:
            break
    return start


def _address_end(text: str, position: int, town_needs_comma: bool) -> int:
    """After a postcode or an address: house numbers, the town and a state or country
    ("02-520 Warszawa", "03940 Ciudad de México, CDMX", "Phase 1, Lagos"), up to the
    sentence's end. After an address, a town must follow a comma or "in" ("6 Elm St
    in Waukegan"; not "... Road Can you", "... in May")."""
    end, after_comma = position, not town_needs_comma
    tokens = list(ADDRESS_TOKEN.finditer(text, position, position + ADDRESS_WINDOW))
    for token in tokens[:ADDRESS_END_TOKENS]:
        word = token.group()
        if word == "," or (word == "in" and end == position):
            after_comma = True
            continue
        if after_comma and INITIAL.fullmatch(word):  # "Tijuana, B.C., Mexico"
            end = token.end()
            continue
        town = (word[:1].isupper() or word in PLACE_PARTICLES) and after_comma
        town = town and word.casefold() not in NEVER_NAMES
        if word.casefold() in ADDRESS_WORDS:
            end = token.end()  # "4º izquierda, Madrid 28001"
            continue
        if word.endswith(".") or not (town or _is_number(word)):
            last_word = word.endswith(".") and ((len(word) > 2 and town) or _is_number(word))
            if last_word:  # "..., Madrid 28001." or "..., Leeds."
                end = token.end() - 1
            break
        end = token.end()
    return end


def _join_address_once(text: str) -> str:
    """A postcode or an address and the address words around it become one
    [ADDRESS], when a house number, a box or a street's name starts it."""
    pieces, last = [], 0
    for anchor in list(ANCHOR.finditer(text)):
        if anchor.start() < last:
            continue
        window_start = max(last, anchor.start() - ADDRESS_WINDOW)
        tokens = list(ADDRESS_TOKEN.finditer(text, window_start, anchor.start()))
        start = _address_start(tokens)
        end = _address_end(text, anchor.end(), anchor.group() == ADDRESS)
        if start is None and (anchor.group() != ADDRESS or end == anchor.end()):
            continue  # a postcode alone, or an address that does not grow
        begin = tokens[start].start() if start is not None else anchor.start()
        pieces += [text[last:begin], ADDRESS]
        last = end
    return "".join([*pieces, text[last:]]) if pieces else text


DIGIT_WORD_PATTERN = _compile(rf"(?i)\b{DIGIT_WORD}\b")


def _spelled_phone(match: regex.Match[str]) -> str:
    """A phone number when its words and digits make at least seven digits."""
    value = match.group()
    digits = len(DIGIT_WORD_PATTERN.findall(value)) + _digit_count(value)
    return PHONE if digits >= PHONE_MIN_DIGITS or PHONE in value else value


# Applied in this order: specific before generic, so that a date is not taken
# for a phone number nor an SSN for a date.
STRUCTURED_STEPS: tuple[Callable[[str], str], ...] = (
    _substitute(HAS_AT_SIGN, EMAIL_PATTERN, EMAIL),
    _substitute(HAS_SPELLED_AT, SPELLED_EMAIL_PATTERN, EMAIL),
    _substitute(HAS_DIGIT, SSN_PATTERN, SSN),
    _replace_ssn_last_four,
    # again until stable: a label may follow a value ("... 4471-882-019 group # 88012")
    until_stable(_substitute(HAS_DIGIT, MRN_PATTERN, _labelled_value(MRN)), LABEL_PASSES),
    until_stable(_substitute(HAS_DIGIT, ID_PATTERN, _labelled_value(ID)), LABEL_PASSES),
    _substitute(HAS_DIGIT, CODE_PATTERN, ID),
    _substitute(HAS_DATE_WORD, DATE_PATTERN, DATE),
    _replace_cued_address,
    _substitute(HAS_DIGIT, ADDRESS_PATTERN, _valid_address),
    _substitute(HAS_DIGIT, POSTCODE_PATTERN, POSTCODE),
    # again until stable, so that parts found apart join up ("[ADDRESS], [POSTCODE] Sevilla")
    until_stable(_join_address_once, MAX_ADDRESS_PASSES),
    _replace_phone,
    _substitute(HAS_DIGIT_WORD, SPELLED_PHONE_PATTERN, _spelled_phone),
)


def redact_structured(text: str) -> str:
    """The text with every structured identifier replaced by its placeholder."""
    for step in STRUCTURED_STEPS:
        text = step(text)
    return text
