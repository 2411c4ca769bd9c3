"""A message the NLU would deflect that asks a topic's question in the words of its
`when_deflected` lists (content/spine_mri.yml, other languages in
content/other_languages.yml) gets that topic; anything naming a subject the document
never answers keeps "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.content import Content, load_content

QUESTIONS = yaml.safe_load(
    (Path(__file__).parent / "other_language_questions.yml").read_text(encoding="utf-8")
)
MATCH = [(topic, text) for topic, texts in QUESTIONS["match"].items() for text in texts]


def asked(content: Content, text: str) -> str | None:
    topic = content.topic_asked_when_deflected(text)
    return topic.id if topic is not None else None


@pytest.mark.parametrize(("topic_id", "text"), MATCH, ids=[t[:40] for _, t in MATCH])
def test_a_question_in_another_language_gets_its_topic(
    content: Content, topic_id: str, text: str
) -> None:
    assert asked(content, text) == topic_id


@pytest.mark.parametrize("text", QUESTIONS["no_match"], ids=lambda t: t[:40])
def test_another_subject_in_another_language_gets_no_topic(content: Content, text: str) -> None:
    assert asked(content, text) is None


@pytest.mark.parametrize(
    ("text", "topic_id"),
    [
        ("cervical spine mri what for", "why_cervical_mri"),
        ("low back mri purpose", "why_lumbar_mri"),
        ("what is the cervical mri for", "why_cervical_mri"),  # more lists than "what is"
        ("what does mri stand for", "what_is_spine_mri"),
        ("can i have an mri after hormone shots for prostate cancer", "prostate_cancer_mri"),
        ("how long does an mri take", "what_to_expect"),
        # the appointment's setting names the scan: gown, undressing, company, fasting,
        # an IV, a lift home, the call button, the technologist, the table
        ("do i have to change into a gown", "what_to_expect"),
        ("do i need to take my clothes off", "what_to_expect"),
        ("can my wife come in the room with me", "what_to_expect"),
        ("do i need to fast", "what_to_expect"),
        ("will they put an iv in my arm", "what_to_expect"),
        ("do i need someone to drive me home after", "what_to_expect"),
        ("is there a button to push if i panic", "what_to_expect"),
        ("will the technologist explain everything", "what_to_expect"),
        ("can someone help me onto the table, i use a walker", "what_to_expect"),
        # being alone, lying on one's front, what to take off, how far in
        ("am i going to be alone in the room", "what_to_expect"),
        ("should i lay on my stomach or my back", "what_to_expect"),
        ("do i have to take out my hearing aid", "what_to_expect"),
        ("will they put me right in the tube", "what_to_expect"),
        # the whole time on one's back, the evening before, being knocked out, going home
        ("do i lie on my back the entire time", "what_to_expect"),
        ("anything special the night before the mri?", "what_to_expect"),
        ("do they knock me out for the scan", "what_to_expect"),
        ("after mri can i go home right away", "what_to_expect"),
        ("will i need someone to take me to my mri", "what_to_expect"),
        # what it is used for, how the machine makes pictures, a description; a pump; moving
        ("mri of the back what is it used for", "what_is_spine_mri"),
        ("give me a general description of the mri procedure", "what_is_spine_mri"),
        ("how does the machine make the pictures", "what_is_spine_mri"),
        ("i have a morphine pump, is the scan ok", "mri_factors"),
        ("if i sneeze or move during the scan will it be ruined", "mri_factors"),
        ("i have screws in my neck, can i be scanned", "mri_factors"),
        # whether a reason is usual or enough, in a few words or in Spanish
        ("what sort of back pain is bad enough for an mri... what kind of pain", "why_lumbar_mri"),
        ("is it common to get a neck scan after a fall", "why_cervical_mri"),
        ("lumbar mri because my foot tingles?", "why_lumbar_mri"),
        ("para que sirve la resonancia del cuello", "why_cervical_mri"),
        ("whyyy a low back mri", "why_lumbar_mri"),
        # music by another name, prostate treatment by its name, a defibrillator called ICD
        ("can i jam out to the radio in the mri", "music_mri"),
        ("had brachytherapy last year, can i get the mri", "prostate_cancer_mri"),
        ("i have an icd, can i have the mri", "mri_factors"),
        # what the scan does for an operation: deciding, planning, checking the healing
        ("does the scan help the surgeon plan my operation", "mri_surgery"),
        ("after my discectomy, can an mri check how it healed", "mri_surgery"),
        ("is the mri what decides if i go under the knife", "mri_surgery"),
        ("a neck scan before my spinal fusion, why", "mri_surgery"),
        ("post-op mri, purpose?", "mri_surgery"),
        ("why a neck mri\nafter all this", "why_cervical_mri"),
        # the day itself: the tube's size, moving, sleep, the toilet, glasses, what to
        # bring, how many minutes, the usual medicines
        ("is the tube too narrow for me", "what_to_expect"),
        ("can i scratch my nose in the scanner", "what_to_expect"),
        ("will they put me to sleep for the scan", "what_to_expect"),
        ("can i use the bathroom during the scan", "what_to_expect"),
        ("can i keep my glasses on in the mri", "what_to_expect"),
        ("what should i bring for the scan", "what_to_expect"),
        ("how many minutes is the scan", "what_to_expect"),
        ("do i take my usual pills before the mri", "what_to_expect"),
        ("how many minutes is the lower back mri because i need a ride", "what_to_expect"),
        # what the scan is: its use in general, not knowing what it is, who reads the
        # pictures, where they come from, how it sees inside
        ("whats the purpose of a spinal mri, generally", "what_is_spine_mri"),
        ("what do doctors use a spine mri for", "what_is_spine_mri"),
        ("my doctor wants a spine mri and i have no idea what that is", "what_is_spine_mri"),
        ("who looks at the pictures, a real doctor?", "what_is_spine_mri"),
        ("who is the radiologist for my scan", "what_is_spine_mri"),
        ("is a computer what makes the images", "what_is_spine_mri"),
        ("how does the machine see inside your back", "what_is_spine_mri"),
        # what affects it: a patch, a port, moving, a condition
        ("can i keep a nicotine patch on during the scan", "mri_factors"),
        ("i have a chemo port, is an mri allowed", "mri_factors"),
        ("will the mri pictures come out bad if my legs twitch", "mri_factors"),
        ("is an mri safe for someone with a heart condition", "mri_factors"),
        # what it is for in general, diagnosing from it; checks after an operation
        ("what is a spine mri for, generally", "what_is_spine_mri"),
        ("how does a doctor diagnose back problems using the scan", "what_is_spine_mri"),
        (
            "had a fusion two years ago and they still do mris, what are they checking for",
            "mri_surgery",
        ),
        # the safety form; the usual pills, lying in there, the tube's ends
        ("the safety form asks about my prostate cancer treatment, why", "prostate_cancer_mri"),
        (
            "i take heart pills every morning, can i take them before the scan",
            "what_to_expect",
        ),
        ("how long will i lie in there", "what_to_expect"),
        ("is the machine open at the ends", "what_to_expect"),
        # going back to work is the day's question, not whether the scan works
        ("can my husband go back to work right after the scan", "what_to_expect"),
        # moving one's arms is no moved booking; a person reading the scan is no result;
        # the excerpt's own words stand for the scan; prostate cancer is the prostate topic's
        ("how long is the scan, can i move my legs during it", "what_to_expect"),
        ("does a human read my scan or only a computer", "what_is_spine_mri"),
        (
            "men treated with only hormones must be aware, what does that mean",
            "prostate_cancer_mri",
        ),
        ("will prostate cancer treatment make the mri less accurate", "prostate_cancer_mri"),
        # a scan asked for one's own reason, a learner's "wat is", a treatment tried
        ("will they do an mri of my neck for that", "why_cervical_mri"),
        ("do i need a lumbar mri if my back pain lasts a month", "why_lumbar_mri"),
        # "if" a device, not a symptom: the factors' question
        ("do i need a neck mri if i have a pacemaker", "mri_factors"),
        ("wat is cervical mri for", "why_cervical_mri"),
        ("no better after the chiropractor, does that mean a lumbar mri", "why_lumbar_mri"),
        ("what do doctors look for in a spine scan", "what_is_spine_mri"),
        # what it diagnoses, how it works, against a regular scan; a purpose asked "or what"
        ("what is a spine mri used to diagnose", "what_is_spine_mri"),
        ("explain how an mri of the back works", "what_is_spine_mri"),
        ("difference between an mri and a normal scan", "what_is_spine_mri"),
        ("is the lumbar mri for a slipped disc or what", "why_lumbar_mri"),
        # advice for a first scan; the scan and then the surgeon's talk
        ("any tips before my first mri", "what_to_expect"),
        ("the surgeon said do the scan and then we discuss an operation", "mri_surgery"),
        # a neck scan for a symptom; lying there
        ("do doctors order a neck mri for arm tingling", "why_cervical_mri"),
        ("how long will i lie there", "what_to_expect"),
        # what the exam is used for; seeing inside without cutting; "what on earth"; whether
        # it is usual for one's own trouble; what it should show; perfectly still; what to wear
        ("what is the magnet exam for the spine used for", "what_is_spine_mri"),
        ("how the scan sees inside the body without cutting", "what_is_spine_mri"),
        ("my wife has a spine mri booked, what on earth is that", "what_is_spine_mri"),
        ("hurt my lower back at work, still bad, is an mri normal for this", "why_lumbar_mri"),
        ("what is the neck mri supposed to show", "why_cervical_mri"),
        ("do i have to stay perfectly still", "what_to_expect"),
        ("should i wear anything comfy to my scan", "what_to_expect"),
    ],
)
def test_english_questions_get_the_most_specific_topic(
    content: Content, text: str, topic_id: str
) -> None:
    assert asked(content, text) == topic_id


@pytest.mark.parametrize(
    "text",
    [
        "what is a brain mri",
        "whats the copay for a lumbar mri",
        "did my lumbar mri come back normal",
        "my mri says annular fissure what is that",
        "is it normal?",
        "how long does a ct scan take",
        "how fast do i get my results",
        "do i need to fast before my blood test",
        "can i bring my dog",
        "how do i open the mri images on the cd",
        "functional mri what is it",
        "is mri used for diagnosing ms",
        "do i really need an mri or can the doctor just examine me",
        "can i take my muscle relaxer before the scan, my back spasms",
        "can i fly after back surgery and my mri",
        "what are the risks of spinal fusion surgery before my mri",
        "how long do i wait to see the surgeon after my mri",
        "why do i need surgery if the mri was clear",
        "my neck healed fine, is the mri ok with my plate",
        "had my neck mri on monday, is it normal?",
        "what is the icd-10 code for my lumbar mri",
        "is the mri open on saturdays",
        "prostate cancer screening how often should i go",
        "can i move my mri to next week",
        "when will someone read my mri",
        # a cheaper scan; the picture files
        "any tips for a cheaper scan",
        "cant open the dicom files of my spine mri",
    ],
)
def test_english_near_misses_get_no_topic(content: Content, text: str) -> None:
    assert asked(content, text) is None


def _content_with(tmp_path: Path, other: dict) -> Path:
    """A copy of the content file whose other-language file is `other`."""
    project = Path(__file__).resolve().parents[2]
    raw = yaml.safe_load((project / "content" / "spine_mri.yml").read_text(encoding="utf-8"))
    (tmp_path / "other.yml").write_text(yaml.safe_dump(other), encoding="utf-8")
    raw["other_languages"] = str(tmp_path / "other.yml")
    path = tmp_path / "content.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_a_list_that_only_other_languages_fill_matches_nothing_without_them(tmp_path: Path) -> None:
    empty = {"names_the_scan": [], "keeps_did_you_mean": [], "topics": {}}
    content = load_content(str(_content_with(tmp_path, empty)))
    assert asked(content, "IRM avant l'opération du dos ?") is None
    assert asked(load_content(), "IRM avant l'opération du dos ?") == "mri_surgery"


def test_an_other_language_list_without_a_namesake_fails_at_load(tmp_path: Path) -> None:
    """A misspelt list name would silently never match: it fails before a patient sees it."""
    other = {"names_the_scan": [], "keeps_did_you_mean": [], "topics": {"music_mri": {"x": []}}}
    with pytest.raises(ValueError, match="music_mri"):
        load_content(str(_content_with(tmp_path, other)))
