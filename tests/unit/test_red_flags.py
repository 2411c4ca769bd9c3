"""The red-flag layer on its own: categories, cancelling cues, idioms, speed and the override.

Every category has positive messages written in the ways patients write
(shared/patients.md: lower case, typos, a relative, a story first), asserting
both the reply kind and the category id. Every cancelling rule (negation,
past, hypothetical, general question, idiom) has negatives. The held-out
red-flag sets (evaluation/data/red_flags.yml) are checked here too, so a
rule change that loses an emergency fails fast, without a model.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.nearest_examples import NEAREST_INTENTS, UNFAMILIAR
from components.red_flags import (
    DEFAULT_RULES_FILE,
    FALLBACK_INTENT,
    KINDS,
    RedFlagDetector,
    RedFlagRules,
    load_rules,
)
from evaluation.datasets import all_cases, red_flag_cases

RULES = load_rules()
RED_FLAG_CASES = [case for case in red_flag_cases() if case.expects_red_flag]
OTHER_CASES = [case for case in all_cases() if not case.expects_red_flag]
MAX_FALSE_ALARM_RATE = 0.02
KIND = {category.id: category.kind for category in RULES.categories}


def detector() -> RedFlagDetector:
    return RedFlagDetector(RedFlagDetector.get_default_config())


def parsed(text: str, intent: str, confidence: float = 0.9) -> Message:
    """A message as the intent classifiers leave it, before the red-flag layer."""
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.05}]
    return Message(
        data={
            TEXT: text,
            INTENT: {"name": intent, "confidence": confidence},
            INTENT_RANKING_KEY: ranking,
        }
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I suddenly can't feel my legs", "emergency"),
        ("i have lost control of my bladder", "emergency"),
        ("my groin is numb", "emergency"),
        ("crushing pain in my chest", "emergency"),
        ("I fell down the stairs", "emergency"),
        ("i want to end my life", "self_harm"),
        ("I want to kill myself and I can't feel my legs", "self_harm"),
        # Figures of speech are cut out, the real thing is not.
        ("whats the easiest way to die", "self_harm"),
        ("what is the point of living", "self_harm"),
        ("dad wont wake up", "emergency"),
        ("my ex is breaking into the house", "emergency"),
        ("i keep having thoughts of hurting other people", "emergency"),
        ("im scared i might hurt my baby", "emergency"),
        ("he is getting his gun and going to the office", "emergency"),
        ("im being attacked", "emergency"),
        ("took double my oxycodone and feel very drowsy", "emergency"),
        ("got rear ended just now and my hands are numb", "emergency"),
        ("motorcycle wreck on the highway, he cant feel his legs", "emergency"),
        ("i took all my pills at once", "emergency"),
        ("im allergic to peanuts my throat is closing up", "emergency"),
        ("my wife had a heart attack just now when she saw the news", "emergency"),
    ],
)
def test_red_flags_are_detected(text: str, kind: str) -> None:
    assert RULES.classify(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "no numbness in my groin",
        "I have not lost control of my bladder",
        "without any chest pain",
        "I fell down the stairs years ago",
        "what if I can't breathe in the scanner",
        "why would loss of bladder control need an MRI?",
        "what is an MRI of the lower back",
    ],
)
def test_negated_past_hypothetical_and_general_mentions_are_not_alarms(text: str) -> None:
    assert RULES.classify(text) is None


def test_negation_only_reaches_its_own_clause() -> None:
    assert RULES.classify("no fever, but I suddenly can't walk") == "emergency"


def test_curly_apostrophes_are_understood() -> None:
    assert RULES.classify("I can\u2019t feel my legs") == "emergency"


def test_classifier_emergency_guess_is_kept_when_nothing_cancels_it() -> None:
    assert RULES.override("my body feels wrong and scary", "emergency") is None


def test_classifier_emergency_guess_on_negated_symptoms_becomes_fallback() -> None:
    assert RULES.override("no numbness, just a stiff neck", "emergency") == FALLBACK_INTENT


def test_something_swallowed_long_ago_sets_the_learned_alarm_aside() -> None:
    """The word "swallowed" is a mention: told in the past it is no emergency the classifier
    may raise, while something swallowed now still leaves the learned verdict standing."""
    past = "my son swallowed a marble two years ago, is mri safe for him"
    assert RULES.override(past, None, "emergency") == FALLBACK_INTENT
    assert RULES.override("my son just swallowed a marble", None, "emergency") == "emergency"


def test_a_complaint_to_the_hospital_sets_the_learned_crisis_guess_aside() -> None:
    """ "I want to ..." reads like a wish to die to the classifier; a complaint is none."""
    complaint = "i would like to file a formal complaint about my appointment"
    assert RULES.override(complaint, "self_harm") == FALLBACK_INTENT
    assert RULES.override("i want to file a complaint, i want to kill myself", None) == "self_harm"


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        # a medicine asked about for the scan day, dying of boredom in German and Spanish
        ("his epilepsy tablets, should he skip them before the scan", "self_harm"),
        ("ich sterbe fast vor Hunger, darf ich vor dem MRT essen", "emergency"),
        ("me muero de aburrimiento en la sala de espera", "emergency"),
        # a remedy for everyday pain; an everyday ailment, nothing happening now
        ("would a firmer mattress help my lower back pain", "emergency"),
        ("my daughter might have pink eye, should we move her mri", "emergency"),
        ("a runny nose since monday", "emergency"),
        # medicine taken as prescribed; "number" is no numbness
        (
            "i take my blood pressure tablets as prescribed, should i skip them on scan day",
            "self_harm",
        ),
        ("my emergency contact is my brother, i can give you his number", "emergency"),
        # trouble at work ahead, not death
        ("im dead meat if my boss finds out i left early for the scan", "self_harm"),
        # a question answered "no, just" at once; a hazard; a knock while moving; a hard
        # time; whether the phone works in the scanner; panic feared
        ("chest pain? no just some heartburn after lunch, is the mri still on", "emergency"),
        ("is there a choking risk if i have a mint in the scanner", "emergency"),
        ("i worry ill hurt myself getting off the table", "self_harm"),
        ("we have gone through hell with his neck this year", "self_harm"),
        ("could i dial 911 while in the scanner if i had to", "emergency"),
        ("scared ill panic and forget to breathe properly in the scanner", "emergency"),
        # an operation; an itchy rash and nothing else
        ("the surgeon wants to cut me open and i hate that idea", "self_harm"),
        # a price one would pay; seizure medicine asked about; the address in German
        ("id give my left arm to not have this scan", "self_harm"),
        ("epilepsy tablets and the mri, is that ok", "emergency"),
        ("Was ist die Adresse vom Krankenhaus, bitte?", "emergency"),
        # a sudden change of plans; sobbing so hard; pain that nearly made one faint, better
        # now; whether a painkiller is safe
        ("sudden change of appointment again, this is killing me", "emergency"),
        ("the sad film made me sob so hard i couldnt breathe", "emergency"),
        ("the pain almost made me faint on sunday, fine now with the tablets", "self_harm"),
        ("is ibuprofen ok for sciatica", "emergency"),
        # a swallow supposed
        ("if i swallowed the contrast dye by mistake would that be bad", "emergency"),
        # a hardship; a condition under control
        ("this pain is murder on my knees, will the scan help", "self_harm"),
        ("her copd is well controlled, can she lie flat for the scan", "emergency"),
        ("my daughter has an itchy rash after the picnic", "emergency"),
        # a remedy; German "die" is an article; no pain now; a booking's grief; a weakness
        # of age; a bleed that stopped
        ("whats good for a blocked nose", "emergency"),
        ("Wo ist die Toilette?", "self_harm"),
        ("im not in pain at the moment, asking for my dad", "emergency"),
        ("i could just die, the hospital moved my scan again", "self_harm"),
        ("his arms are a bit weak from age, not sudden", "emergency"),
        ("her nose bled after a bump, stopped now", "emergency"),
        # a story dated months back at its end
        ("im a paramedic and strained my neck carrying a stretcher last year", "emergency"),
        # tired of a pain; a wish for now; a wallet; a rash on a limb, nothing more
        ("im fed up of this pain", "emergency"),
        ("id kill for a sandwich right now", "emergency"),
        ("my cholesterol pills are killing my bank account", "emergency"),
        ("her granddaughter has a rash on her leg", "emergency"),
        ("what room is my dad in, he had his scan", "emergency"),
        # praise; a toothache; whether it is an emergency, other signs denied
        ("I love this clinic, the staff were lovely", "self_harm"),
        ("my tooth aches", "emergency"),
        ("is it an emergency if my neck is a bit stiffer today, i have no numbness", "emergency"),
        # what happens at the scan, in Romanian; a wrong number
        ("ce se intampla in timpul RMN", "emergency"),
        ("sorry i messaged the wrong number", "self_harm"),
        ("these scans are killing my wallet", "emergency"),
        ("so sick of the waiting", "self_harm"),
        ("is popping my knuckles bad", "emergency"),
        # lost property; no one hurting the patient; anaesthesia; a child's threat to a
        # sibling
        ("i left my purse in the waiting room", "emergency"),
        ("nobody is hitting me, i just need a lift to my scan", "self_harm"),
        ("i was put under for my operation, is the mri like that", "emergency"),
        ("she screamed ill kill you at her little sister over the remote", "emergency"),
        # a nag about being late; a medicine asked about with the scan; a clinic for an
        # earache
        ("my mum says shell kill me if im late for the scan", "self_harm"),
        ("my blood thinners and the scan, any issue", "emergency"),
        ("wheres the closest walk-in clinic for an earache", "emergency"),
        # a nag against a relative; a request to stop the messages
        ("im gonna strangle my wife if she makes me late for the mri", "emergency"),
        ("stop messaging me please", "self_harm"),
        # death on a condition about the scan; a relative "killed" for a booking; heart
        # attack prevention; an ambulance in the way; volunteering
        ("if the scan pulls my piercings out ill die", "self_harm"),
        ("gonna kill my mum for booking me in for this", "self_harm"),
        ("is heart attack prevention aspirin ok before the scan", "emergency"),
        ("an ambulance is blocking the entrance, where do i park", "emergency"),
        ("i would like to volunteer at the hospital", "self_harm"),
    ],
)
def test_a_figure_of_speech_sets_the_learned_guess_aside(text: str, guess: str) -> None:
    assert RULES.override(text, None, guess) == FALLBACK_INTENT


def test_a_learned_guess_stands_when_help_is_needed_now() -> None:
    """ "What is the emergency number" asks in general; "we need it now" says it is now."""
    text = "whats the number for emergencies, we need it now"
    assert RULES.override(text, None, "emergency") == "emergency"


def test_a_faq_intent_is_never_turned_into_fallback() -> None:
    assert RULES.override("no numbness, why an MRI of my neck", "ask_why_mri") is None


def test_component_overrides_a_confident_faq_intent() -> None:
    message = parsed("what is a spine MRI? I suddenly can't move my legs", "ask_what_is_spine_mri")
    detector().process([message])
    assert message.get(INTENT) == {"name": "emergency", "confidence": 1.0}
    names = [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    assert names[0] == "emergency"
    assert names.count("emergency") == 1


def test_component_vetoes_a_classifier_alarm_on_negated_symptoms() -> None:
    message = parsed("my legs are not weak at all", "emergency")
    detector().process([message])
    assert message.get(INTENT)["name"] == FALLBACK_INTENT


def test_component_leaves_ordinary_questions_alone() -> None:
    message = parsed("what is a spine MRI", "ask_what_is_spine_mri")
    detector().process([message])
    assert message.get(INTENT) == {"name": "ask_what_is_spine_mri", "confidence": 0.9}


def test_component_reads_its_rules_file_from_config(tmp_path: Path) -> None:
    rules = DEFAULT_RULES_FILE.read_text().replace("'\\bheart attack\\b'", "'\\bzebra\\b'")
    custom = tmp_path / "rules.yml"
    custom.write_text(rules)
    assert RedFlagRules.from_file(custom).classify("I see a zebra") == "emergency"
    assert RULES.classify("I see a zebra") is None


@pytest.mark.parametrize("case", RED_FLAG_CASES, ids=lambda case: case.text[:40])
def test_every_held_out_red_flag_is_caught(case) -> None:
    assert RULES.classify(case.text) is not None


def test_false_alarms_on_all_other_held_out_messages_stay_rare() -> None:
    alarms = [case.text for case in OTHER_CASES if RULES.classify(case.text) is not None]
    assert len(alarms) / len(OTHER_CASES) <= MAX_FALSE_ALARM_RATE, alarms


@given(st.text(max_size=200))
def test_any_text_is_handled_without_error(text: str) -> None:
    assert RULES.classify(text) in (None, "emergency", "self_harm")


# -- categories ----------------------------------------------------------------------------

POSITIVES: dict[str, list[str]] = {
    "explicit_help": [
        "whats the ambulance number we need it right now",
        "is this where i get help, we need somebody right now",
        "necesitamos un medico ya",
        "ayúdenme por favor",
        "necesito una ambulancia para mi mama",
        "my wife needs an ambulance right now, where do i call",
        "could you send somebody please, my wife is lying in the hall",
        "my dad is not ok, please send help to the house",
        "we are in danger, please hurry",
        "please help me something feels really wrong",
        "can you call somebody for me",
        "fetch a doctor right now",
        "socorro por favor",
        "auxilio emergencia",
        "is emergency, please",
        "call doctor now please",
        "what is the ambulance number, hurry",
        "whats the emergency number",
        "please send help to my house",
        "help",
        "HELP ME PLEASE!!!",
        "911",
        "999 pls",
        "please call an ambulance",
        "this is an emergency",
        "i think im having a medical emergency",
        "someone help my dad",
        "i need urgent help",
        "help me now",
        "we need paramedics at 14 elm road asap",
        "i think im dying",
    ],
    "collapse": [
        # told before a report in the same clause: the report covers only what follows it
        "my dad collapsed and isnt breathing and the nurse told me to call 911",
        "my dad collapsed and the nurse told me to call you",
        # unconscious "for a while" is no long-standing complaint
        "he has been unconscious for a while now",
        # a professional asking for help now
        "im a nurse asking for help my patient collapsed and isnt breathing",
        # not woken since taking pills
        "she took her pills an hour ago and hasnt woken up since",
        # floppy and will not wake
        "my son is floppy and wont wake up",
        # a bystander's own question answered no
        "is my wife breathing? no!! what now",
        "grandpa sleep on floor, no wake up",
        "can barely breathe sitting up or lying flat",
        "mi esposo no responde desde hace rato",
        "no responde mi hijo, ayuda",
        "mi abuelo dejó de respirar",
        "mi esposa esta en el piso y no responde",
        "mi papa se desmayo en la cocina",
        "mi abuela no reacciona",
        "my uncle is not reacting to his name or to touch",
        "she wont react to anything we do",
        "grandma slipped, shes on the floor and cant get back up",
        "came home and found my brother on the bathroom floor not moving",
        "man down in the lobby, he is not moving",
        "Person down by the lifts!",
        "an old lady just dropped at the bus stop",
        "we were watching a movie and my dad collapsed",
        "my father no waking, i call his name, nothing",
        "she no breathing no moving",
        "mum is still not awake and wont answer me",
        "my uncle hit the floor in the kitchen and is not conscious",
        "im passing out over and over",
        "grandma went down suddenly in the kitchen and isnt reacting",
        "my dad just collapsed in the kitchen",
        "she fainted and wont wake up",
        "my husband is unresponsive",
        "hes unconcious on the floor",
        "my mum is not breathing",
        "i cant find a pulse",
        "my baby turned blue",
        "i cant wake him up",
        "voice text grandpa passed out in the hallway and isnt responding",
        "im doing cpr on my wife what do i do",
    ],
    "stroke": [
        # "this" is no one's past stroke
        "this stroke left him unable to speak, help",
        # a bystander's words, not a question
        "someone in the lobby showing stroke signs",
        "she is trying to answer me but cant get words out",
        "my right leg and arm went numb and heavy at breakfast",
        "her left arm is dead weight since she woke",
        "my grandad started slurring at dinner",
        "her left arm is just dangling",
        "mi papá tiene la boca torcida y habla raro",
        "i think my mother is having a stroke her face is drooping",
        "mi mama tiene la cara caida y habla raro",
        "mum cant smile on the right side of her face",
        "his smile only lifts on one side now",
        "when he tries to talk it comes out garbled all of a sudden",
        "my moms face is drooping on one side",
        "his speech is slurred and he cant lift his right arm",
        "i think im having a stroke",
        "suddenly i cant see out of my left eye",
        "my words are coming out wrong",
        "one side of my body went numb",
        "dad is talking gibberish, he got suddenly confused",
        "my wife cant raise her arm and her smile is crooked",
        "hi, booked for a neck mri on friday. my husband doesnt know where he is",
    ],
    "chest_pain": [
        # a heart held in a fist
        "my heart feels like someone is crushing it",
        "my chest is tight again now, it went away before, will it come back",
        "sweaty, my jaw hurts and my left arm feels weird",
        "crushing chest and sweating since lunch",
        "my dad have heart attack when he walk to the car",
        "tengo presión en el pecho",
        "me duele mucho el pecho",
        "tengo un dolor fuerte en el pecho",
        "a heavy pressing feeling across my chest",
        "my mum is gripping her chest and sweating",
        "strong pain around my heart right now",
        "chest pain",
        "i have crushing chest pain and im sweating",
        "feels like an elephant sitting on my chest",
        "pain in my chest going up into my jaw",
        "my chest is so tight",
        "i think my husband is having a heart attack",
        "squeezing pressure in the middle of my chest",
        "my chest is killing me",
        "i was waiting for my appointment letter and now theres a pain in my chest",
    ],
    "breathing": [
        # fine once, then not
        "my son choked on a grape earlier, its fine now but his lips are blue",
        "my mum cant catch her breth at all",
        "me cuesta mucho respirar",
        "mi hija no puede respirar",
        "every breath is a fight right now",
        "no breath help",
        "my air wont go in help",
        "she can barely get out two words without gasping",
        "i cant breathe",
        "my son is struggling to breathe",
        "he is choking",
        "she is gasping for air",
        "my lips are turning blue",
        "i cnt breath",
        "my daughter is having an asthma attack and her inhaler isnt working",
        "im having trouble breathing",
    ],
    "allergic_reaction": [
        # gone with a medicine, then back worse
        "the hives went away with benadryl but now my throat is closing",
        "se me está cerrando la garganta después del contraste",
        "after the contrast shot my tongue feels thick",
        "my tongue is swelling",
        "my throat is closing up",
        "got the contrast injection and now i have hives all over and feel dizzy",
        "my lips are swollen after the dye",
        "i think im going into anaphylaxis",
        "we had to use his epipen",
        "hives everywhere and its hard to breathe",
        "her face is swelling up",
        "after the gadolinium i started itching and my lips feel fat",
    ],
    "overdose_poisoning": [
        # German: a child who ate poison or pills; pills named first, counted after
        "Unser Kind hat Mäusegift gegessen",
        "Mein Enkel hat Omas Tabletten gegessen",
        "her sleeping pills, she took 20 of them",
        # what went away is the pain, not the pills taken for it
        "it went away after i took 20 of my pills",
        # a double dose by mistake with dizziness
        "accidentally took my oxycodone twice, now so dizzy i can barely walk",
        "the pain went away after i took 30 tylenol",
        # a whole supply of a named drug
        "she swallowed her whole tramadol supply",
        # an idiom's pills, then counted
        "my blood pressure pills are killing me, i took 30 of them",
        # what was swallowed told in a clause of its own; French, medicines swallowed
        "the cat didnt, my toddler did, a whole bottle of my vitamins",
        "my son chewed his iron vitamins, the whole bottle",
        "ma fille a avalé des comprimés",
        "mi niño ingirió detergente",
        "gave him two of his shots instead of one and he feels really weird",
        "found my sister next to an empty pack of her sleeping tablets",
        "el niño se trago unas pastillas de su abuela",
        "my daughter swallowed some of the gel for the dishwasher",
        "he drank the stuff to clean the oven",
        "mi esposo se tomo todas sus pastillas",
        "el nino bebio cloro",
        "my dad swallowed two weeks of his blood pressure tablets in one go",
        "i swallowed a weeks worth of my gabapentin in one go",
        "MY SON TOOK 30 GABAPENTIN",
        "she swallowed 25 ambien",
        "my toddler drank lysol",
        "he took a bunch of oxys with beer",
        "my son drank blue stuff from under the kitchen sink",
        "she swallowed her sleeping tablets with all my other meds",
        "she took extra sleeping pills and now she is barely awake",
        "my toddler ate some of grandmas heart tablets",
        "i took too many pills",
        "my son swallowed a whole bottle of tylenol",
        "i took 20 tylenol",
        "took my gabapentin with diazepam and cant stay awake",
        "my toddler drank bleach",
        "he overdosed on oxycodone",
        "my kid ate a detergent pod",
        "she took all her sleeping pills",
        "my 3 year old swallowed a button battery",
        "i think my mom took too much insulin",
        "my husband mixed his oxycodone with alcohol",
        "i think my son took some of my xanax",
    ],
    "bleeding": [
        # where a drip was (no question)
        "where the drip was is pouring blood and wont stop",
        # a wound bleeding heavily, in German; bleeding "everywhere from" an accident is the
        # accident now; from many cuts now is no tendency
        "heftig blutende Schnittwunde am Arm",
        "hes bleeding everywhere from a fall off the ladder",
        "hes bleeding heavily from small cuts all over after the crash",
        # bleeding heavily is no complaint "after an accident" that has lasted
        "bleeding badly from my arm after an accident with the saw",
        # a fall or an accident names the cause, not a time since
        "blood spurting from his hand after an accident with the chainsaw",
        "my son is bleeding heavily from a car accident",
        "the drain site is bleeding through both dressings",
        "bleeding heavy after the fall and it keeps coming",
        "fell through the glass door, lot of blood from his arm",
        "he sliced the tip of his thumb nearly off with the bread knife",
        "my sons nosebleed has gone on forty minutes and wont stop",
        "she keeps coughing up a cupful of bright blood",
        "la herida tiene un sangrado que no se detiene",
        "so much blood after the accident",
        "blood is coming through the bandage on his leg",
        "está sangrando mucho de la pierna",
        "the blood keeps seeping out of the cut on his head",
        "ive pressed a towel on it for ages and its bleeding even with pressure",
        "mi hermano no para de sangrar",
        "soaking through a towel every few minutes from this cut",
        "my foot got gashed open on a sheet of metal",
        "he cut his thigh open with the angle grinder",
        "the saw blade went into his arm",
        "the towel isnt stopping the bleeding from his leg",
        "my dad is bleeding badly after a fall in the garden",
        "the cut from the accident is gushing blood",
        "so much blood from his hand, it not stop",
        "bleeding that wont stop",
        "theres blood everywhere",
        "he is coughing up blood",
        "im vomiting blood",
        "the cut is spurting blood",
        "blood soaking through the bandage",
        "my wife is bleeding heavily",
        "i cant stop the bleeding",
        "held a towel on it for half an hour and its still bleeding",
    ],
    "seizure": [
        # one seizure, then "another" alone
        "my mum had a seizure earlier and now started another",
        # Vietnamese: having a fit now
        "Chồng tôi đang bị co giật",
        # a length is no seizure over, nor is one "not over"
        "his seizure is over 5 minutes now",
        "the seizure is not over, he is still shaking",
        # "isnt waking" is the symptom, not a negation, nor a question after "but"
        "the fit is over but isnt waking up, she is just lying there",
        # French, without "qui", and with whose seizure it is: "the seizure does not stop"
        "sa crise d'épilepsie ne finit pas",
        "la crise d'épilepsie de ma fille ne s'arrête pas",
        # German, the seizure named first; trembling without answering
        "Krampfanfall bei meiner Frau, bitte",
        "mein vater zittert am ganzen körper und reagiert nicht",
        "my daughter shaking shaking not stop",
        "my son is jerking all over and it wont stop",
        "mi hija está convulsionando",
        "mi hijo esta convulsionando",
        "she had a seizure and then another one, she still isnt awake",
        "my son had a seizure and its still going on for ten minutes",
        "he had three fits in a row this morning",
        "she had a fit and now a second one is starting",
        "he had a seizure and now hes not waking up",
        "my son is having a seizure",
        "she is convulsing",
        "hes shaking all over and not responding",
        "my dad is jerking and wont respond",
        "mum is fitting and wont stop",
        "my husband is seizing",
        "her eyes rolled back and shes twitching",
        "i have epilepsy but this one is different, im having a siezure",
        "my daughter is epileptic and has been jerking for five minutes",
        "he has epilepsy and the shaking wont stop",
        "my uncle is lying on the floor shaking all over",
    ],
    "head_injury": [
        "se pegó en la cabeza con la puerta, está muy somnoliento",
        "hit my head on the shelf and now i cant think straight",
        "grandad fell and hit his head and does not know where he is",
        "my son fell off the trampoline and hit his head, now hes throwing up",
        "i hit my head yesterday and now im confused",
        "banged my head on a shelf and keep vomiting",
        "my mom fell and hit her head and she is really drowsy",
        "he bumped his head and passed out",
        "dad slipped on ice, hit the back of his head, now he cant stay awake",
        "she is vomiting and confused after hitting her head on the pool edge",
        "she fell and hit her head, now she keeps repeating the same thing",
    ],
    "headache": [
        # a first time, not a past one
        "got a sudden terrible headache like nothing before",
        # a headache unlike any before: "never" negates no headache
        "ive never had a headache like this, it came on in a second",
        "never had a headache like that before, please help",
        "a mi padre le dio un dolor de cabeza súbito",
        "my mums head is about to split and she has never had pain like it",
        "my migraine today is different, it struck like lightning",
        "got a headache at lunch. nothing like it ever",
        "a sudden pounding headache like nothing ive ever had before",
        "de repente tengo el peor dolor de cabeza",
        "never had a migraine this bad",
        "my head pain started all at once like never before",
        "my headache is so bad i never had one like this",
        "worst headache of my life",
        "sudden severe headache",
        "i have a thunderclap headache",
        "my head pain came on suddenly like a bomb",
        "headache with a stiff neck and fever",
        "this is the worst headache ever",
        "stiff neck and a high temperature",
    ],
    "post_surgery": [
        # Vietnamese and Russian: a fever or chills after an operation
        "Sau phẫu thuật lưng tôi bị sốt",
        "После операции на спине температура и озноб",
        # "it was fine yesterday" is no finding that calms it
        "had back surgery on monday, cant lift my feet anymore, it was fine yesterday",
        "two days after my fusion my right foot went numb this morning",
        "me operaron de la columna, ahora tengo fiebre y escalofríos",
        "back op 10 days ago now temperature of 39 and chills",
        "temperature is 38.9 three days after my fusion",
        "the op wound from last week is leaking yellow stuff",
        "he had a fusion last week and now cant lift his left foot",
        "had my laminectomy on monday and now my leg is numb",
        "my discectomy was three days ago and now both feet are going numb",
        "had back surgery last week and the scar is open and wet",
        "i had back surgery last week and now i have a fever",
        "my incision is red and leaking pus",
        "the wound from my spinal fusion is opening up",
        "after my neck operation i have chills",
        "since my surgery my legs are getting weaker",
        "scar is hot and swollen",
        "my dads surgical wound is oozing",
        "two weeks post op and running a temp of 39c",
        "i had my microdiscectomy on monday and today the incision is leaking yellow stuff",
    ],
    "cauda_equina": [
        # unable to stand since a fall
        "she slipped on ice and hasnt been able to stand up",
        # Vietnamese and Russian: unable to pee, numb in the groin
        "Không tiểu được, đau lưng quá",
        "Онемение в промежности и недержание мочи",
        # German: nothing felt in the genital area
        "Ich fühle nichts mehr im Intimbereich, Rücken tut weh",
        # numbness told by wiping, even beside a figure of speech
        "when she wipes she doesnt feel anything and her back is killing her",
        # the accident named before the bowels or the bladder
        "my dad has sciatica and just had an accident with his bladder",
        "sore low back and i keep dribbling urine without noticing",
        "is it normal to have a numb groin and not be able to urinate",
        "should i worry if i cant pee and my bum is numb",
        "tingly and numb between my legs since lunch, my disc is bad",
        "no siento nada entre las piernas y no puedo orinar",
        "i cant feel the tissue paper at all when i wipe",
        "since this morning i dont know when i need to pee anymore and my back is agony",
        "surgery on my back 2 weeks ago and suddenly my legs wont hold me up",
        "bad sciatica and now hes wetting himself",
        "numb on the inside of my thighs since this morning",
        "my butt is numb and i cant feel when i have to wee",
        "i cant feel anything down there when i wipe",
        "lower back agony and cant feel my privates",
        "back pain and now i cant go to the bathroom, both feet tingling",
        "i cant feel anything below my hips",
        "I suddenly can't feel my legs",
        "i cant pee",
        "numb when i wipe",
        "i wet myself and didnt notice",
        "my legs suddenly gave way",
        "both legs numb and weak",
        "i cant feel my bottom",
        "i have no bladder control",
        "hi my name is mary dob 4/5/1960 i was booked for a lumbar mri next week "
        "but since this morning i cant control my bladder",
    ],
    "major_trauma": [
        # a worry explained, and a symptom now
        "my husband fell off the ladder, thats why im worried, he cant feel his legs",
        # German: a fall from a roof, arms tingling
        "bin vom Dach gefallen, Arme kribbeln",
        # a blow to the neck or back, then weak or numb limbs
        "he got kicked in the back at football and now his legs are numb",
        "punched on the neck last night, my hands are tingling now",
        # hit in the neck, the hands tingling
        "got whacked on the neck with a beam at work, hands are numb",
        "chocamos con la moto, ahora no siente las piernas",
        "the goalkeeper is down on the ice and says his arms are tingling",
        "i was in a car crash and now my arms are tingling, why do they want an mri",
        "he fell off the roof and cant move his legs, the doctor ordered a scan",
        "neck injury at rugby, now both arms are numb",
        "a van hit my car and now my hands are tingling",
        "she came off her horse and cant feel her legs",
        "we rolled the truck, my son says he cant feel his legs",
        "i was in a car crash",
        "my son was hit by a car",
        "he fell off a ladder",
        "i think i broke my neck",
        "i think i have a spinal injury",
        "got tackled at football and now i cant move my arms",
        "dove into the pool and hes got tingling in both arms",
        "she was stabbed",
        "he fell from the roof and cant feel his legs",
    ],
    "suicide_self_harm": [
        # the dose that kills, asked
        "what dose of paracetamol kills a person",
        # Tagalog; a crisis dated from what was said, not reported speech
        "ayaw ko na mabuhay",
        "since they told me about my scan ive thought about killing myself",
        # a death welcomed on a condition
        "if i dont wake up after the scan thats fine with me",
        # no wish to be here, even on a condition
        "if they cant fix my neck i dont want to live anymore",
        # nobody would notice if I did not wake up
        "nobody would even notice if i never woke up",
        # what the doctor said, named as the cause, is no reported speech
        "i want to kill myself because of what my doctor said yesterday",
        # a goodbye told to family, its meaning kept from them
        "told my wife goodbye this morning, she didnt understand what i meant",
        # a state, not a habit: "when I get like this", and it is now
        "i pick my skin until it bleeds when i get like this, and im like this right now",
        # a will written and the night chosen; the night chosen, said alone
        "sorted out my will and wrote to my kids, tonight is the night",
        "tonight is the night.",
        # on the roof of any building, nothing else said
        "im sitting on the ledge of the car park",
        "i am standing on the roof of the hospital right now",
        "ive been stashing my painkillers in a sock drawer",
        "i left a letter for my wife to find",
        "do i leave a note first",
        "i hope i just never wake up, im so done",
        "i left letters for my kids in case something happens to me tonight",
        "me siento un estorbo para mis hijos",
        "ya no quiero estar aqui con este dolor",
        "im finishing everything tonight, thanks for all your help",
        "i feel like a burden to everyone around me",
        "if i take the entire pack will it hurt much",
        "quickest way to cut myself so it doesnt show",
        "is it painful to overdose on sleeping pills",
        "could the magnet kill me if i walk in with a knife on purpose",
        "would thirty of my pregabalin be enough to die",
        "is a full box of my sleeping pills enough",
        "how much insulin would kill somebody",
        "is leaping from a balcony painless",
        "how fast do you bleed out from the wrist",
        "how far would i have to jump so it is over",
        "left notes for my whole family for when im gone",
        "forgive me, please take good care of my sister for me",
        "i cut myself with razor blades when things get too much",
        "me voy a matar esta noche",
        "ive been thinking about jumping",
        "im thinking of jumping off our bridge tonight",
        "could i just take all my sleeping pills and sleep forever",
        "how do i make it so no one finds me until its over",
        "what happens if i swallow a whole box of my sleeping tablets",
        "giving my cat to my sister because i wont need to look after her after tonight",
        "how many of my sleeping tablets would be enough to end things for good",
        "if i swallow every one of these pills tonight will it be peaceful",
        "there is no point going on any more",
        "sold my car and my tools, i wont be needing any of it much longer",
        "the kids will be better off with my insurance payout",
        "i swallowed a whole lot of my tablets on purpose",
        "i cant see any way out of this anymore",
        "im checking out for good tonight",
        "no quiero vivir, ya no puedo mas",
        "me quiero matar esta noche",
        "up on the top floor of the car park and i want to jump",
        "im about to jump from the ledge of my balcony",
        "thinking about stepping out into the traffic on the motorway",
        "my sleeping tablets are counted out on the bed",
        "how much insulin so i wont wake up",
        "could i od on my gabapentin, asking cause i want to",
        "there is no reason left to keep going",
        "nobody is going to notice if i disappeared",
        "sorted out my will and gave my cat to my sister, its time",
        "what tablets are lethal if you take a lot",
        "standing at the top floor window thinking of jumping",
        "everything is ruined and my life is over, today is the day",
        "would it be painless to od on my tramadol",
        "how far do you need to jump for it to be fatal",
        "could i overdose on my lyrica and i want to",
        "how could i make my death look like an accident",
        "whats a peaceful way to go",
        "gave our cat away to a friend, i wont be needing to feed her anymore",
        "i might just steer into oncoming traffic tomorrow",
        "easiest way to od on my pills",
        "whats the point of living like this",
        "i want to drive my car off the bridge tonight",
        "dont bother booking me in, i wont be here next week",
        "been looking up ways to end it",
        "i might as well just be dead",
        "this is my last message to anyone",
        "i wont be around much longer so dont bother",
        "no point anymore. i made arrangements for the cat",
        "how tall does a building need to be to not survive",
        "i want to kill myself",
        "theres no reason to go on",
        "everyone would be better off without me",
        "ive been writing goodbye letters",
        "i gave all my things away",
        "i just want to disappear",
        "how many pills would it take to not wake up",
        "i keep cutting myself and it wont stop bleeding",
        "im planning to end it tonight",
        "i cant go on like this",
        "my son says hes suicidal",
        "i said goodbye to everyone",
        "I\u2019ve been cutting myself again",
        "i have felt like dying for weeks now",
        "id rather die than keep living with this",
        "tonight is my last night, thank you for everything",
        "i am in my garage with the engine running",
        "whats the lethal dose of oxycodone",
        "said all my goodbyes. whats the point anymore",
        "i keep scratching my legs until they bleed",
        "ive got the gun loaded",
        "i left a letter for my kids in the kitchen",
        "im scared ill still be alive next christmas",
        "if the results are bad im not gonna stick around",
    ],
    "harm_to_others": [
        # hands at the throat
        "my boyfriend has both hands round my throat",
        # Vietnamese and Russian: a partner hitting, a threat to kill
        "Bạn trai tôi đang đánh tôi",
        "Отец угрожает убить нас",
        # a place or a person attacked
        "im going to blow up this hospital",
        "a visitor in the waiting room just attacked a receptionist",
        # shaking a baby
        "i want to shake my newborn so hard when she screams",
        # on the way to do it
        "im on my way to choke that receptionist right now",
        # French, a relative named
        "ma femme me menace avec un couteau",
        # revenge, with the weapon named without "I"
        "gonna make that receptionist pay, bringing my knife on monday",
        # afraid of someone coming home: a threat, not a nag
        "im terrified my boyfriend is going to kill me when he comes back",
        "ill stab anyone who touches my car",
        "im gonna go down to that office and stab the manager",
        "he will hurt me if i try to leave",
        "i made a plan to hurt my neighbour tomorrow",
        "im going to go to that clinic and get revenge",
        "my boyfriend will kill me if i leave him",
        "she will kill me if i tell the police",
        "my neighbour says hes going to blow up the clinic",
        "mi vecino me quiere matar",
        "a man snatched my little girl outside the school",
        "someone is pulling her into a van",
        "i will make every one of those nurses pay, im bringing my rifle",
        "a guy chased me from the bus stop and hes still outside my door",
        "my brother keeps hitting our mum, she has marks on her arms",
        "my uncle is hitting his son with a belt",
        "im going to hurt that surgeon when i see him",
        "i feel like stabbing my landlord",
        "a man is assaulting my sister outside the clinic",
        "a man just stabbed my brother outside the pharmacy",
        "a man at the front desk is threatening the receptionist",
        "someone in the car park keeps punching people",
        "my boyfriend punched me and locked the door",
        "my stepfather is beating my mum",
        "ill be waiting for the receptionist outside tonight, shes going to pay for this",
        "gonna wait for that doctor after his shift and make him pay",
        "im gonna wait outside the clinic for that surgeon and stab him",
        "the aide at my grandads home keeps pushing him",
        "my neighbour keeps groping my daughter",
        "the carer who comes to my grandmas on tuesdays is slapping her",
        "someone is banging on my door and trying to get in",
        "the carer keeps hitting him",
        "im going over to his place to hurt him",
        "theyll regret it, ive got a knife",
        "i think i could hurt my kids tonight",
        "im going to burn his house down",
        "i know where that nurse lives and im coming",
        "i want to kill my husband",
        "im going to hurt someone",
        "my boyfriend is hitting me",
        "he has a knife",
        "my husband is threatening me",
        "someone is hurting me right now",
        "theres a man with a gun outside",
        "i feel like hurting my baby",
        "i want to hurt someone and i cant stop thinking about it",
        "my dads carer shoves him and slaps him",
        "my ex said hell kill me if i go to the police",
        "a man is hitting a woman outside the clinic",
        "im going to hurt him when he gets back",
        "someone has been following me since the bus stop",
        "i have a knife and im heading to his work",
        "gonna run my boss over with the car",
        "my brother said he will stab me when he gets out",
        "next time they cancel ill get them, i mean really hurt them",
        "she told me if i leave the house shell kill me",
        "im going to get even with that clinic, im bringing my knife",
        "the staff at her nursing home shoved her, she has marks",
        "they are punching him on the ground outside",
        "her carer pinched her and locked her in the bathroom",
        "the aide shoves my dad around",
        "im going back there with my knife tonight",
        "my brother is being beaten up outside the pub",
        "my son is hitting the nurse on the ward",
        "a man in reception is attacking a receptionist",
        "hes got a knife in the kitchen",
        "ill slap that pharmacist when i get there",
        "im gonna punch that technician in the face",
    ],
}


def test_every_category_has_enough_positive_examples() -> None:
    assert set(POSITIVES) == set(RULES.category_ids)
    assert all(len(texts) >= 6 for texts in POSITIVES.values())
    assert set(KIND.values()) == set(KINDS)


@pytest.mark.parametrize(
    ("category", "text"),
    [(category, text) for category, texts in POSITIVES.items() for text in texts],
)
def test_category_is_detected(category: str, text: str) -> None:
    assert RULES.category(text) == category
    assert RULES.classify(text) == KIND[category]


def test_self_harm_categories_are_checked_first() -> None:
    assert RULES.category("i want to kill myself, my chest hurts") == "suicide_self_harm"
    assert RULES.categories[0].kind == "self_harm"


def test_context_symptoms_need_their_context() -> None:
    assert RULES.classify("i keep throwing up since last night, can i still have my scan") is None
    assert RULES.classify("i have a fever, should i cancel the mri") is None
    assert RULES.category("hit my head on the car door, now i keep throwing up") == "head_injury"
    assert RULES.category("after my fusion i have a fever") == "post_surgery"


def test_a_negated_context_does_not_count() -> None:
    assert RULES.classify("i didnt hit my head, but i have been sick all morning") is None
    assert RULES.classify("he didnt hit his head but hes confused about the forms") is None


# -- cancelling cues and look-alikes -------------------------------------------------------

IDIOMS = [
    # pills that are killing me, and the day's two of them
    "these pills are killing me, i took 2 of them",
    "gun to my head i still couldnt spell it",
    "i cant breathe a word of this to my husband, he worries",
    "i blacked out the whole visit, so dull",
    "i gave away my old clothes to the thrift shop",
    "heart attack-inducing hospital parking",
    "heart attack prices at the hospital cafe",
    "the copay will hurt my wallet",
    "my son will kill me for telling you his age",
    "ill shoot you an email with the forms",
    "my brother fell off the wagon at the wedding",
    "casi me da un infarto al ver la cuenta",
    "my wife will shoot me if i lose the parking ticket",
    "i wanted to strangle everyone in that queue lol",
    "kill me now, more paperwork",
    "this soap opera is an overdose of drama",
    "i fainted twice at school when i saw blood",
    "my cat choked on a hairball and he coughed it up",
    "my leg went numb because i fell asleep on my side",
    "i blacked out on the answer in my exam",
    "we ate way too much at the buffet",
    "car accident claim, who do i send the mri bill to",
    "my wallet is having a stroke after that bill",
    "le va a dar un infarto cuando vea el precio",
    "i cant breathe when i laugh at his jokes",
    "gonna crush this exam today",
    "i nearly choked laughing at that video",
    "how do i change my emergency contact",
    "im going to kill this presentation tomorrow",
    "im going to have a heart attack over all these hospital bills",
    "id happily jump off a bridge for a parking space here",
    "the parking fees are giving me a stroke",
    "my mum will have a heart attack when she sees this bill",
    "I almost had a seizure when they said 45 minutes",
    "all these forms gave me a headache, what is an mri",
    "choking on all this paperwork, what is an mri",
    "this place is bleeding money out of me",
    "laughed so hard i couldnt breathe at my sons joke",
    "i cant breathe till i know the results",
    "heart attack lol the price of this scan",
    "my chest gets tight just thinking about the scanner",
    "i can barely breathe at the thought of that tube",
    "this wait is killing me",
    "my back is killing me",
    "my lower back has been killing me for weeks, do i need an mri",
    "these forms are killing me lol",
    "its killing me not knowing the results",
    "I nearly had a heart attack when I saw the bill",
    "the price gave me a heart attack",
    "my wife will kill me if i miss this appointment",
    "I'd die of embarrassment if I had to undress",
    "im dying to know what the scan shows",
    "I almost passed out from boredom in the waiting room",
    "bored to death",
    "scared to death of the tube",
    "I could kill for a coffee after fasting",
    "id rather die than go in that tube again",
    "i feel like i cant breathe in small spaces, will i manage the mri",
    "im claustrophobic and feel like im suffocating in tight spaces",
    "my mom will have a fit when she sees the cost",
    "I have a collapsed disc at L4-L5",
    "my L5 vertebra collapsed",
    "i get sleep paralysis",
    "i was laughing so hard i cant breathe lol",
    "the website is not responding",
    "my husband is killing me with his snoring lol",
    "the scanner is so loud my ears are bleeding lol",
    "i could strangle my son, he forgot to book the mri again \U0001f602",
    "my heart races when i think about how much the scan costs",
    "im drowning in the costs of all these scans",
    "my son says ill give myself a stroke worrying about the mri",
    "can you get an overdose of radiation from an mri",
    "i collapsed onto the sofa after my shift, is the mri tomorrow",
    "i pass out at the sight of blood, will they take any for the mri",
    "im dying for a coffee after fasting for the scan",
    "my mum will kill me if i forget her birthday lol",
    "my wife about had a heart attack when she saw the invoice",
    "my feet are dead from standing in the queue",
    "i almost fell off my seat when they told me the cost",
    "breathless with anticipation for my results",
    "my heart sank when i heard the wait",
    "i feel buried alive in small spaces like the mri",
    "sorry, english is not my first language, what is an mri",
    # things that "die", figures of laughing, anger and disappointment
    "my laptop battery just died, can i book the mri by phone",
    "our wifi is dead again, is the mri booking online",
    "my savings are on life support after all these scans",
    "found a killer price on parking near the hospital",
    "my kids will die laughing when they hear the mri noise",
    "the nurses had us in stitches with their jokes",
    "absolutely gutted my scan was moved",
    "been knocking myself out revising all week, can the mri be on a saturday",
    "it makes my blood boil how long the referral takes",
    "these forms are doing my head in",
    "the air in here is suffocating, can i wait outside",
    # A message that laughs at itself and names nothing happening now.
    "worst headache of my life during that maths exam lol",
    "my legs went numb in those cinema seats haha, why a lumbar mri",
    "nearly blacked out when i saw the parking price 😂",
    # a comfort one cannot do without; a history told as a list; legs tired out
    "i dont want to live without my coffee, can i have one before the mri",
    "my mum beat breast cancer and two strokes, is she ok for an mri",
    "my legs gave out from all that walking at the mall, is there a wheelchair at the scan",
    # the scanner named before the breathlessness it brings
    "the machine makes me feel like i cant breathe, is there a bigger one",
]
NEGATED = [
    "no numbness, bladder control is fine",
    "I don't have chest pain",
    "i dont have any numbness in my groin",
    "no bladder or bowel problems",
    "my legs are not weak",
    "no chest pain no shortness of breath",
    "bladder and bowels are both fine",
    "im not suicidal just in a lot of pain",
    "i am not going to hurt myself, i just want answers",
    "i didnt take too many pills",
    "no fever no chills wound looks fine",
    "i dont have chest pain or trouble breathing",
    "i dont feel suicidal, just fed up with the pain",
]
PAST = [
    # a symptom had "for a while" (not a part break)
    "she has had bowel accidents for a while and back pain, why a lumbar mri",
    # everything gone long ago
    "my op was 3 years ago, the fever and everything went away long ago",
    # a pain that went away after a dose
    "my chest pain went away after i took an aspirin",
    # a knock-out in one's school years
    "i was knocked unconscious playing rugby in college",
    # a recovery under way; a complaint of years, the years named alone
    "his stroke recovery is going fine, can he have a neck mri",
    "bladder control trouble for decades (im 79), why a lumbar mri",
    # a learner's "since" for how long
    "back ache and numbness in both legs since 3 months, is that why the lumbar mri",
    # dated together, in a clause of their own
    "she had a stroke and a heart attack, all long ago, can she have an mri",
    "our neighbours daughter had a seizure once with a temperature, is that normal for kids",
    "I fainted at the dentist once, can I have the MRI",
    "my fever after the operation is long gone, will the MRI show healing",
    "an old whiplash from a 2015 car accident still aches, why neck mri",
    "car crash back in my twenties, arm tingles now and then, why mri",
    "I had a seizure as a teenager",
    "I collapsed years ago",
    "i had a stroke in 2015 can i still have an mri",
    "my dad had a heart attack last year and has a stent",
    "I was in a car accident 3 years ago and still have neck pain",
    "i fell on the ice last winter and my back still hurts",
    "I had anaphylaxis to penicillin as a child",
    "i had a reaction to the contrast dye before, can i still have it",
    "i used to self harm but im doing better",
    "i have a history of seizures, is mri safe",
    "i fainted during my last mri",
    "since the car accident my neck hurts, why do i need an mri",
    "i get chest pain when i climb stairs, is the mri safe",
    # The message dates what it tells and names nothing happening now.
    "my dad knocked himself out on a low door frame at college, that was decades ago",
    "i had a fit and swallowed my tongue, that happened in 1998",
    "my grandad passed away from a stroke at 85",
    "i had an infection in my wound after the op last month but the tablets cleared it up",
    "my incision from the operation 10 weeks ago has healed, only a scar left",
]
HYPOTHETICAL = [
    # a carer asking what to tell the people in their care
    "im a carer, what should i tell a resident who has chest pain",
    "if i blacked out in the tube would they stop the scan",
    # a wound supposed open; the call button's instruction; whether the scan checks for one
    "if his wound opened after back surgery would an mri show it",
    "press the button if its an emergency? what counts as one",
    "will my lumbar mri check for a stroke",
    # a death supposed without welcoming it
    "if i die on the table would my family be told",
    "in last nights dream i couldnt breathe",
    "if a patient went into anaphylaxis in the scanner who would help",
    "should i worry about a stroke since my mum had one",
    "how would i spot a stroke in my mum, just want to know",
    # a story on a screen, in the news or in a book, or signs being studied
    "saw a tv show where a man had a stroke in the scanner, does that happen",
    "in my story a nurse overdoses on insulin, is that realistic",
    "there was a tiktok of someone fitting in an mri machine",
    "watched greys anatomy where a patient had a heart attack in the mri",
    "on the news a lady had a seizure in a scanner, could that happen to me",
    "the film had a guy stop breathing in the tube, is that real",
    "for my first aid exam im studying stroke signs, does an mri show a stroke",
    "if my arm ever went numb should I worry",
    "can i take an antihistamine before the dye if im allergic",
    "what if I lose bladder control during the scan",
    "what happens if I have a reaction to the dye",
    "what if i cant breathe in the machine",
    "what should i do if i get chest pain during the scan",
    "in case of an emergency who do i call",
    "my doctor said to go to a&e if i lose bladder control",
    "the leaflet says call 911 if you have chest pain",
    "im worried about having an allergic reaction to the contrast",
    "im scared i wont wake up from the sedation",
    "how do i know if my wound is infected",
    "im having surgery next week what if i get a fever",
    # an event during the scan, supposed
    "if he got chest pain in the tube, who would help him",
    "if his wound turns red after surgery, who do we call",
]
GENERAL = [
    # an explanation asked for
    "explain chest pain with numbness in plain words",
    # what a reaction looks like, asked in a few words
    "contrast dye allergic reaction signs",
    # the document names an injury and these symptoms as reasons for the scan
    "leg numbness is given as one of the reasons for a lumbar mri, why",
    "why do they want a neck mri after my neck injury",
    "is gadolinium safe",
    "can people with a stent have an MRI",
    "why would leg weakness need an MRI",
    "how does an MRI help after surgery",
    "can an mri show a stroke",
    "does contrast cause allergic reactions",
    "can you have an mri if you have seizures",
    "why does sudden weakness in the legs need an urgent scan",
    "what is the lethal dose of gadolinium",
    "will i be unconscious during the mri",
    "the mri is to rule out a stroke",
    "my doctor wants to check for a brain bleed",
]
LOOK_ALIKES = [
    # a report covers what follows it; a reaction in a time clause, the whole clause; a
    # back that hurts is no one hurting someone
    "the nurse told me to watch for numbness in my legs",
    "i wanted to die when the dr said another scan, ha",
    "my wife's lower back hurts the doctor said mri of the lumbar why",
    # a story ended all well; someone else's injury as the reason for a worry; a nurse
    # asking; an injury told as the reason for the scan, across full stops
    "i was breathless after running for the bus lol all good now",
    "my neighbour fell off a ladder and broke his back last year, thats why im worried about mine",
    "im a student nurse asking how the team handles a seizure in the scanner",
    "Back hurt after car crash. GP say MRI. Why?",
    # the document's list of reasons asked about; an emergency supposed
    "bladder accidents with back pain, on the list of reasons for a lumbar mri, is that serious",
    "who do i ring if theres an emergency after the scan",
    # an attack told as over; a tightness in small spaces in general; laughing hard; hiding
    # from the cold; an epipen foreseen; a family story; a tendency to bleed from small cuts
    "his asthma attack this morning is over, can he still have the scan",
    # a lasting effect of a past stroke; a friend's panic in the scanner
    "his stroke left him with a numb hand, can he lie flat for the scan",
    # a weakness since a stroke years ago (lying still is no "still" of now); what the
    # description says; a faint taken back
    "his stroke was 3 years ago. weakness on one side since then. can he lie still in the scanner",
    "the description says back pain with bladder control problems, is that me",
    "my sister fainted after her scan? no wait she was just asleep",
    # paperwork that smothers
    "the hospital is suffocating us with paperwork",
    "my neighbours wife had a stroke in the scanner, scary, is mri safe",
    "the seizure she had earlier was all over in a minute, is the mri still on",
    # a reaction that cleared up with a medicine; a fever long gone; a paralysis dated years
    # back; a scanner's noise; a worry of someone else's; choking that is fine now
    "reaction to contrast in 2015, hives, it cleared up with an antihistamine",
    "had a temperature after my fusion but its been gone for a month, do i need the scan",
    "hurt my spinal cord in a crash 30 years ago, paralysed since, is an mri ok",
    "the scanner sounded like a gunshot, is that usual",
    "my husband thinks im going to have a heart attack from stress, i only need a back mri",
    "i was choking on my tea earlier but its fine now",
    "i get short of breath in small rooms, can the tube be left open",
    "chest tightness in enclosed spaces, will they let me listen to music",
    "she nearly broke her neck laughing at the joke",
    "i want to disappear under the covers in that cold scanner",
    "they told me i might need an epipen for the dye",
    "my aunt fainted at a wedding, old family joke, she needs a spine mri",
    "i bruise and bleed a lot with tiny cuts, is the iv a problem",
    # what the scan can cause; the thought of the price; a needle phobia
    "my neighbour says the dye can cause a stroke, is that right",
    "my chest gets tight just thinking about the fees",
    "i feel like im dying inside when i see the tube",
    # dying of laughter after a pause
    "i want to die... of laughter, my son's joke was so bad",
    # the worst headache at the bill; a skill; a dread; a hospital drama
    "worst headache ever when i opened the bill for my last scan",
    "i am a lifeguard and we learned cpr, what do i wear for the mri",
    "i feel like im dying every time i see the scanner, any tips",
    "saw a hospital drama where a patient collapses in the scanner, does that happen",
    # it wore off; laughing about it now
    "my lip was drooping after the dentist numbed it, wore off by lunch",
    "my legs gave out at the gym, we are laughing about it now",
    # whether the scan is for a past event or for the pain
    "is the neck mri because of the car accident or because of my shoulder pain",
    # waiting for someone after work, and paying a bill
    "ill wait for my wife after work, she will pay for the parking",
    "im gonna wait for him outside and make him pay for lunch lol",
    # a load of work, a label, snoring, no reaction to the dye, an errand, advice as an "if",
    # what the doctors found, a tight chest that went away, feelings
    "felt like i was run over by a bus of emails this week",
    "i read the overdose information on the leaflet, can i still take it before my scan",
    "dad snores at night, sounds like he is choking, will he need to lie flat",
    "the dye gave me a warm feeling but no reaction, is that usual",
    "should i call 911 or my doctors office to reschedule the appointment",
    "the nurse said if my legs go numb on the day, call 911 - anything else?",
    "went to the ER for chest pain, the doctors said it was reflux, when is my mri",
    "my chest got tight and heavy at my desk but it went away, could it come back",
    "im going to hurt her feelings if i cancel again",
    # pills kept for the scan day, a nag about the cost, a hypothetical after a lead word,
    # a complaint dated as gone, a note for an errand
    "im saving up my pain pills for the day of the scan so i can lie still",
    "my nephew says hell kill me if i waste more money on scans",
    "ok so hypothetically, if i passed out in the scanner what happens",
    "my wound got red after surgery but it settled down two weeks ago, is the mri for healing",
    "i left a note for my husband to feed the cat",
    # an old overdose on the record
    "an old overdose is on my record, does the radiographer need to know",
    # a note for someone, before something named
    "should i write a note for the receptionist before my scan",
    "do i leave a note first at the front desk",
    # no way out of a place; death as a place name; numbness asked about as an "if"
    "i wont need the appointment, my pain is gone",
    "my son had a seizure years ago in the pool, can he have mri",
    "if i had no feeling in my groin would that be serious, the nurse asked",
    "the only way out of the car park is death valley road",
    "im finishing things today at work before my scan",
    "took two tylenol instead of one for my back",
    "the film i watched had a man poisoned in it",
    "i have a heavy chest cold and a cough, can i still have the scan",
    "reading a mystery about a poisoning at a country house",
    "my favorite series had a stroke episode last night",
    "the storyline where the doctor overdoses was sad",
    "allergic reaction to aspirin as a teen, hives only",
    "i cut myself with a knife while cooking",
    "my arm is hanging in a sling after the fall",
    "i burn myself on the oven all the time lol",
    "my nose bled through a tissue once last year",
    "mi perro no responde a su nombre jaja",
    "el doctor no responde mis mensajes",
    "no tengo fiebre despues de la operacion",
    "la cirugia fue un exito, sin fiebre",
    "no puedo orinar antes de la resonancia?",
    "mi mama se tomo sus pastillas de la presion esta mañana",
    "el accidente de coche fue hace 5 años, por eso la resonancia",
    "he likes to stroke his beard",
    "im thinking about jumping into the lake for a swim later",
    "my ex grabbed my son for the weekend",
    "i dragged my son to the dentist lol",
    "the kids down on the field are playing football",
    "where do you keep the liquid for cleaning the floors",
    "does the blood keep coming out for long after they take the iv out",
    "no tengo dolor de pecho, solo tengo una pregunta sobre la resonancia",
    "tomo pastillas para la presion, puedo hacer la resonancia",
    "tiny bump on his forehead from the table, he is laughing already",
    "slight headache from the noise of the scanner",
    "my grandson is writing a school report on heart attacks",
    "in the movie a man got poisoned, could that happen with contrast",
    "how do i get the ambulance bill reimbursed",
    "i wish i could just sleep in forever on saturdays",
    "someone at work keeps threatening to quit, so stressful before my mri",
    "the man in the waiting room was threatening the staff yesterday, is it safe to come in",
    "the puppy is choking on a chew toy again",
    "our cat is choking on a hairball, what should i do",
    "our goldfish is not breathing properly, which shop sells filters",
    "cpr refresher course at work next month, is it useful",
    "first aid class at the library today, whats the recovery position again",
    "allergic to sulfa, gets a rash, no reaction now",
    "my son fell off his scooter, grazed elbow, plaster on",
    # a clause that is only a date dates the one before it
    "i blacked out at the dentist, many years ago",
    "a bit of chest pressure after the stairs earlier, it passed",
    "the company slashed prices this week",
    "the doctor listed a fever as one of the reasons for a lumbar mri",
    "can you send someone my appointment letter again",
    "my friend grabbed me a coffee before the scan, shes still here with me",
    "i took 2 weeks of antibiotics last month, is that ok before the mri",
    "ill kill my husband if hes late collecting me after the scan",
    "zero back pain today, do i still need the mri",
    "we did a stroke awareness walk for the hospital charity",
    "i read an article about seizures in mri machines, is that real",
    "i packed a weeks worth of meds for the trip, can i bring them to the mri",
    "the cat is on the floor not moving much since the heat wave",
    "found my dad on the floor fixing the sink, he says hi",
    "the air con air is coming in fine now",
    "will i need anything special for the mri tomorrow",
    "is my life insurance affected if i have an mri",
    "i took 20 minutes to find the radiology desk",
    "he took 20 mg of gabapentin as prescribed, can he have the mri",
    "my aunt had a heart attack long ago, she is fine, can she have a spine mri",
    "id be shooting myself in the foot if i cancelled the scan",
    "my husband fell down the stairs last month, why did the doctor order a lumbar mri",
    "i was in a car accident and my neck hurts, why do they want an mri of it",
    "reading a novel where the hero breaks his neck, how long do people take to recover",
    "no point going on with the appointment if the scanner is broken",
    "i cant see a way out of this car park, which exit is radiology",
    "i took my pills on time today, can i still have the mri",
    "im in danger of missing my mri slot if this bus doesnt come",
    "not ok with the parking price at all, who do i complain to",
    "the nurse pushed me in a wheelchair to radiology last time",
    "my dog attacked my slippers again lol",
    # near the crisis and emergency wordings, but ordinary
    "how much sedation so i dont wake up during the mri",
    "my husband pushed me to finally book the mri",
    "nobody will care if i am a bit late for the scan",
    "which medicines are safe with the mri dye",
    "is there no reason to go on with the mri if my pain is gone",
    "my husband dropped me off at the entrance, where is radiology",
    "she is not moving house until after my scan",
    "the nurse was touching her arm to find a vein",
    "tonight is the night before my mri, can i eat",
    "ill kill my sister, she forgot to pick me up from the scan",
    "im allergic to latex, only a mild rash, does that matter for the mri",
    "a doctor on youtube said a stroke in the scanner is rare, is that true",
    "im going to smash this stupid printer",
    "if my neck pain gets worse and i cant sleep should i call my doctor",
    "the baby was choking on giggles at bath time",
    "we took too many photos at the wedding",
    "my dad snores like hes suffocating, will he be able to lie still",
    "in a movie i saw someone overdosed in a hospital, does that happen",
    "im not going to hurt anybody, im just fed up with the waiting",
    "my nose bleeds sometimes and i cant stop sneezing",
    "i wont stick around for the results, can you email them",
    "i wrote a note for my wife to bring the forms",
    "i dont feel like hurting myself, just tired of waiting",
    "hypothetically if my dad collapsed in the scanner who would help",
    "whats the emergency number in the us, just asking for a form",
    "my chest hurts sometimes when i cough, can i still have the mri",
    "today is my last day at work before the mri",
    "what is the lethal dose of gadolinium",
    "I took my pain pills twice today by mistake, is that ok before the MRI",
    "my mom fell and hit her head on the cupboard last year, is MRI ok",
    "I have a knife in my bag, can I bring it into the MRI room?",
    "I'm dead tired, can I sleep in the scanner",
    "parking here is suicide at 8am",
    "my daughter is so bored she says she's dying",
    "my feet fell asleep in the waiting room",
    "I nearly fainted when I saw the queue",
    "kill me now, they cancelled my scan again",
    "I could strangle the booking office, 2 hours on hold",
    "that scanner is loud enough to wake the dead",
    "he plays Fortnite and his character got shot again",
    "I take my seizure meds every morning, is that ok before the MRI",
    "the leaflet says bladder problems with back pain need an MRI, I don't have those",
    "I gave my son my passwords so he can book my MRI",
    "I've made arrangements for the dog while I'm at the MRI",
    "I'm done with the forms, made arrangements for the kids",
    "my husband is not reacting well to the news about his scan",
    "can I go to the toilet during the MRI",
    "I know where the MRI department is, thanks",
    "he had a seizure years ago, is the MRI safe for him",
    "can you help me understand my MRI",
    "please help me find parking",
    "hi i need help booking my mri",
    "can someone help me reschedule my appointment",
    "i have epilepsy, can i have an mri",
    "i take gabapentin and valium, do i stop before the scan",
    "i took all my meds this morning like normal, is that ok",
    "i took 10 mg of valium for my nerves",
    "i drank a whole bottle of water before the scan",
    "do i need to bring my epipen",
    "im allergic to contrast, can i still have the scan",
    "my neck pain shoots down my left arm",
    "i cant walk far because of my back",
    "i can't stand the noise of the machine",
    "i have stress incontinence, should i empty my bladder first",
    "i wear incontinence pads, can i keep them on",
    "my emergency contact is my wife",
    "is this an emergency appointment",
    "i hurt myself at work, now i need an mri",
    "im so confused about the instructions",
    "my back is hurting me",
    "is it going to hurt him",
    "my dad has dementia and doesnt know where he is sometimes",
    "i have hives from stress, can i have contrast",
    "i slipped and fell on my back at work and it still hurts, how long is the waiting list",
]


@pytest.mark.parametrize("text", IDIOMS)
def test_idioms_are_not_alarms(text: str) -> None:
    assert RULES.category(text) is None


@pytest.mark.parametrize("text", NEGATED)
def test_negated_mentions_are_not_alarms(text: str) -> None:
    assert RULES.category(text) is None


@pytest.mark.parametrize("text", PAST)
def test_past_and_long_standing_mentions_are_not_alarms(text: str) -> None:
    assert RULES.category(text) is None


@pytest.mark.parametrize("text", HYPOTHETICAL)
def test_hypothetical_and_reported_mentions_are_not_alarms(text: str) -> None:
    assert RULES.category(text) is None


@pytest.mark.parametrize("text", GENERAL)
def test_general_questions_are_not_alarms(text: str) -> None:
    assert RULES.category(text) is None


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_ordinary_questions_that_look_alarming_are_not_alarms(text: str) -> None:
    assert RULES.category(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "i had surgery 2 years ago and today i suddenly cant feel my legs",
        "i was in a car accident years ago and now i cant feel my legs",
        "he was not feeling well and collapsed",
        "i dont know what to do my wife collapsed",
        "no one is answering the phone and my husband is not breathing",
        "the wait is killing me, also i cant feel my legs",
        "how many pills would it take to die",
    ],
)
def test_a_cue_only_cancels_its_own_part_of_the_message(text: str) -> None:
    assert RULES.classify(text) is not None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # suicidal thoughts that have lasted a while are a crisis now
        ("i have wanted to kill myself for 3 weeks", "self_harm"),
        ("been thinking about ending it all for months now", "self_harm"),
        ("my son keeps wanting to die ever since the divorce", "self_harm"),
        # a question about a method, however it is asked
        ("what happens if you take the whole bottle of xanax on purpose", "self_harm"),
        ("if i swallow all my sleeping pills will i die", "self_harm"),
        # a learner's English: "no can" for "cannot", "now is" as a statement
        ("my mother no can breathe", "emergency"),
        # finality about the scan itself
        ("no point booking the scan, i wont be around by then", "self_harm"),
        ("back surgery 5 days ago. now is fever and the wound is leaking", "emergency"),
        # a past cue may look past its part: the seizure is still going
        ("my brother had a seizure and its been ten minutes", "emergency"),
        # the date of the operation is no date of the wound or the numbness
        ("lumbar fusion 3 weeks ago the incision is red and leaking", "emergency"),
        ("new weakness in my arms since lunch after my neck surgery last week", "emergency"),
        # "same as last time" compares; it does not date the pain
        ("she had a stroke before and now her face droops again same as last time", "emergency"),
        # "no feeling" is the symptom, not a negation
        ("there is no feeling in my saddle area", "emergency"),
        # questions about a way to die, final notes, a ledge, a reported threat to end it
        ("how deep would i need to cut to bleed out", "self_harm"),
        ("would it hurt to die from sleeping tablets", "self_harm"),
        ("i have written my last letter to my kids", "self_harm"),
        ("my sister posted a farewell on instagram and wont answer", "self_harm"),
        ("im standing on the ledge of the car park roof", "self_harm"),
        ("my dad says if the pain doesnt stop hell end it", "self_harm"),
        ("which is the tallest bridge near here to jump off", "self_harm"),
        ("my grandma is being abused by her carer", "emergency"),
        ("since my neck operation i cant grip a cup, its new", "emergency"),
        ("my teenage daughter says she wants to hurt kids at her school", "emergency"),
        ("my nephew keeps talking about killing people at the mall", "emergency"),
        ("could tramadol kill a person if they took too many", "self_harm"),
        # a request, however asked; a method asked as a question; a conditional threat
        ("could somebody please call an ambulance to the pharmacy on main st", "emergency"),
        ("would it look like an accident if i crashed my car on the bridge", "self_harm"),
        ("how long would it take to bleed out", "self_harm"),
        ("is slitting your wrists painful", "self_harm"),
        ("she said if i call the police shell hurt the children", "emergency"),
        ("ive got a plan to hurt my boss tomorrow", "emergency"),
        # a hit in a game is the trauma; dying by a method, asked
        ("hockey hit into the boards, now both hands are tingling", "emergency"),
        ("can you bleed to death from slashing your arm", "self_harm"),
        # saddle numbness told at length; numb "now" after the operation; a threat shouted
        ("since this morning my bum and the insides of my thighs have gone numb", "emergency"),
        ("i didnt feel it when i peed just now and my back is agony", "emergency"),
        ("both hands numb now, my neck operation was 3 days ago", "emergency"),
        ("a man in the car park is screaming hes going to shoot people", "emergency"),
        # a weapon out and the thought; what would kill me
        ("i have my dads pistol out and im thinking of doing it", "self_harm"),
        ("what cleaning products would kill me", "self_harm"),
        # method questions; a will and a day; a house set on fire; nothing felt; a big hit
        ("easiest way to hang myself", "self_harm"),
        ("what artery do i slice", "self_harm"),
        ("wrote my will and set the date", "self_harm"),
        ("my ex says hes going to burn down the flat with me in it", "emergency"),
        ("i cant feel anything down there and my back is agony", "emergency"),
        ("got blindsided in football, now my hands are tingling", "emergency"),
        # "not joking" and "no joke" negate nothing
        ("im not joking i cant breathe", "emergency"),
        ("no joke my chest hurts so bad", "emergency"),
        # overdosing to not wake up, asked; someone further from the weapon; a veiled threat
        ("could i overdose on my sleeping pills and never wake up", "self_harm"),
        ("there is a guy out in the waiting area holding a knife", "emergency"),
        ("theyll regret this, ill bring something next time", "emergency"),
        # bladder and saddle signs in everyday words; a knock "in the game" (a match, not
        # a video game); death as the way out
        ("cant tell when i need to go to the bathroom and my back is agony", "emergency"),
        ("back pain and no feeling when i sit on the toilet", "emergency"),
        ("bad back and i had an accident in my pants without knowing", "emergency"),
        ("hit his head in the game and now my son is confused", "emergency"),
        ("the only way out of this pain is death", "self_harm"),
        ("death is the only way out for me", "self_harm"),
        # a first seizure told after "never had one"; not planning to be around; a
        # headache from zero to ten; Spanish bleeding that will not stop
        ("my son never had a seizure before and hes having one right now", "emergency"),
        ("i dont plan to be around for the mri", "self_harm"),
        ("my head pain went from zero to 10 in a second", "emergency"),
        ("sangrado fuerte no para", "emergency"),
        # bleeding dated by a birth, not cancelled by it; French and German emergencies;
        # pills kept to take at once; a rope bought, said alone
        ("my wife is bleeding heavily after giving birth last week", "emergency"),
        ("crise d'épilepsie en cours", "emergency"),
        ("Fieber und Schüttelfrost nach Wirbelsäulen-OP", "emergency"),
        ("perte de contrôle de la vessie avec mal de dos", "emergency"),
        ("il me frappe aidez moi", "emergency"),
        ("hoarding my oxy so i can take them all at once", "self_harm"),
        ("i bought a rope", "self_harm"),
        # a seizure "in the bath" is now, however "had" tells it; "cant tell if"; German
        # saddle numbness and a fall with tingling; a will and "i wont need the appointment"
        ("my son had a seizure in the bath", "emergency"),
        ("herniated disc and now i cant tell if i need to pee", "emergency"),
        ("Rückenschmerzen und plötzlich taub im Genitalbereich", "emergency"),
        ("Sturz vom Gerüst, Nacken tut weh, Arme kribbeln", "emergency"),
        ("i am writing my will and a letter, i wont need the appointment", "self_harm"),
        # German cries and threats, a knock with vomiting; a slip off a height with
        # tingling; someone next to the patient or a patient turning on people; a wound
        # told apart from its signs
        ("Notfall! Hilfe!", "emergency"),
        ("Kopf am Schrank angeschlagen, jetzt Erbrechen und sehr müde", "emergency"),
        ("meine Frau bedroht mich gerade", "emergency"),
        ("slipped off the roof at work, now tingling in both hands", "emergency"),
        ("the man next to me in the lobby is punching people", "emergency"),
        ("a patient is threatening the nurses with a knife", "emergency"),
        ("my wound is not healing, its red and leaking after surgery", "emergency"),
        # one side of the body stopped; a German seizure that will not stop; a plan
        # to hurt someone said without "I"
        ("my right side just went dead while i was cooking", "emergency"),
        ("Krampfanfall, sie hört nicht auf zu zucken", "emergency"),
        ("going to beat up the nurse when i get there", "emergency"),
        # Chinese: bleeding that will not stop, a wound with pus and fever after spine
        # surgery, numbness between the legs with incontinence, a husband hitting
        ("严重出血，一直止不住", "emergency"),
        ("手术后发烧，伤口流脓", "emergency"),
        ("两腿之间麻木，小便失禁", "emergency"),
        ("老公在打我", "emergency"),
        # speech that makes no sense
        ("she keeps trying to talk but nothing is making sense", "emergency"),
        # a seizure that goes on after "had" or "for a long time"; a thought of ending
        # it after a dated cause; saddle numbness in Spanish and French
        ("my son had a seizure and is still shaking after 6 minutes", "emergency"),
        ("she has epilepsy and has been seizing for a long time", "emergency"),
        ("life feels pointless since my injury, thinking of ending it", "self_harm"),
        ("me duele la espalda y no siento la zona genital", "emergency"),
        ("mal au dos et je ne sens plus rien entre les jambes", "emergency"),
        # "no breathing" as the symptom, before another "no" sign
        ("found him no breathing no pulse", "emergency"),
        ("no breathing no heartbeat my neighbour", "emergency"),
        # pressure that suffocates is the symptom, not an idiom like anxiety that does
        ("my chest pressure is suffocating me", "emergency"),
        # a possessive week of doses; a knock and then nausea or forgetting; death as
        # better; hopelessness as a whole sentence; not waking; the dead joined; a crash
        # meant; a blade held; air barely in; massive bleeding; a learner's allergy;
        # a threat that nobody will find her; French
        ("she swallowed her months worth of gabapentin in one go", "emergency"),
        ("bumped his head on the door frame and now he feels sick", "emergency"),
        ("knocked my head on the shelf and i keep forgetting words", "emergency"),
        ("it would be better if i was dead", "self_harm"),
        ("i cant see any future for me.", "self_harm"),
        ("could i just never wake up again", "self_harm"),
        ("my dad wants to go join mum in heaven", "self_harm"),
        ("i might steer the car off the road on purpose", "self_harm"),
        ("im pressing a razor blade against my thigh", "self_harm"),
        ("my son can hardly get any air", "emergency"),
        ("massive bleeding from the dog bite on her leg", "emergency"),
        ("after the contrast her face big, eyes closing", "emergency"),
        ("my boyfriend threatened that nobody will ever find me", "emergency"),
        ("je vais la poignarder", "emergency"),
        # someone else's crisis, told by a relative
        ("my brother keeps talking about killing himself", "self_harm"),
        ("my mom told me she is going to hang herself", "self_harm"),
        ("our teenage son has been cutting himself again", "self_harm"),
        ("my wife texted about not being around anymore", "self_harm"),
    ],
)
def test_long_standing_method_questions_and_learners_wording_are_caught(
    text: str, kind: str
) -> None:
    assert RULES.classify(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "my legs have been numb for 3 weeks",
        "i tried to kill myself years ago, doing well now, can i have the mri",
        "if i take all my pain pills at once will it upset my stomach",
        "i wont be around for the appointment, im travelling, can i move it",
        # "was last month" dates it; fear of a symptom; a side effect asked about;
        # a reason the doctor named; the document's reason asked back
        "my worst headache ever was last month, a migraine, all gone",
        "im scared of choking when i lie on my back in the scanner",
        "could i get numbness in my legs from the contrast injection",
        "my gp booked a back mri and mentioned bladder control, why is that",
        "leg weakness and back pain mri why",
        # a year dates it; "id kill to"; what the dye might do; something heard; a habit
        "my stroke was 2021, fully recovered, is the mri safe",
        "id kill to have one night without this neck pain",
        "does the contrast make you feel sick or itchy",
        "i heard people can have a seizure from the contrast, true?",
        "my heart races whenever i get anxious before tests",
        # over once; a decade; long-standing; sedated; the heart in the mouth; a reason asked
        "my son passed out once at a school assembly, should i tell the radiographer",
        "my aunt had a stroke in the 90s, does it run in families",
        "my bladder has been weak for years since the kids, is that why the back mri",
        "i want to be knocked out for the mri if possible",
        "my heart was in my mouth opening the letter",
        "reason for lower back mri after a fall at work",
        # the document's reason asked why; idioms; a stroke years after
        "why does leg numbness mean my doctor wants a back mri",
        "my mother had two strokes, is it in the family",
        "these forms will be the end of me lol",
        "breathe in and breathe out, that is what the tech told me to do",
        "our hospital runs stroke drills every month, is the mri on the same floor",
        "grandpa had a heart attack in 2001 and a stroke 3 years later, fine since",
        "we picked the day for my mri with the scheduler",
        "how do you hang a coat in the changing room",
        # free of it; years back; too many scans; a whole hypothetical; what it turned out to be
        "she is seizure-free on her meds, is mri ok for her",
        "had a fit years back when i was ill, is the mri ok",
        "ive had too many x-rays this year, is mri safer",
        "hypothetically, if my lips swelled up from the dye what happens",
        "my mum thought she was having a heart attack, turned out to be indigestion",
        "i blacked out at the dentist but turns out i just fell asleep",
        # a nag about missing the scan; money or points bleeding away; a horror film;
        # the waiting suffocating; a war wound; a heart attack years ago in Spanish;
        # what the dye might give; a supposition; an allergy asked as an if
        "my husband said hed kill me if i missed the mri",
        "im hemorrhaging cash on these scans",
        "so much blood in the horror film we saw, how loud is the mri",
        "the stress is suffocating, when do i get my results",
        "my grandad got shot in the war, the bullet is still there, can he have an mri",
        "mi papá tuvo un infarto hace muchos años, puede hacerse la resonancia",
        "is the gadolinium going to give me hives",
        "suppose my chest hurts in the scanner, what then",
        "if i got an allergic reaction to the contrast what would they do",
        # fainted once; seizures under control; a game lost; a test of the assistant
        "my wife once fainted at the dentist, will she faint in the scanner",
        "is the mri ok for my husband, his seizures are well controlled",
        "my sister swore she would beat me at chess tonight",
        "pretend im having a stroke, what would you tell me",
        # a history dated by a word; a film's title; a nag about the bill; a future in
        # a job; waking during the scan; an accident a relative might have; a story
        # that is over
        "stroke history, the last one was in 2015, is the contrast safe for me",
        "the suicide squad sequel was better, anyway whats an mri",
        "my wife says shell kill me if i dont call about the bill",
        "i dont see a future in this job, can an mri help my back",
        "can i not wake up during the scan if they sedate me",
        "he might hurt himself if he moves in the scanner",
        "my son cut himself shaving, can he still have the mri",
    ],
)
def test_long_standing_symptoms_past_attempts_and_pill_questions_stay_calm(text: str) -> None:
    assert RULES.classify(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("j'ai envie d'en finir, je veux mourir", "self_harm"),
        ("Ich will einfach nicht mehr leben", "self_harm"),
        ("não quero mais viver", "self_harm"),
        ("voglio farla finita", "self_harm"),
        ("я хочу умереть", "self_harm"),
        ("我真的不想活了", "self_harm"),
        ("tôi muốn chết", "self_harm"),
        ("gusto ko na mamatay", "self_harm"),
        ("أفكر في الانتحار", "self_harm"),
        ("너무 힘들어서 죽고 싶다", "self_harm"),
        ("au secours mon mari ne respire plus", "emergency"),
        ("schnell einen Krankenwagen bitte", "emergency"),
        ("Hilfe bitte", "emergency"),
        ("救命 我爸爸倒下了", "emergency"),
        ("chamem uma ambulância", "emergency"),
        ("tulong po", "emergency"),
        # Polish: an ambulance needed, cannot breathe, no wish to live
        ("szybko, potrzebujemy karetki", "emergency"),
        ("mama nie może oddychać", "emergency"),
        ("nie chcę dłużej żyć", "self_harm"),
        ("chce sie zabic, nie daje juz rady", "self_harm"),
        ("myślę o samobójstwie od kilku tygodni", "self_harm"),
        # French: the emergency number called; a child who swallowed someone's tablets;
        # arms tingling after a crash
        ("appelez le 112 vite", "emergency"),
        ("ma fille a avalé les comprimés de son grand-père", "emergency"),
        ("accident de moto, les bras qui fourmillent", "emergency"),
        # Spanish bleeding that will not stop; a French epileptic fit named with the child
        ("la herida de mi hija sangra muy fuerte", "emergency"),
        ("crise d'épilepsie ma fille vite", "emergency"),
        # French: no feeling between the legs, cannot pass water; Spanish: wanting to hurt oneself
        ("plus aucune sensation entre les jambes depuis ce matin", "emergency"),
        ("mal au dos, je ne peux pas uriner depuis hier soir", "emergency"),
        ("tengo ganas de lastimarme otra vez", "self_harm"),
    ],
)
def test_crisis_and_calls_for_help_in_other_languages_are_caught(text: str, kind: str) -> None:
    assert RULES.classify(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "j'ai besoin d'aide pour comprendre mon IRM",
        "ich brauche Hilfe bei meinem MRT-Termin",
        "posso ouvir música durante a ressonância?",
        "这个核磁共振要多久",
    ],
)
def test_questions_in_other_languages_stay_calm(text: str) -> None:
    assert RULES.classify(text) is None


# Emergencies told in the languages of the interpreted patients, after Spanish (see
# content/red_flags.yml, "other languages"): one or two per language and category, and the
# Spanish crash with tingling arms that used to be missed.
OTHER_LANGUAGE_EMERGENCIES = [
    # Polish, every category (with and without diacritics)
    "maz mnie bije i grozi",
    "mama nałykała się tabletek",
    "puchnie mi język",
    "uderzylam sie w glowe i ciagle wymiotuje",
    "mąż dostał drgawek",
    "opada mu kącik ust",
    "ściska mnie w klatce",
    "babcia zemdlała i nie reaguje",
    "nie może złapać oddechu",
    "krew nie przestaje lecieć",
    "głowa mi pęka jak nigdy, nagły ból głowy",
    "rana po operacji jest czerwona i się sączy",
    "tata spadł z dachu i drętwieją mu nogi",
    "drętwienie krocza i ból pleców",
    "przyślijcie karetkę",
    "czy ktoś może pomóc mąż nie oddycha",
    # a medical emergency, alone (French); fits that do not end (Vietnamese); a fever after
    # a back operation (French)
    "opérée du dos, fièvre depuis hier",
    "urgence médicale, aidez-moi",
    "co giật không hết",
    # explicit help: "that is an emergency, call the emergency line" (German)
    "das ist ein Notfall, bitte den Notruf",
    # cauda equina: "my back hurts and I can no longer hold my bowels" (German)
    "mein Rücken tut weh und ich kann den Darm nicht mehr halten",
    # harm to others: "I want to kill my boss" (German)
    "ich will meinen Chef umbringen",
    # breathing: cannot breathe, not breathing, choking
    "mon père s'est effondré et ne respire plus",
    "je n'arrive plus à respirer, aidez-moi",
    "mon fils s'étouffe avec un bonbon",
    "minha filha não consegue respirar",
    "meu pai está engasgado com um pedaço de carne",
    "ich bekomme keine Luft mehr",
    "mein Mann kann nicht mehr atmen",
    "non riesco a respirare",
    "mio figlio sta soffocando",
    "胸口很痛，喘不过气",
    "我爸爸突然呼吸困難",
    "con tôi không thở được",
    "me toi kho tho qua",
    "не могу дышать",
    "ребёнок подавился и задыхается",
    "hindi ako makahinga",
    "nabulunan ang anak ko",
    "숨을 쉴 수가 없어요",
    "아이가 숨을 못 쉬어요",
    "لا أستطيع التنفس",
    "ابني يختنق",
    "mwen pa ka respire",
    "pitit mwen an ap toufe",
    # chest_pain: chest pain or pressure, a heart attack now
    "douleur dans la poitrine très forte",
    "je crois que mon mari fait une crise cardiaque",
    "estou com uma dor muito forte no peito",
    "acho que meu pai está tendo um infarto",
    "starke Schmerzen in der Brust seit einer Stunde",
    "ich glaube ich habe einen Herzinfarkt",
    "ho un forte dolore al petto",
    "credo che stia avendo un infarto",
    "我胸口很痛",
    "我爸爸心臟病發作了",
    "tôi bị đau ngực dữ dội",
    "hình như bố tôi bị nhồi máu cơ tim",
    "сильная боль в груди",
    "у мужа сердечный приступ",
    "sobrang sakit ng dibdib ko",
    "inaatake sa puso ang tatay ko",
    "가슴이 너무 아파요",
    "남편이 심장마비 같아요",
    "عندي ألم شديد في صدري",
    "أبي عنده نوبة قلبية",
    "mwen gen yon doulè nan lestomak mwen",
    "papa m ap fè yon kriz kè",
    # collapse: collapsed, fainted and will not wake, unconscious
    "ma mère s'est évanouie et ne se réveille pas",
    "il est inconscient par terre",
    "meu avô desmaiou e não acorda",
    "ela caiu no chão e não responde",
    "mein Vater ist zusammengebrochen",
    "sie ist bewusstlos und reagiert nicht",
    "mia madre è svenuta e non si sveglia",
    "ha perso i sensi in cucina",
    "我妈妈晕倒了，叫不醒",
    "他突然昏迷了",
    "ông tôi bất tỉnh rồi",
    "mẹ tôi ngất xỉu gọi không tỉnh",
    "отец потерял сознание",
    "муж упал и не приходит в себя",
    "nahimatay ang lola ko at hindi magising",
    "walang malay ang kapatid ko",
    "아버지가 쓰러졌어요",
    "엄마가 의식이 없어요",
    "أمي فقدت الوعي",
    "أغمي عليه ولا يستجيب",
    "manman m endispoze li pa reveye",
    "li pèdi konesans",
    # stroke: face drooping, cannot speak, one side weak, a stroke now
    "sa bouche est de travers et il ne peut plus parler",
    "je crois qu'elle fait un AVC",
    "a boca do meu pai ficou torta e ele não consegue falar",
    "acho que minha mãe está tendo um AVC",
    "ihr Gesicht hängt auf einer Seite und sie spricht verwaschen",
    "ich glaube er hat gerade einen Schlaganfall",
    "ha la bocca storta e non riesce a parlare",
    "mio marito sta avendo un ictus",
    "我爸爸嘴歪了，说话不清楚",
    "她半邊身體不能動",
    "bố tôi bị méo miệng và nói ngọng",
    "hình như mẹ tôi bị đột quỵ",
    "у отца перекосило лицо и он не может говорить",
    "кажется у мамы инсульт",
    "tabingi ang mukha ni lolo at hindi siya makapagsalita",
    "hindi maigalaw ni nanay ang kanang braso niya",
    "아버지 얼굴이 한쪽으로 처졌어요",
    "엄마가 말이 어눌하고 한쪽 팔에 힘이 없어요",
    "وجه أبي مائل ولا يستطيع الكلام",
    "أعتقد أن أمي عندها جلطة دماغية",
    "bouch papa m kwochi li pa ka pale",
    "yon bò kò li paralize",
    # seizure: a seizure that is happening or will not stop
    "mon fils fait une crise d'épilepsie qui ne s'arrête pas",
    "elle a des convulsions",
    "meu filho está tendo uma convulsão",
    "ela está tendo uma crise epiléptica",
    "mein Sohn hat gerade einen Krampfanfall",
    "der Anfall hört nicht auf",
    "mia figlia sta avendo una crisi epilettica",
    "le convulsioni non si fermano",
    "我儿子癫痫发作了",
    "他全身抽搐，口吐白沫",
    "con tôi đang co giật",
    "em tôi lên cơn động kinh",
    "у ребёнка судороги",
    "у мужа эпилептический припадок",
    "nangingisay ang anak ko",
    "kinukumbulsyon si kuya",
    "아이가 경련을 일으키고 있어요",
    "남편이 간질 발작 중이에요",
    "ابني عنده نوبة صرع الآن",
    "أختي تتشنج",
    "pitit mwen an ap fè kriz",
    "li gen konvilsyon",
    # headache: a sudden, violent headache, the worst of a life
    "mal de tête soudain et violent, le pire de ma vie",
    "j'ai un violent mal de tête d'un coup",
    "estou com uma dor de cabeça súbita e insuportável",
    "a pior dor de cabeça da minha vida",
    "plötzlich heftige Kopfschmerzen wie noch nie",
    "die schlimmsten Kopfschmerzen meines Lebens",
    "ho un mal di testa improvviso e fortissimo",
    "il peggior mal di testa della mia vita",
    "突然剧烈头痛",
    "我頭痛欲裂",
    "tôi bị đau đầu dữ dội đột ngột",
    "cơn đau đầu tồi tệ nhất trong đời",
    "внезапная сильная головная боль",
    "голова раскалывается, такого никогда не было",
    "biglang sumakit ang ulo ko nang sobra",
    "pinakamatinding sakit ng ulo sa buhay ko",
    "갑자기 머리가 깨질 것 같아요",
    "극심한 두통이 갑자기 왔어요",
    "صداع مفاجئ وشديد جدا",
    "أسوأ صداع في حياتي",
    "tèt mwen ap fè m mal toudenkou anpil anpil",
    "tèt mwen ap fann",
    # bleeding: bleeding a lot or that will not stop
    "il saigne beaucoup de la tête",
    "la plaie ne s'arrête pas de saigner",
    "estou sangrando muito",
    "o corte não para de sangrar",
    "die Wunde blutet stark",
    "es hört nicht auf zu bluten",
    "sta perdendo molto sangue",
    "la ferita non smette di sanguinare",
    "伤口流血不止",
    "他流了很多血",
    "vết thương chảy máu không ngừng",
    "tôi bị mất rất nhiều máu",
    "сильное кровотечение",
    "кровь не останавливается",
    "dumudugo nang sobra ang sugat",
    "hindi tumitigil ang pagdurugo",
    "피가 너무 많이 나요",
    "피가 멈추지 않아요",
    "عنده نزيف حاد",
    "الدم لا يتوقف",
    "l ap senyen anpil",
    "san an pa vle kanpe",
    # allergic_reaction: throat or tongue swelling, cannot swallow, anaphylaxis (after contrast too)
    "après l'injection de contraste ma gorge gonfle",
    "ma langue est gonflée et je n'arrive plus à avaler",
    "minha garganta está fechando depois do contraste",
    "estou tendo uma reação alérgica grave",
    "nach dem Kontrastmittel schwillt mein Hals zu",
    "meine Zunge ist geschwollen und ich kann nicht schlucken",
    "mi si sta gonfiando la gola dopo il mezzo di contrasto",
    "ho le labbra gonfie e non riesco a deglutire",
    "打了造影剂以后喉咙肿了",
    "我舌頭腫了，無法吞嚥",
    "sau khi tiêm thuốc cản quang tôi bị sưng lưỡi",
    "con tôi bị sốc phản vệ",
    "после контраста опухает горло",
    "у меня отёк языка и я не могу глотать",
    "namamaga ang lalamunan ko pagkatapos ng contrast",
    "hindi ako makalunok at namamaga ang dila ko",
    "조영제 맞고 목이 부어요",
    "입술이 부어서 삼킬 수가 없어요",
    "بعد الصبغة عندي تورم في الحلق",
    "لا أستطيع البلع ولساني متورم",
    "gòj mwen ap fèmen apre piki a",
    "lang mwen anfle, mwen pa ka vale",
    # overdose_poisoning: too many pills, poisoned, drank bleach
    "ma fille a pris toute la boîte de médicaments",
    "mon fils a bu de l'eau de javel",
    "meu irmão tomou muitos comprimidos",
    "minha filha bebeu água sanitária",
    "er hat zu viele Tabletten genommen",
    "mein Kind hat Putzmittel getrunken",
    "ha preso troppe pillole",
    "il bambino ha bevuto candeggina",
    "我妈妈吃了一整瓶安眠药",
    "孩子喝了漂白水",
    "em tôi uống quá nhiều thuốc",
    "con tôi uống nhầm thuốc tẩy",
    "она выпила целую пачку таблеток",
    "ребёнок выпил уксус",
    "uminom siya ng maraming gamot",
    "nakainom ng zonrox ang anak ko",
    "엄마가 수면제를 많이 먹었어요",
    "아이가 락스를 마셨어요",
    "أخي أخذ كل الحبوب",
    "ابني شرب الكلور",
    "li bwè anpil grenn",
    "pitit mwen bwè klowòks",
    # head_injury: a knock on the head, then vomiting or confusion
    "mon fils s'est cogné la tête et il vomit",
    "elle est tombée sur la tête, maintenant elle est confuse",
    "meu filho bateu a cabeça no chão e está vomitando",
    "ela caiu e bateu a cabeça, agora está confusa",
    "er ist auf den Kopf gestürzt und erbricht",
    "sie hat sich den Kopf gestoßen und ist verwirrt",
    "ha battuto la testa e continua a vomitare",
    "è caduto e ha battuto la testa, ora è confuso",
    "孩子撞到头，一直吐",
    "他摔倒撞到頭，現在神志不清",
    "con tôi bị ngã đập đầu và nôn nhiều",
    "bố tôi bị va đầu, giờ lơ mơ",
    "ребёнок ударился головой и его рвёт",
    "упал и ударился головой, теперь спутанное сознание",
    "nauntog ang anak ko at nagsusuka siya",
    "nabagok ang ulo ni lola at nalilito siya",
    "아이가 머리를 부딪혔는데 계속 토해요",
    "아버지가 넘어져서 머리를 박았는데 헛소리를 해요",
    "ابني ضرب رأسه ويتقيأ",
    "سقط على رأسه وهو مشوش",
    "pitit mwen frape tèt li epi l ap vomi",
    "li tonbe sou tèt li, li gen konfizyon",
    # major_trauma: a crash or a fall, then numbness, tingling or legs that will not move
    "accident de voiture, mal au cou et des fourmillements dans les bras",
    "il est tombé de l'échelle et ne sent plus ses jambes",
    "sofri um acidente de carro e estou com formigamento nos braços",
    "ele caiu do telhado e não consegue mexer as pernas",
    "Autounfall, mein Nacken tut weh und meine Arme kribbeln",
    "er ist von der Leiter gestürzt und seine Beine sind taub",
    "incidente in macchina, male al collo e formicolio alle braccia",
    "è caduto dalle scale e non sente più le gambe",
    "出了车祸，脖子痛，手麻",
    "他從樓梯上摔下來，腿動不了",
    "tôi bị tai nạn xe máy, đau cổ và tê tay",
    "bố tôi bị ngã cầu thang, chân không cử động được",
    "попал в аварию, болит шея и онемели руки",
    "упал с лестницы и не может пошевелить ногами",
    "nabangga ang kotse namin, masakit ang leeg ko at namamanhid ang kamay ko",
    "nahulog siya sa hagdan at hindi maigalaw ang paa niya",
    "교통사고가 났는데 목이 아프고 팔이 저려요",
    "계단에서 떨어졌는데 다리를 못 움직여요",
    "حادث سيارة وعندي ألم في الرقبة وتنميل في يدي",
    "سقط من السلم ولا يستطيع تحريك رجليه",
    "mwen fè aksidan machin, kou m ap fè m mal epi men m angoudi",
    "li tonbe sou do l, li pa ka bouje janm li",
    "choqué el carro, me duele el cuello y tengo hormigueo en los brazos",
]

# Calm questions in those languages: a past stroke, a negated symptom, a word that is also
# ordinary speech ("crise", "dor", "Kopf"), a fear of the scanner.
OTHER_LANGUAGE_CALM = [
    # Polish: denied, long past, asked about the scan, tired legs
    "nie mam gorączki po operacji",
    "córka zemdlała na widok igły w zeszłym roku",
    "czy jeśli ktoś ma drgawki, to może mieć rezonans?",
    "czy przedawkowanie kontrastu jest możliwe?",
    "od lat mam nietrzymanie moczu przy kaszlu",
    "język mi spuchł po kontraście 3 lata temu",
    "nie czuję nóg ze zmęczenia po całym dniu",
    "miałem zawał 5 lat temu, czy mogę mieć rezonans",
    "czy drętwienie krocza to objaw zespołu ogona końskiego",
    "gdyby mąż zemdlał w tubie, co wtedy",
    "w zeszłym roku zemdlałam w autobusie",
    "chcę umrzeć ze wstydu, zapomniałam skierowania",
    "nie mogę chodzić na siłownię przez ból pleców",
    "nie mam gorączki ani dreszczy po operacji",
    "j'ai besoin d'aide pour mon IRM",
    "ma mère a eu un AVC il y a dix ans, peut-elle passer une IRM ?",
    "je n'ai pas de douleur dans la poitrine, juste une question sur le rendez-vous",
    "est-ce que je peux manger avant l'IRM ?",
    "j'ai peur d'avoir du mal à respirer dans le tube",
    "tenho uma dor leve nas costas há anos, preciso de ressonância?",
    "posso fazer ressonância se tenho epilepsia?",
    "não tenho dor no peito, só quero saber o horário",
    "ich habe seit Jahren Rückenschmerzen, brauche ich ein MRT?",
    "mein Kopf ist voll mit Fragen zum MRT-Termin",
    "mein Vater hatte vor zehn Jahren einen Schlaganfall, darf er ins MRT?",
    "ho avuto un ictus cinque anni fa, posso fare la risonanza?",
    "sono in crisi con gli orari, posso spostare l'appuntamento?",
    "是否可以在核磁共振前吃东西",
    "我妈妈几年前中风过，可以做核磁共振吗",
    "我没有胸痛，只是想问预约时间",
    "tôi có thể ăn trước khi chụp MRI không?",
    "mẹ tôi không khó thở, chỉ hỏi về lịch hẹn",
    "можно ли есть перед МРТ?",
    "у мамы был инсульт десять лет назад, можно ли ей МРТ?",
    "mẹ tôi bị đột quỵ 5 năm trước, có chụp MRI được không?",
    "magkano ang MRI sa ospital ninyo?",
    "MRI 검사 전에 음식을 먹어도 되나요?",
    "가슴 통증은 없어요, 예약 시간만 알고 싶어요",
    "هل يمكنني الأكل قبل الرنين المغناطيسي؟",
    "konbyen tan MRI a ap pran?",
    "la crise du logement me stresse, mais ma question porte sur l'IRM",
    "je prends mes médicaments tous les jours, dois-je les arrêter avant l'IRM ?",
    "tenho dor de cabeça às vezes, posso tomar remédio antes do exame?",
    "sinto falta de ar fresco na sala de espera",
    "ich habe Angst, dass ich im MRT keine Luft bekomme",
    "posso usare il telefono durante la risonanza?",
    "我可以在做核磁共振的时候听音乐吗",
    "j'ai une crise d'angoisse avant l'IRM, c'est normal ?",
    "je ne peux pas parler au téléphone maintenant",
    "o médico não responde meus e-mails",
    "werde ich während des MRT bewusstlos sein?",
    "ich blute ein bisschen am Finger",
    "sto avendo una crisi di panico per la risonanza",
    "我眼皮抽搐",
    "mí mắt tôi hay bị co giật",
    "у меня судороги в ногах по ночам",
    "врач не отвечает на звонки",
    "hindi sumasagot ang ospital sa tawag ko",
    "공황 발작이 있어요",
    "영어로 말을 못 해요",
    "أبي أصيب بجلطة قبل خمس سنوات",
    "lopital la pa reponn telefòn",
]


@pytest.mark.parametrize("text", OTHER_LANGUAGE_EMERGENCIES)
def test_emergencies_in_other_languages_are_caught(text: str) -> None:
    assert RULES.classify(text) == "emergency"


@pytest.mark.parametrize("text", OTHER_LANGUAGE_CALM)
def test_calm_messages_in_other_languages_stay_calm(text: str) -> None:
    assert RULES.classify(text) is None


def test_a_crisis_that_has_gone_on_for_months_keeps_the_learned_crisis_guess() -> None:
    # "for months" marks a long-standing complaint ("has been iffy for years"), not a plan
    assert RULES.override("ive been saving my pills for months", None, "self_harm") == "self_harm"


def test_a_request_for_help_with_the_information_sets_the_learned_alarm_aside() -> None:
    assert RULES.override("can you help me understand my results", None, "emergency") == (
        "nlu_fallback"
    )
    guess = RULES.override("help me something is very wrong with my dad", None, "emergency")
    assert guess == "emergency"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Emergencies only the classifier caught (written in new words after the at-risk
        # messages of used rounds 1-73, caught there by the classifier alone below 0.75)
        ("huge amount of blood from his nose", "emergency"),
        ("blood puddling under his arm on the kitchen floor", "emergency"),
        ("his gash keeps bleeding through everything", "emergency"),
        ("she is bleeding really fast from the wrist", "emergency"),
        ("the gauze is soaked with blood", "emergency"),
        ("her breathing is really laboured", "emergency"),
        ("he cant feel himself going to the loo", "emergency"),
        ("pretty sure she has cauda equina signs", "emergency"),
        ("numbness in my back passage since this morning", "emergency"),
        ("having a hart atack", "emergency"),
        ("feels like his chest is in a clamp", "emergency"),
        ("the lady in the queue went down and is not moving", "emergency"),
        ("then he just slumped forward at the table", "emergency"),
        ("dad is lying on the kitchen floor not answering", "emergency"),
        ("can somebody come to the car park, emergency", "emergency"),
        ("real emergency here", "emergency"),
        ("help us we are in big trouble call the police", "emergency"),
        ("gonna stab my landlord tonight", "emergency"),
        ("im gonna beat that guy to death", "emergency"),
        ("going to shoot up my office", "emergency"),
        ("cant stop thinking about stabbing my flatmate", "emergency"),
        ("im being held in the flat and they wont let me leave", "emergency"),
        ("the ex is at my door with a hammer", "emergency"),
        ("my ex-husband is banging on the front door", "emergency"),
        ("someone is hitting the children", "emergency"),
        ("my son says hes going to stab his coach tomorrow", "emergency"),
        ("my ex texted hell come round and hurt me tonight", "emergency"),
        ("mi novio me golpea", "emergency"),
        ("his pupils are not the same size after he hit his head", "emergency"),
        (
            "she says her head feels like its going to explode, started in a split second",
            "emergency",
        ),
        ("like getting hit on the head with a hammer, it came on instantly", "emergency"),
        ("the horse bucked him off, his legs are tingling", "emergency"),
        ("she swallowed a load of paracetamol", "emergency"),
        ("stuck on three fentanyl patches at the same time, very drowsy", "emergency"),
        ("took her oxycodone plus extra sleeping pills", "emergency"),
        ("accidentally swallowed his sleeping pills, confused now", "emergency"),
        ("baby fitting and burning up", "emergency"),
        ("the sight in his right eye just went grey", "emergency"),
        ("tengo ganas de morirme", "self_harm"),
        ("no reason left for me to keep going", "self_harm"),
        ("sat alone with the shotgun in the shed", "self_harm"),
        ("i might use dads pistol on myself", "self_harm"),
        ("found a home for my cat so i can die in peace", "self_harm"),
        ("i need everything to end forever", "self_harm"),
        ("made a will and a note saying why i had to go", "self_harm"),
        ("ok i am about to jump", "self_harm"),
        ("if only i could stop existing", "self_harm"),
        ("ill be ending things before my appointment", "self_harm"),
        ("all the sleeping pills are right in front of me", "self_harm"),
        ("goodbye to whoever finds this", "self_harm"),
        ("i shouldnt even be alive", "self_harm"),
        ("i will not be alive to see what it finds", "self_harm"),
        ("they can give my slot away, since i will not be here by then", "self_harm"),
        ("please tell my son i loved him", "self_harm"),
        ("tell my parents im sorry", "self_harm"),
        ("heres my final goodbye", "self_harm"),
        ("honestly if i never woke up it would be a mercy", "self_harm"),
        ("wrote notes for each of my grandkids, tonight's the night", "self_harm"),
        ("ive been saving up my painkillers, i made my will", "self_harm"),
        ("said goodbye to the cat and wrote my will", "self_harm"),
        ("i am not going to be here for my appointment, i updated my will", "self_harm"),
        ("it all goes to my brother. i have put my papers in order", "self_harm"),
        ("she has stopped picking up and she left a message saying goodbye", "self_harm"),
        ("i cant reach him, he texted us bye", "self_harm"),
        ("i stockpiled my sleeping pills. and now i know exactly what im going to do", "self_harm"),
        ("got my finances in order this week, im done", "self_harm"),
        ("whats the point, i wont be here to read the report", "self_harm"),
        ("she sent a message saying sorry and now she wont answer", "self_harm"),
        ("he hears voices telling him to jump", "self_harm"),
        ("how do i make certain i never wake up", "self_harm"),
        ("she threatened to drive her car off the bridge", "self_harm"),
        ("every night i think about being dead", "self_harm"),
        ("my mum is saying her goodbyes", "self_harm"),
    ],
)
def test_emergencies_only_the_classifier_caught_are_caught_by_the_rules(
    text: str, kind: str
) -> None:
    assert RULES.classify(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        # their look-alikes: a rope for a boat, a shoot for a video, pills as usual
        "I bought a rope for my boat",
        "fitting again next week for the brace",
        "going to shoot my video tomorrow after the scan",
        "going to shoot up to london tomorrow for my scan",
        "he will not answer my calls since the scan",
        "her pupils are different sizes since birth",
        "how do i make sure i dont wake up after the sedation",
        "how do i make sure i dont wake up during the scan",
        "how much blood do they take for the contrast test",
        "i had a huge amount of blood work done last week",
        "i have my gun ready for hunting season",
        "i know where the mri is, i got a rope for the dog",
        "i sit slumped over my desk all day, is that why my back hurts",
        "i take many many pills every day for my back",
        "i took a lot of pills after my surgery",
        "i took my pills and im sorry i missed the appointment",
        "i will be ending my shift before the mri",
        "i wrote a letter explaining why im leaving my job",
        "i'm standing on the roof all day at work and my back hurts",
        "if i didnt wake up after the scan would that be dangerous",
        "if i never wake up from the anesthesia would that be bad",
        "im done, goodbye",
        "im in trouble with my insurance, can you call someone to help with billing",
        "im not standing on the roof",
        "im saying goodbye, thanks for your help",
        "im standing on the roof of the car park, where is the mri entrance",
        "my dad voices concerns about the mri telling him to stay still",
        "my daughter texted me goodbye from the airport",
        "my grandma wants to die at home and refuses her pills",
        "my head is going to explode if i fill in another form",
        "my husband is lying on the floor watching tv and wont answer me",
        "my mom wants to die at home with dignity, she has her pills ready",
        "my mom wants to die at home, she keeps her pills in a box",
        "my shirt has blood on it from the blood draw",
        "my son wants to shoot his teacher a message about missing class",
        "please tell my daughter i will be late",
        "sorry to whoever reads this, my handwriting is bad",
        "the dressing has a little bit of blood on it, is that normal",
        "this is goodbye to my back pain hopefully",
        "we're going to shoot up the road to the clinic",
        "im going to punch the air when i get good results",
        "ill slap a label on that form for you",
        "i hope i just wake up on time for the scan",
        "i hope i dont wake up in the middle of the mri, they said theyd sedate me",
        "my hands shake shake a bit when im nervous",
        "no wake up call needed, ill be up early",
        "no sweating, no jaw pain, arm is fine",
        "i dont want to hurt anyone",
        (
            "the dye gave me a mild reaction back in 2019, a little bit of itching, "
            "fine for the next scan?"
        ),
        "i wrote a note for my family in case anything happens during the surgery",
        "can not eating before the scan make me dizzy",
        # a reaction someone got before; what the doctor found; fine now; a grievance
        "my sister got hives from the contrast before, will i react too",
        "my chest was tight on the way here, the doctor said it was panic, can i have the scan",
        "i was a bit short of breath on the stairs this morning, fine now, can i do the mri",
        "i could strangle that nurse, she double booked my mri",
        # a nag, not a threat: found out when she gets home
        "my mom is going to kill me when she gets home and sees the mess",
        # a date that falls on a day; a deep nap; the warm feeling contrast gives; a story
        # on the news or a podcast; a patient in a hypothetical; "no one is"; dated once or
        # not since; a grievance about the booking; the bill in Spanish
        "my mri fell on my mums birthday, can we change it",
        "was out cold after the night shift, best sleep in weeks",
        "my sister said she felt like she had wet herself when the dye went in",
        "the news reported a man got shot near the hospital, is parking safe",
        "the podcast episode was about a nurse who poisoned patients, creepy",
        "if a patient passed out in the scanner who would help",
        "nobody is threatening me, the neighbours are just noisy",
        "fainted getting my blood drawn at 18, havent since",
        "blacked out at a party once in college, should i mention it",
        "ill strangle my brother, he lost my forms again",
        "esta espera me va a matar",
        "casi me dio un heart attack con la factura",
        # a noise one cannot stand; choking on a price; a reaction had once; a supposition
        "i cant stand the beeping noises, can i bring earplugs",
        "choking on how pricey the parking is here",
        "my son had hives once from amoxicillin, is the dye ok for him",
        "if my dad had a fever after his back surgery what would you say",
        # first aid asked in general; what one has from an old heart attack; whether a
        # sign means an MRI
        "if somebody overdosed what would you do",
        "my grandad has a stent from his heart attack, is the mri safe",
        "does losing bladder control with sciatica mean i need an mri",
        # violence to whoever made a website; a counterfactual with "would"; choking that
        # ended, "still on" being the appointment; what a nurse has seen over the years;
        # a reaction to the price
        "i want to strangle the person who made this website",
        "if he stopped breathing during the scan would anyone see it",
        "my girl was choking on a carrot yesterday, coughed it out, shes fine now, mri still on?",
        "ive seen patients have seizures in the scanner over the years, is it common",
        "i wanted to die when i saw the bill for my last scan",
        # her own upper back; pain not responding to physio; mild hives long ago; a cactus;
        # a documentary on netflix; a faint foreseen; knocked sideways by the price
        "my wife hurt her upper back lifting boxes, why would she need an mri",
        "his neck pain isnt responding to physio, why an mri now",
        "had a reaction to the dye in 2015, mild hives, is it ok now",
        "got stabbed by a cactus in the garden, does a little cut matter for the mri",
        "a documentary on netflix showed a man having a stroke in a scanner, can that happen",
        "i hate needles so much i might faint, is there a jab for the mri",
        "he was knocked out cold by the news about his surgery, how does the mri help",
        # a budget choked; "about passed out" at a wait; a story asking how common; a trivial
        # grievance; a heart attack from the noise foreseen
        "these mri bills are choking our finances",
        "i about fainted when they said the wait is 3 months",
        "my aunt said she passed out during her mri, how common is that",
        "im going to strangle my wife, she ate all my chocolate before the scan",
        "he is sure hell have a heart attack from the banging in the tube",
        # a sting that swelled a little; a supposition about anyone; a sugar "overdose"
        "my son got stung by a wasp at the park and his hand swelled up a little",
        "if a patient is unresponsive can they still have the scan",
        "sugar overdose at the party, the kids are bouncing off the walls",
        # a joke said as such
        "should i call 911 if the parking meter runs out? joking",
    ],
)
def test_look_alikes_of_those_emergencies_stay_calm(text: str) -> None:
    assert RULES.classify(text) is None


def test_a_counterfactual_about_stopping_a_medicine_keeps_the_crisis_guess() -> None:
    """ "If I stopped breathing in the MRI would they notice" is a worry about the scan;
    stopping a medicine to die is not (an earlier draft set that crisis guess aside)."""
    text = "if she stopped taking her insulin would she just die quietly"
    assert RULES.override(text, None, "self_harm") == "self_harm"


def test_not_joking_keeps_the_alarm() -> None:
    """ "Not joking" insists; only "joking" itself ends a message as a joke."""
    assert RULES.classify("my dad collapsed and isnt breathing, im not joking") == "emergency"


def test_is_it_normal_asked_after_an_emergency_does_not_calm_it() -> None:
    """ "Is it normal?" is what someone watching an emergency asks, unlike "is that
    common?" after someone else's story."""
    assert RULES.classify("my dad slumped over and isnt responding, is it normal") == "emergency"


def test_a_symptom_without_its_context_leaves_the_learned_verdict_standing() -> None:
    """ "Talking nonsense" needs a head injury to count as a rule; without one it is no
    cancelled mention, so the learned layer's emergency stands instead of "say it
    another way" (negated or past mentions still cancel it)."""
    assert RULES.classify("my dad is talking nonsense") is None
    assert RULES.override("my dad is talking nonsense", None, "emergency") == "emergency"
    assert RULES.override("no numbness at all", None, "emergency") == FALLBACK_INTENT


def test_an_idiom_alone_turns_a_classifier_alarm_into_fallback() -> None:
    assert RULES.override("my back is killing me", "self_harm") == FALLBACK_INTENT
    assert RULES.override("this wait is killing me, i want to kill myself", None) == "self_harm"
    assert RULES.override("the hospital gown is so ugly ill die", "self_harm") == FALLBACK_INTENT
    assert (
        RULES.override(
            "so tired of this pain, not in a dangerous way, just want answers", None, "self_harm"
        )
        == FALLBACK_INTENT
    )
    assert RULES.override("not in a dangerous way, i want to kill myself", None) == "self_harm"
    overdosed_on_reading = "overdosed on mri research all week, what does it actually show"
    assert RULES.override(overdosed_on_reading, None, "self_harm") == FALLBACK_INTENT
    # the death of one's savings; a surgeon's "cut or not"
    assert RULES.override("this scan will be the death of my bank account", "self_harm") == (
        FALLBACK_INTENT
    )
    assert RULES.override("does the mri decide whether to cut or not", None, "self_harm") == (
        FALLBACK_INTENT
    )
    # sleep from a medicine; a worry about one's own pills
    assert RULES.override(
        "the sleeping pills knocked me out, ok before the scan?", "self_harm"
    ) == (FALLBACK_INTENT)
    worried = "a friend overdosed years ago and now im worried about my pain pills before the mri"
    assert RULES.override(worried, None, "self_harm") == FALLBACK_INTENT
    # breathtaking prices; thanks to the staff
    assert RULES.override("breathtaking prices for one scan", "emergency") == FALLBACK_INTENT
    assert RULES.override("i want to thank all the radiographers", "self_harm") == FALLBACK_INTENT
    # a fright told afterwards; going home alone after the scan
    fright = "my neck hurt so much on sunday we thought we were going to die, is the mri still on"
    assert RULES.override(fright, None, "self_harm") == FALLBACK_INTENT
    alone = "will my wife be ok to drive home by herself after the scan"
    assert RULES.override(alone, None, "self_harm") == FALLBACK_INTENT


@pytest.mark.parametrize(
    "text",
    [
        "im allergic to shellfish, is the mri contrast the same",
        "i take blood thinners, does the scan make people bleed",
        "the paperwork alone gave me a headache",
        # over, a joke or a story (`not_now_cues`)
        "my foot fell asleep in the car, all good now",
        "my hands went numb on the bike ride, back to normal now",
        "i felt really strange at the bus stop but it passed",
        "saw a tiktok about a woman whose throat closed up from peanuts",
        "my nephew nearly choked on popcorn laughing haha",
        "i'm gonna pass out from hunger before this scan lol",
        # a request for a home remedy
        "what helps a scratchy throat at night",
        "cracked heels home remedy",
        "is ginger tea good for a cough",
        "how to fix a blocked ear after swimming",
        # it happened, and the message ends saying all is well
        "my son swallowed a grape whole and coughed a lot but hes fine",
        "grazed my knee on the stairs, the bleeding has stopped",
        # it was small or it is over
        "cut my finger chopping onions, no big deal",
        "my daughter bumped her knee at school, shes running around normally",
        "nicked my chin shaving, a tiny bit of blood",
        "my son had a nosebleed at lunch, it stopped on its own",
        "a wee scratch from the cat on my arm",
        "slight headache after the long drive this morning",
        # school work or fiction
        "my niece is writing a story where the nurse gets poisoned",
        "i have a college paper on strokes due tomorrow",
        "my gums bled a bit after flossing, stopped by itself",
        "hit my head on a cupboard, got checked at the er and all clear",
        "i was on tramadol years back but came off it a long time ago",
        "dont panic, nothing urgent, just a question about parking",
        "took one advil for my headache, is that a problem for the scan",
        "my scar is healing nicely, just a bit itchy",
        # a negated list, a family history, a symptom that comes and goes
        "i have no fever or chills or trouble breathing, just a question",
        "my uncle died of a heart attack years back, is it in the family",
        "my chest gets tight before exams but it goes away when i rest",
        "my kids would be lost without me, so im doing the mri",
        # a joke told about someone else; a joke taken back ("just" is no "now" there); an
        # overdose of something no drug
        "the nurse joked that the needle would kill me",
        "just kidding about needing an ambulance, i meant a ride home after the mri",
        "overdose of paperwork this week",
        # a faint foreseen or long ago, a worry told as "if", a clip watched, a standing
        # joke, a laugh at one's own alarm
        "i fainted at my last blood draw, will i faint in the mri",
        "i think id faint if i saw the needle",
        "if my throat swells during the mri will they notice",
        "i watched a video of someone having a seizure in an mri",
        "my brother always jokes hell jump off a bridge if his team loses",
        "lol im having a heart attack over here, they denied my mri again",
        # a question about what a scan finds or a risk; a doctor's reasons; something
        # that happened once, healed, or stopped within minutes
        "will the mri show if my surgery wound is infected",
        "is there a risk of choking during the mri if i lie flat",
        "reasons a doctor orders an mri for back pain with bladder control problems",
        "is gadolinium safe if i once had a mild allergic rash to shellfish",
        "fell off a ladder last year and fractured a vertebra, healed now, need a follow-up mri",
        "my daughter got a nosebleed in a pillow fight, it stopped after 2 minutes",
        "what should i do if my dad ever falls again and cant get up",
        # an "if" that closes up, a question whether one would know; a year
        # after the figure; anaesthesia; "I'm ok now"; what the vet says
        "if my throat closed up from the dye would they know what to do",
        "would i know if i was having a reaction to the contrast",
        "heart attack 2018, stents, can i have spine mri",
        "i was unconscious during my surgery obviously, now they want a post-op mri",
        "im the person who fainted in your lobby yesterday, im ok now, thank you",
        "my dog had a seizure last night, vet says hes ok, when can i get my mri",
        # a bleed that stopped; when to call; whether it is a risk; a relative's bleed
        "my nose bled this morning but it stopped, can i still have the mri",
        "when should i call 911 after back surgery",
        "is choking a risk if i lie flat in the mri, just wondering",
        "my grandma had a brain bleed, does that mean i cant get an mri",
        # sedation foreseen; "kill me now" at an early hour
        "will i be out cold if they sedate me for the scan",
        "kill me now, the scan is at 7am",
        # a dizzy spell "gone"; a stent after a heart attack; after a stroke; Spanish "in
        # the future"
        "i felt dizzy earlier, thats gone, can i still do the mri",
        "ive had a heart attack stent since 2019, is mri safe",
        "can my dad have an mri after a stroke",
        "si tengo dolor de pecho en el futuro, me pueden hacer la resonancia",
        # which signs mean calling; a nosebleed over in minutes; "kill me now ... jk"
        "which symptoms after back surgery mean i should call 911",
        "his nosebleed stopped after 3 minutes, is the mri still on",
        "kill me now, fasting since midnight for this scan jk",
        # a remark that cuts; the front desk's lost property; feeling sick as a
        # hypothetical in the scanner
        "my boss and her cutting comments about my sick days",
        "is there a lost and found at the imaging desk",
        "what happens if i feel sick halfway through the mri",
        # what happens during the scan, asked in Polish
        "co sie dzieje w trakcie badania mr",
        # a fall without the head hit, nothing of a head injury after it
        "i didnt bang my head when i slipped, only my hip, its bruised",
        # a rash with breathing said to be fine
        "itchy hives from a new soap, breathing is ok",
        # a question for the front desk; what it is for, in German; breathing in the tube asked
        "is there a cafeteria near radiology",
        "wozu braucht man ein MRT der Lendenwirbelsäule",
        "will i be able to breathe ok in the tube, i have copd",
        # an everyday baby ailment
        "my daughter has nappy rash, what cream",
        # a story dated by its year; a rash from a plant
        "my uncle had neck surgery and got an infection back in 2017, will i get that too",
        "my daughter has a rash from poison oak",
    ],
)
def test_cancelled_mentions_and_not_now_cues_turn_a_classifier_alarm_into_fallback(
    text: str,
) -> None:
    """The learned layer's guess on these becomes "say it another way", not 911: a
    standing allergy, a medicine or a figure of speech, or a message that says it is
    over, a joke or a story."""
    assert RULES.override(text, None, learned="emergency") == FALLBACK_INTENT


@pytest.mark.parametrize(
    ("text", "learned", "expected"),
    [
        # A crisis guess stands: "lol" or "I'm fine now" can hide one.
        ("lol nobody would even notice if i was gone", "self_harm", "self_harm"),
        ("im fine now but i still have the pills saved up", "self_harm", "self_harm"),
        # A rule that stands wins over the cue, and over a laugh or a date when the
        # message says it is happening now; a crisis or violence is never set aside.
        ("haha he just collapsed and isnt breathing", None, "emergency"),
        ("lol my dad collapsed and is still not breathing", None, "emergency"),
        (
            "i hit my head in 2019, that was years ago, now im vomiting and confused",
            None,
            "emergency",
        ),
        ("i want to kill myself lol", None, "self_harm"),
        ("he is hitting her lol", None, "emergency"),
        ("my wife is not ok now, she cant breathe", None, "emergency"),
        ("what helps, my throat is closing up after the contrast", None, "emergency"),
        ("i want to end it all, is there a remedy for this pain", None, "self_harm"),
        ("what helps, i want to die", "self_harm", "self_harm"),
        # a remedy asked for something happening now is no home-remedy request
        ("what helps, my dad feels really strange right now", "emergency", "emergency"),
        ("how do i treat it, she just went all pale and sweaty", "emergency", "emergency"),
        # "but he's ok" only at the end, and no idiom hides a person dying or a crisis
        ("she said she was fine but now she cant breathe", None, "emergency"),
        ("my phone died and my husband is not breathing", None, "emergency"),
        ("he was hit by a car and he is dying", None, "emergency"),
        ("im gutted, i dont want to live anymore", None, "self_harm"),
        ("there is a killer outside my house", "emergency", "emergency"),
        # an animal that hurt someone, or a person in the message, keeps the alarm; a
        # class about first aid does not set aside what is happening there now
        ("bleeding badly after a dog bite, cant stop it", None, "emergency"),
        ("came off the horse, cant move my legs", None, "emergency"),
        ("our dog attacked the neighbour, blood everywhere", None, "emergency"),
        ("the dog knocked my dad over and he cant move his legs", None, "emergency"),
        ("our first aid instructor just collapsed in class", None, "emergency"),
        ("my dog is choking and now my son is choking too", None, "emergency"),
        ("the dog is barking and everyone is choking on smoke", None, "emergency"),
        ("the dog bit me and its bleeding a lot, what should i do", None, "emergency"),
        ("my dog is choking and i cant breathe either", None, "emergency"),
        # something small, then something worse: the learned guess stands
        ("a small bump on his head and now he is vomiting and confused", "emergency", "emergency"),
        ("tiny bump on her head at school, she is drowsy", "emergency", "emergency"),
        ("mild headache this morning that suddenly got much worse", "emergency", "emergency"),
    ],
)
def test_not_now_cues_never_cancel_a_crisis_violence_or_a_rule_about_now(
    text: str, learned: str | None, expected: str
) -> None:
    assert RULES.override(text, None, learned=learned) == expected


@pytest.mark.parametrize(
    "text",
    [
        "im not trying to hurt myself, just asking about ice packs",
        "i used to burn myself years back, im ok now",
        "cut myself shaving this morning, all good",
        "i could die, i forgot my wallet at home",
    ],
)
def test_a_negated_past_or_idiomatic_self_harm_mention_sets_a_crisis_guess_aside(
    text: str,
) -> None:
    """The learned layer's crisis guess is asked to be put another way when the only
    self-harm words are negated, past or a figure of speech."""
    assert RULES.override(text, None, learned="self_harm") == FALLBACK_INTENT


# -- rules file ------------------------------------------------------------------------------


def test_patterns_must_be_lower_case(tmp_path: Path) -> None:
    rules = DEFAULT_RULES_FILE.read_text().replace("'\\bheart attack\\b'", "'\\bHeart attack\\b'")
    custom = tmp_path / "rules.yml"
    custom.write_text(rules)
    with pytest.raises(ValueError, match="lower case"):
        RedFlagRules.from_file(custom)


def test_an_idiom_must_name_its_contractions(tmp_path: Path) -> None:
    # The first idiom that names a contraction (categories may use the terms too).
    head, idioms = DEFAULT_RULES_FILE.read_text().split("\nidioms:\n", 1)
    rules = f"{head}\nidioms:\n" + idioms.replace("<would_contraction>", r"\w+d", 1)
    custom = tmp_path / "rules.yml"
    custom.write_text(rules)
    with pytest.raises(ValueError, match="contractions"):
        RedFlagRules.from_file(custom)


def test_unknown_terms_are_reported(tmp_path: Path) -> None:
    rules = DEFAULT_RULES_FILE.read_text().replace("'\\bheart attack\\b'", "'\\b<nosuchterm>\\b'")
    custom = tmp_path / "rules.yml"
    custom.write_text(rules)
    with pytest.raises(ValueError, match="nosuchterm"):
        RedFlagRules.from_file(custom)


def test_every_category_has_a_kind_and_a_note_for_reviewers() -> None:
    for category in RULES.categories:
        assert category.kind in KINDS
        assert category.note


# -- speed -----------------------------------------------------------------------------------

ALL_TEST_MESSAGES = [
    *(text for texts in POSITIVES.values() for text in texts),
    *IDIOMS,
    *NEGATED,
    *PAST,
    *HYPOTHETICAL,
    *GENERAL,
    *LOOK_ALIKES,
    *OTHER_LANGUAGE_EMERGENCIES,
    *OTHER_LANGUAGE_CALM,
]


def _ungated_rules() -> RedFlagRules:
    rules = RedFlagRules.from_file()
    rules.__dict__["gate"] = None
    for category in rules.categories:
        category.__dict__["gate"] = None
    return rules


def test_the_fast_gates_never_change_an_answer() -> None:
    slow = _ungated_rules()
    for text in ALL_TEST_MESSAGES:
        assert RULES.category(text) == slow.category(text), text


UNGATED = _ungated_rules()
# Words of the test messages, shuffled into new ones, plus clause breaks.
VOCABULARY = sorted({w for text in ALL_TEST_MESSAGES for w in text.lower().split()} | {",", "."})


@given(st.lists(st.sampled_from(VOCABULARY), max_size=30).map(" ".join))
def test_the_fast_gates_never_change_an_answer_on_any_text(text: str) -> None:
    assert RULES.category(text) == UNGATED.category(text)


def _best_seconds(*texts: str, rounds: int = 3) -> float:
    """The fastest of `rounds` passes over `texts`: a busy host's pauses are not the
    rules' own cost, which is what the time budgets below are about."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            RULES.classify(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(
    "text",
    [
        ("my back hurts and i need help with the scan please " * 25)[:1000],
        "a." * 500,
        ("numb " * 200)[:1000],
        ("no chest pain but " * 60)[:1000],
        "how many " + "pills " * 165,
    ],
    ids=["repeated words", "repeated a.", "repeated symptom", "repeated negation", "long question"],
)
def test_long_messages_stay_fast(text: str) -> None:
    assert _best_seconds(text) < 0.05


def test_typical_messages_take_well_under_a_millisecond() -> None:
    assert _best_seconds(*ALL_TEST_MESSAGES, rounds=5) / len(ALL_TEST_MESSAGES) < 0.001


def test_a_not_that_belongs_to_a_symptom_negates_nothing() -> None:
    """ "not moving, not breathing": the first "not" must not cancel the second symptom."""
    assert RULES.category("he is on the floor not moving not breathing") == "collapse"
    assert RULES.classify("i do not have chest pain") is None


def _learned(
    text: str,
    ranking: list[tuple[str, float]],
    nearest: list[str] | None,
    unfamiliar: bool | None = None,
) -> str:
    """The intent after the detector, for a classifier ranking and nearest examples."""
    data = {
        TEXT: text,
        INTENT: {"name": ranking[0][0], "confidence": ranking[0][1]},
        INTENT_RANKING_KEY: [{"name": n, "confidence": c} for n, c in ranking],
    }
    if nearest is not None:
        data[NEAREST_INTENTS] = nearest
    if unfamiliar is not None:
        data[UNFAMILIAR] = unfamiliar
    (message,) = detector().process([Message(data=data)])
    return message.get(INTENT)["name"]


def test_the_learned_layer_has_its_own_threshold_below_the_fallback() -> None:
    """A safety intent at 0.4 loses to "say it another way" no more (no rule names it)."""
    ranking = [("nlu_fallback", 0.6), ("emergency", 0.4), ("out_of_scope", 0.3)]
    assert _learned("grandpa looks really unwell and sweaty", ranking, None) == "emergency"
    assert _learned("grandpa looks really unwell and sweaty", ranking[:1] + ranking[2:], None) == (
        "nlu_fallback"
    )


@pytest.mark.parametrize(
    ("nearest", "expected"),
    [
        (["emergency", "emergency", "out_of_scope", "greet", "greet"], "emergency"),
        (["self_harm", "emergency", "out_of_scope", "greet", "greet"], "emergency"),
        (["emergency", "out_of_scope", "out_of_scope", "greet", "greet"], FALLBACK_INTENT),
    ],
)
def test_the_learned_layer_needs_its_neighbours_to_agree(nearest: list[str], expected: str) -> None:
    """A classifier emergency, below the level that stands alone, that the nearest
    examples do not support is not an alarm."""
    ranking = [("emergency", 0.75), ("out_of_scope", 0.25)]
    assert _learned("is the radiology lobby open on sundays", ranking, nearest) == expected


@pytest.mark.parametrize("kind", ["emergency", "self_harm"])
def test_the_learned_layer_needs_a_word_it_knows(kind: str) -> None:
    """Nonsense ("blorp", "wibble wobble") got "call 911 now": the classifier had no
    word to read and guessed its largest class. Even a sure verdict with agreeing
    neighbours is no alarm then, and the patient is asked to rephrase."""
    ranking = [(kind, 0.95), ("out_of_scope", 0.05)]
    nearest = [kind] * 5
    assert _learned("wibble wobble", ranking, nearest, unfamiliar=True) == FALLBACK_INTENT
    assert _learned("wibble wobble", ranking, nearest, unfamiliar=False) == kind


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ([("self_harm", 0.95), ("out_of_scope", 0.05)], "self_harm"),
        ([("self_harm", 0.55), ("out_of_scope", 0.45)], "self_harm"),
        ([("self_harm", 0.45), ("out_of_scope", 0.55)], FALLBACK_INTENT),
        ([("emergency", 0.85), ("out_of_scope", 0.15)], "emergency"),
        ([("emergency", 0.75), ("out_of_scope", 0.25)], FALLBACK_INTENT),
    ],
)
def test_a_sure_verdict_needs_no_neighbours(
    ranking: list[tuple[str, float]], expected: str
) -> None:
    """Indirect suicidal wording and emergencies told as stories have few near
    examples: a self-harm verdict at 0.5 or more of the blended confidence stands
    alone, an emergency verdict at 0.8 or more; below, they need their neighbours."""
    nearest = ["out_of_scope", "goodbye", "out_of_scope", "out_of_scope", "forget_me"]
    assert _learned("thanks for everything, take care all", ranking, nearest) == expected


def test_a_learned_emergency_stands_on_a_general_question_about_something_happening_now() -> None:
    """The rules read "what helps chest pain" as a general question; the next clause
    says it began minutes ago and is getting worse, so the learned verdict stands."""
    text = "what helps chest pain, it started 20 min ago and its getting worse"
    assert RULES.classify(text) is None and RULES.only_cancelled_mentions(text)
    assert RULES.override(text, None, "emergency") == "emergency"
    assert RULES.override(
        "is chest pain serious, asking for my dad right now", None, "emergency"
    ) == ("emergency")


@pytest.mark.parametrize(
    "text",
    [
        "does chest pain after a jog go away by itself, thats still going on",
        "my son had a seizure, it ended, and now its started up again",
    ],
)
def test_a_learned_emergency_stands_when_the_message_says_it_is_still_going_or_back(
    text: str,
) -> None:
    """A general question or a past event, then a clause saying it goes on or came back:
    the rules see only cancelled mentions, the learned verdict stands."""
    assert RULES.classify(text) is None and RULES.only_cancelled_mentions(text)
    assert RULES.override(text, None, "emergency") == "emergency"


@pytest.mark.parametrize(
    ("text", "learned"),
    [
        ("no numbness now, why an mri", "emergency"),  # plain "now" is no such cue
        ("no chest pain, is my scan still going ahead", "emergency"),
        ("my dad had a stroke last year, he is doing well now", "emergency"),
        ("what helps chest pain, it started 20 min ago", "self_harm"),  # crisis: unchanged
        ("im not suicidal or anything, just fed up with waiting", "self_harm"),
        ("i love you so much", "self_harm"),  # said to the bot
        ("cut myself shaving again, tiny nick", "self_harm"),
        ("they moved my appointment again, i want to scream", "self_harm"),
        ("sick and tired of this pain, when is my scan", "emergency"),
        ("the kids attacked me with water guns", "emergency"),
    ],
)
def test_cancelled_mentions_still_set_aside_other_learned_verdicts(text: str, learned: str) -> None:
    assert RULES.override(text, None, learned) == FALLBACK_INTENT


@pytest.mark.parametrize(
    "text",
    ["if i took all my fentanyl would it be quick", "if i took 50 tylenol would it work"],
)
def test_a_method_asked_as_an_if_keeps_the_learned_crisis_verdict(text: str) -> None:
    """An "if I took ... would" cue for "would the MRI show it" once cancelled these
    (the rules read them as an overdose: the reply opens with the emergency number)."""
    assert RULES.override(text, None, "self_harm") in ("emergency", "self_harm")


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        # something else that stopped; a person lost is no lost phone; the words alone
        ("my dad was breathing weird, stopped now", "emergency"),
        ("i could just die, they lost my son", "self_harm"),
        ("i could just die, i lost my husband last week", "self_harm"),
        ("i could just die", "self_harm"),
        # whether what a relative is going through now is an emergency
        ("is it an emergency if my dad cant speak and his face is drooping", "emergency"),
        ("is it an emergency if my mum cant lift her arm, no pain", "emergency"),
    ],
)
def test_a_stopped_breath_a_lost_relative_and_a_bare_wish_keep_the_learned_guess(
    text: str, guess: str
) -> None:
    assert RULES.override(text, None, guess) == guess
