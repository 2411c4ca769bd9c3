"""The redaction table: personal data is replaced, medical words survive.

Runs the real spaCy model the NLU uses (SPACY_MODEL), not a stub.
"""

from __future__ import annotations

import pytest

from privacy.redaction import redact, redact_value

# (patient text, a raw value that must be gone, the placeholder that replaces it)
REDACTED = [
    ("I'm John Smith, born 3/14/1961", "John Smith", "[NAME]"),
    ("I'm John Smith, born 3/14/1961", "3/14/1961", "[DATE]"),
    ("my name is Margaret Thornbury", "Thornbury", "[NAME]"),
    ("my name is john smith", "john", "[NAME]"),
    ("hi this is maria garcia", "garcia", "[NAME]"),
    ("My name is Li Wei", "Li Wei", "[NAME]"),
    ("Emily Johnson here, I have a question", "Emily", "[NAME]"),
    ("Can Sarah come with me to the scan?", "Sarah", "[NAME]"),
    ("My doctor Dr. Nguyen ordered an MRI", "Nguyen", "[NAME]"),
    ("call me Bob please", "Bob", "[NAME]"),
    ("I am Priya Raman", "Priya Raman", "[NAME]"),
    ("Thanks, regards Michael O'Brien", "O'Brien", "[NAME]"),
    ("my number is 555-123-4567", "555-123-4567", "[PHONE]"),
    ("call (555) 123-4567 tomorrow", "123-4567", "[PHONE]"),
    ("my mobile is +1 555 123 4567", "555 123 4567", "[PHONE]"),
    ("ring me on 07700 900123", "07700 900123", "[PHONE]"),
    ("phone +44 20 7946 0958", "7946 0958", "[PHONE]"),
    ("number 5551234567", "5551234567", "[PHONE]"),
    ("reach me at 555.123.4567", "555.123.4567", "[PHONE]"),
    ("email me at john.smith@example.com", "john.smith@example.com", "[EMAIL]"),
    ("my mail: a_b+c@mail.example.co.uk", "mail.example.co.uk", "[EMAIL]"),
    ("born 14.03.1961", "14.03.1961", "[DATE]"),
    ("DOB 1961-03-14", "1961-03-14", "[DATE]"),
    ("my birthday is March 14, 1961", "March 14, 1961", "[DATE]"),
    ("born on 14th March 1961", "14th March 1961", "[DATE]"),
    ("my scan is on 12 June", "12 June", "[DATE]"),
    ("appointment on Jan 5", "Jan 5", "[DATE]"),
    ("I was born in 1961", "1961", "[DATE]"),
    ("date 03/04/21", "03/04/21", "[DATE]"),
    ("my MRN is 12345678", "12345678", "[MRN]"),
    ("MRN: A1234567", "A1234567", "[MRN]"),
    ("medical record number 998-877-66", "998-877-66", "[MRN]"),
    ("patient id 4455667", "4455667", "[MRN]"),
    ("NHS number 485 777 3456", "485 777 3456", "[MRN]"),
    ("my SSN is 123-45-6789", "123-45-6789", "[SSN]"),
    ("social security number 123456789", "123456789", "[SSN]"),
    ("I live at 42 Baker Street", "42 Baker Street", "[ADDRESS]"),
    ("address: 1600 Pennsylvania Ave NW", "1600 Pennsylvania Ave", "[ADDRESS]"),
    ("send it to 221b Baker St.", "221b Baker St", "[ADDRESS]"),
    ("12 Oak Tree Lane, flat 3", "12 Oak Tree Lane", "[ADDRESS]"),
    ("PO Box 1234", "Box 1234", "[ADDRESS]"),
    ("apt 4B", "4B", "[ADDRESS]"),
    ("London NW1 6XE", "NW1 6XE", "[POSTCODE]"),
    ("postcode SW1A 1AA", "SW1A 1AA", "[POSTCODE]"),
    ("Springfield, IL 62704", "62704", "[POSTCODE]"),
    ("zip 90210", "90210", "[POSTCODE]"),
    ("zip code 12345-6789", "12345-6789", "[POSTCODE]"),
]

# Medical and ordinary words the assistant needs: these must come back unchanged.
KEPT = [
    "What is a spine MRI?",
    "my L4-L5 disc is bulging",
    "C5 and C6 nerve pain",
    "pain for 3 weeks",
    "T2 weighted images",
    "Why would I need an MRI of my neck?",
    "what about my lower back?",
    "Is gadolinium safe?",
    "I have a 1.5T or 3T scanner question",
    "back pain for 2 months and leg weakness",
    "S1 radiculopathy",
    "L5-S1 herniated disk",
    "T12 fracture",
    "I have Parkinson disease",
    "can I listen to music during the MRI?",
    "I was treated for prostate cancer in 2019",
    "2",
    "hello",
    "I'm worried about the noise",
    "It takes 30 to 60 minutes",
    "does it hurt",
    "the scan lasted 45 minutes",
    "my pain score is 7 out of 10",
    "I weigh 80 kg and I am 180 cm tall",
    "is it safe with a pacemaker",
    "MRI with contrast or without?",
]


@pytest.mark.parametrize(("text", "raw", "placeholder"), REDACTED)
def test_personal_data_is_replaced(text: str, raw: str, placeholder: str) -> None:
    redacted = redact(text)
    assert raw not in redacted
    assert placeholder in redacted


@pytest.mark.parametrize("text", KEPT)
def test_medical_and_ordinary_words_survive(text: str) -> None:
    assert redact(text) == text


def test_a_message_full_of_pii_keeps_its_question() -> None:
    text = (
        "Hi, I'm John Smith, born 3/14/1961, MRN 88120455, phone 555-867-5309, "
        "john.smith@example.com. Why would I need an MRI of my L4-L5?"
    )
    redacted = redact(text)
    for raw in ("John", "Smith", "3/14/1961", "88120455", "867-5309", "example.com"):
        assert raw not in redacted
    assert redacted.endswith("Why would I need an MRI of my L4-L5?")


def test_nested_values_are_redacted_and_other_types_kept() -> None:
    value = {"a": ["call 555-123-4567", 3, None], "b": {"c": "jane@example.org"}, "d": 1.5}
    assert redact_value(value) == {"a": ["call [PHONE]", 3, None], "b": {"c": "[EMAIL]"}, "d": 1.5}
