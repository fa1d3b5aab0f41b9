"""Figures an article states: counts, money, percentages and ranges, with the qualifier
("at least", "more than"), what is counted, the event, whether it is hedged and whom the
article credits for it.

A grammar of number expressions finds candidates in the raw text (quantulum3 was tried
and drops qualifiers and collapses ranges, text_anchors.md §6); the spaCy parse supplies
the counted noun phrase, the event and the date filter. Precision matters as much as
recall, so everything that only looks like a figure is refused: years, dates, times, ages,
durations, list numbers, identifiers ("Resolution 2254", "F-16") and the footnote
numbers that web copies glue to words and punctuation ("reforms:4", "Accord\".7").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from inconcert.text.attributions import Attribution, credited_source
from inconcert.text.document import Document, doc_text
from inconcert.text.lexicon import (
    APPROXIMATE_QUALIFIERS, EVENT_CLASS_OF, FIGURE_NOUNS, HEDGE_WORDS, MONEY_TRANSFER_WORDS, PERSON_NOUNS,
    SUBJECT_EVENT_CLASS_OF,
)

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 1_000_000_000_000}
SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "b": 1_000_000_000, "tn": 1_000_000_000_000}
# Vague amounts at their implied minimum (CONTRACT §4).
VAGUE = {
    "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000, "billions": 1_000_000_000,
    "tens of thousands": 10_000, "hundreds of thousands": 100_000, "tens of millions": 10_000_000,
    "hundreds of millions": 100_000_000, "a dozen": 12, "half a million": 500_000, "half a billion": 500_000_000,
}
FEW = {"a few": 2, "several": 3}
CURRENCY_SYMBOLS = {"us$": "dollars", "$": "dollars", "€": "euros", "£": "pounds", "¥": "yen", "₹": "rupees", "₽": "rubles", "₪": "shekels", "₴": "hryvnias"}
CURRENCY_WORDS = (
    "dollars|euros|pounds|pounds sterling|yuan|renminbi|rubles|roubles|rupees|shekels|hryvnias|hryvnia|dinars|riyals|"
    "lira|liras|yen|francs|pesos|dirhams|rials|tomans|usd|eur|gbp"
)
QUALIFIERS = (
    "no fewer than|no more than|no less than|not more than|not less than|as many as|as few as|as much as|"
    "more than|less than|fewer than|greater than|upwards of|in excess of|well over|just over|just under|"
    "at least|at most|up to|close to|nearly|almost|about|around|approximately|roughly|some|an estimated|"
    "estimated|over|under|below|above|only|just|a mere|barely|circa"
)
TIME_UNITS = r"(?:second|minute|hour|day|week|fortnight|month|year|decade|century|centurie|millenni(?:um|a))s?"
MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# Words after which a number names something rather than counts it.
IDENTIFIER_WORDS = frozenset(
    """article articles section sections chapter chapters resolution resolutions no no. nos number numbers flight route highway
    room page pages p. pp. vol vol. volume issue paragraph para amendment bill act rule phase level grade class category
    item unit station gate platform terminal channel episode season part step stage psalm verse block apartment
    apt suite floor district precinct division squad battalion brigade regiment corps fleet model version v
    windows iphone war top figure fig fig. table appendix note footnote covid covid- title code law decree order
    directive protocol clause annex point points ward lot plot district rank ranked pier exit line lines
    #""".split()
)
VAGUE_ONE_NOUNS = frozenset(
    """thing things way ways day time times side point hand another more reason example question kind sort
    part piece moment night morning evening year week month word another place end look""".split()
)
CONTRAST = re.compile(r"\b(?:while|whereas|but|however)\b|;")

_DIGITS = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_SPELLED_SMALL = "|".join(sorted([*UNITS, *TENS], key=len, reverse=True))
_SPELLED = rf"(?:(?:{'|'.join(TENS)})[-\s](?:{'|'.join(k for k in UNITS if UNITS[k] and UNITS[k] < 10)})|{_SPELLED_SMALL})"
_SCALE = "|".join(SCALES)
_VAGUE = "|".join(sorted(map(re.escape, VAGUE), key=len, reverse=True))
_NUMBER = (
    rf"(?:(?:{_DIGITS})(?:\s*(?:{_SCALE})|(?:{'|'.join(SHORT_SCALES)})\b)?"
    rf"|(?:{_VAGUE})"
    rf"|(?:a few|several|an?|{_SPELLED})(?:\s+(?:{_SCALE}))+"
    rf"|{_SPELLED})"
)
_CURRENCY_PREFIX = r"(?:US\$|C\$|A\$|\$|€|£|¥|₹|₽|₪|₴)"
_AMOUNT = rf"(?:{_CURRENCY_PREFIX}\s?)?(?:{_NUMBER})"
_UNIT_SUFFIX = rf"(?:\s?%|\s+per\s?cent\b|\s+percent(?:age points)?\b|\s+(?:{CURRENCY_WORDS})\b)?"
QUANTITY = re.compile(
    rf"(?<![\w$€£¥₹₽₪₴])(?P<qualifier>(?:{QUALIFIERS})\s+)?"
    rf"(?:(?P<between>between|from)\s+)?"
    rf"(?P<low>{_AMOUNT})"
    rf"(?:(?P<joint>(?(between)\s*(?:and|to|-|–|—)\s*|\s*(?:-|–|—|to)\s*))(?P<high>{_AMOUNT}))?"
    rf"(?P<unit>{_UNIT_SUFFIX})"
    rf"(?P<post>\s+or more\b|\s+or so\b|-plus\b|\+)?"
    rf"(?![\w])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    doc_id: str
    start: int
    end: int
    text: str
    value_low: float
    value_high: float
    qualifier: str
    counted: str
    event: str
    attributed_to: str
    hedged: bool
    kind: str  # count, money or percent
    setting: frozenset = frozenset()  # the sentence's nouns for where and what ("tarnic", "market"), to tell events apart
    # cited only to be rejected ("claims of 40 dead are exaggerated", "not the thousands
    # invented by NGOs"): the figure belongs to whom it is credited to, not to the writer
    distanced: bool = False
    sentence: str = ""  # the figure's sentence, the evidence a disagreement shows
    # a part of a group counted before ("17 of them children", "Nine of the wounded"): not a
    # total, so never compared with one
    part: bool = False

    @property
    def event_class(self) -> str:
        if not self.event:
            return ""
        word = self.event.split()[-1]
        return EVENT_CLASS_OF.get(word) or SUBJECT_EVENT_CLASS_OF.get(word, "")


def extract_quantities(document: Document, attributions: list[Attribution]) -> list[Quantity]:
    if document.doc is None:
        return []
    text = document.text
    found = []
    for match in QUANTITY.finditer(text):
        quantity = _read(document, match, attributions)
        if quantity is not None:
            found.append(quantity)
    return _elliptic_events(document, found)


def _elliptic_events(document: Document, found: list[Quantity]) -> list[Quantity]:
    """A bare figure right after one with an event counts the same thing: "Organisers
    claimed 200,000 marchers. Police counted fewer than 16,000." (the same or the next
    sentence of one paragraph, and the bare figure names nothing it counts)."""
    doc, text = document.doc, document.text
    sentence_of = [doc.char_span(q.start, q.end, alignment_mode="expand")[0].sent.start for q in found]
    for k in range(1, len(found)):
        q, previous = found[k], found[k - 1]
        if q.counted or q.kind != "count" or q.event_class or not previous.event_class or previous.kind != "count":
            continue
        if not (0 <= sentence_of[k] - sentence_of[k - 1]) or re.search(r"\n\s*\n", text[previous.end:q.start]):
            continue
        if sentence_of[k] != sentence_of[k - 1] and doc[sentence_of[k]].sent.start != doc[sentence_of[k - 1]].sent.end:
            continue
        found[k] = replace(q, event=previous.event)
    return found


def _read(document: Document, match: re.Match, attributions: list[Attribution]) -> Quantity | None:
    text, doc = document.text, document.doc
    low_text, high_text = match.group("low"), match.group("high")
    between = (match.group("between") or "").lower()
    if between and not high_text:
        return None  # "from 40" alone is a change, not a figure this grammar reads
    number_start = match.start("low")
    if _refused(text, number_start, match.end("high") if high_text else match.end("low"), low_text, match):
        return None
    low = _value(low_text)
    high = _value(high_text) if high_text else low
    if low is None or high is None:
        return None
    if high_text:
        low, high = _share_scale(low_text, high_text, low, high)
        if high < low:
            return None
    unit = match.group("unit").strip().lower()
    kind = "percent" if unit and ("%" in unit or "cent" in unit) else "money" if (
        re.match(_CURRENCY_PREFIX, low_text) or (unit and unit not in ("%",))
    ) else "count"
    start, end = match.start(), match.end()
    qualifier = (match.group("qualifier") or "").strip().lower()
    post = (match.group("post") or "").strip().lower()
    if between == "between":
        qualifier = "between" if not qualifier else f"{qualifier} between"
    if post:
        qualifier = qualifier or ("or more" if post in ("or more", "-plus", "+") else post)
    if not _token_checks(doc, number_start, end, low_text):
        return None
    counted, event = _counted_and_event(doc, start, end, low_text, kind, unit)
    if kind == "money" and not counted:
        counted = _currency_name(low_text, unit)
    span_text = text[start:end]
    sentence = doc.char_span(start, end, alignment_mode="expand")[0].sent
    distanced, holder = _distancing(text, sentence.start_char, sentence.end_char, start, end)
    return Quantity(
        doc_id=document.doc_id, start=start, end=end, text=span_text, value_low=low, value_high=high,
        qualifier=qualifier, counted=counted, event=event,
        attributed_to=holder or credited_source(attributions, start, end, text),
        hedged=qualifier in APPROXIMATE_QUALIFIERS or _hedged(doc, start, end),
        kind=kind, setting=_setting(doc, start, end), distanced=distanced,
        sentence=" ".join(text[sentence.start_char:sentence.end_char].split()),
        part=_PART_OF_GROUP.match(text, end) is not None,
    )


_PART_OF_GROUP = re.compile(r"\s+of\s+(?:them|whom|those|these|the\s+(?:wounded|injured|dead|victims|casualties|killed|missing|detainees|prisoners))\b", re.I)


# Words with which a writer rejects a figure it cites ("claims of 40 dead are exaggerated",
# "the Front's 200,000 marchers are a fantasy").
REJECTION = re.compile(
    r"\b(?:exaggerat\w*|inflat(?:ed|es|ing|ion)|overstat\w*|fantas(?:y|ies)|fiction|fictitious|fabricat\w*|"
    r"invent(?:ed|ion|s)|made[- ]up|false(?:ly|hood)?|a lie|outright lies|myths?|hoax|bogus|baseless|groundless|"
    r"unfounded|untrue|not true|nonsense|absurd|ridiculous|debunked|discredited|propaganda figures?|"
    r"far[- ]fetched|wildly (?:off|wrong)|pure invention|pulled out of thin air)\b",
    re.I,
)
# The writer sets the figure aside in the same phrase: "not the thousands …", "rather than 40".
_SET_ASIDE = re.compile(r"(?:\bnot\s+(?:the\s+)?|\brather\s+than\s+(?:the\s+)?|\binstead\s+of\s+(?:the\s+)?|"
                        r"\bnowhere\s+near\s+(?:the\s+)?)$", re.I)
# Where the holder of a rejected figure is named: "the Front's “200,000 marchers”",
# "the thousands invented by foreign NGOs", "claims by the ministry of 40 dead".
_HOLDER_BEFORE = re.compile(r"((?:[Tt]he\s+)?[A-Z][\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)*)['’]s?\s*[“\"‘']?\s*$")
_HOLDER_AFTER = re.compile(
    r"^[^,;.]{0,40}?\b(?:invented|claimed|quoted|cited|given|touted|circulated|spread|peddled|published|reported|"
    r"put forward|issued)\s+by\s+((?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+){0,4}?)(?=\s*(?:[,.;:!?)—–]|\s+(?:and|is|are|was|were|has|have)\b|$))"
)
_CLAUSE_BREAK = re.compile(r";|—|–|\s-\s|\b(?:but|while|whereas|however)\b", re.I)


def _distancing(text: str, sentence_start: int, sentence_end: int, start: int, end: int) -> tuple[bool, str]:
    """Whether the writer cites the figure only to reject it, and whom the sentence
    makes its holder (empty when it names none: the figure then keeps its attribution).
    The rejection must be in the figure's own clause, so that "claims of 40 dead are
    exaggerated; 12 died" rejects the 40, not the 12."""
    clause_start, clause_end = sentence_start, sentence_end
    for brk in _CLAUSE_BREAK.finditer(text, sentence_start, sentence_end):
        if brk.end() <= start:
            clause_start = brk.end()
        elif brk.start() >= end:
            clause_end = brk.start()
            break
    before, after = text[clause_start:start], text[end:clause_end]
    set_aside = bool(_SET_ASIDE.search(before))
    # a rejection word speaks of the nearest figure: in "4,800 left, and claims of 40,000
    # are inflated" it is the 40,000 that is rejected
    # and only within a few words of it: in "4,800 have registered, the ministry said,
    # rejecting invented numbers" the invented numbers are another figure
    rejected_before = [m for m in REJECTION.finditer(before) if _near(before[m.end():])]
    rejected_after = [m for m in REJECTION.finditer(after) if _near(after[:m.start()])]
    if not (set_aside or rejected_before or rejected_after):
        return False, ""
    holder = ""
    by = _HOLDER_AFTER.search(after)
    owner = _HOLDER_BEFORE.search(before[-80:])
    if by:
        holder = by.group(1)
    elif owner and not re.fullmatch(r"(?:[Tt]he\s+)?(?:It|Its|This|That|These|Those|The)", owner.group(1)):
        holder = owner.group(1)
    return True, holder


REJECTION_REACH = 6  # words between a figure and the word that rejects it


def _near(between: str) -> bool:
    return "," not in between and len(between.split()) <= REJECTION_REACH and not _has_figure(between)


def _has_figure(text: str) -> bool:
    return any(not re.fullmatch(r"(?i:an?|some|one)", m.group("low").strip()) for m in QUANTITY.finditer(text))


def _refused(text: str, start: int, end: int, number: str, match: re.Match) -> bool:
    """Whatever looks like a figure but is a footnote, a date, a time, a year, an age, a
    duration, an identifier or a list number."""
    before = text[max(0, start - 1):start]
    after = text[end:end + 1]
    bare = number.lstrip("$€£¥₹₽₪₴USCA ").strip()
    is_digits = bare[:1].isdigit()
    if is_digits and before and (before.isalnum() or before in ".,:;)]\"”’'*/#-_["):
        # glued to a word or punctuation: a footnote number ("talks.52"), a name ("F-16", "G7")
        if not re.match(_CURRENCY_PREFIX, number):
            return True
    if after and (after.isalnum() or after in "/°") and not match.group("unit"):
        return True
    if re.match(r"[:.][0-9]", text[end:end + 2]) or re.match(r"\.[0-9]", text[end:end + 2]):
        return True  # 10:05, 3.8.0
    tail = text[end:end + 24].lower()
    if re.match(rf"\s*(?:-\s*|\s)?{TIME_UNITS}\b", tail) and not match.group("unit"):
        return True  # durations and ages: "three days", "30 years", "45-year-old"
    if re.match(r"\s*(?:a\.?m\.?|p\.?m\.?|gmt|utc|o['’]clock|hrs\b|h\b)", tail):
        return True
    if re.match(rf"\s*(?:st|nd|rd|th)?\s*(?:of\s+)?{MONTHS}(?![a-z])", tail) or re.search(rf"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:{MONTHS})\s*$", text[max(0, start - 12):start]):
        return True  # 5 March, March 5
    if re.search(rf"(?i:{MONTHS})\s+[0-9]{{1,2}}(?:st|nd|rd|th)?\s*(?:or|and|to|-|–)\s*$", text[max(0, start - 24):start]):
        return True  # the second day of "January 14 or 15"
    if re.match(r"\s+times\s+(?:more|less|fewer|higher|lower|larger|bigger|greater|smaller|as|that|the|over)\b", text[end:end + 20], re.I):
        return True  # a multiplier: "ten times that", "three times as many"
    head = text[max(0, start - 30):start]
    previous_word = re.findall(r"[\w#.\-]+\s*$", head)
    # "Article 5", "No. 7"; but "this war. Sixty-three …" starts a sentence after "war."
    if previous_word and previous_word[0].strip().lower() in IDENTIFIER_WORDS and not match.group("qualifier"):
        return True
    if bare == "911" and not match.group("qualifier"):
        return True  # the emergency number
    if re.match(r"-[^\W\d]", text[end:end + 2]):
        return True  # compound modifiers: "six-figure fees", "30-round magazines", "3-D"
    if is_digits and re.search(r"[A-Z][\w'’.-]*,\s*$", head) and re.match(r"\s*(?:[,.;)]|and\b|who\b|is\b|was\b)", text[end:end + 6]):
        return True  # an age in apposition: "Eric Joering, 39, and Anthony Morelli, 54, were"
    if re.search(r"\b(?:aged?|ages|age of|turned|turns|turning)\s*$", head.lower()) or (
        re.search(r"\bat\s*$", head.lower()) and re.match(r"\s*,", text[end:end + 2]) and not match.group("qualifier")
        and not _figure_named_before(head)  # "died at 45," is an age; "put the toll at 19," a figure
    ):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip() and re.match(r"[.)]\s", text[end:end + 2]):
        return True  # "1. First point" at the start of a line
    if re.search(r"\(\s*$", head) and re.match(r"\s*\)", text[end:end + 3]) and bare.isdigit() and len(bare) <= 3:
        return True  # "(4)" enumerations and reference marks
    if is_digits and not match.group("qualifier") and not match.group("unit") and _looks_like_year(bare, text, end, match):
        return True
    chunk_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    chunk = text[chunk_start:text.find(" ", end) if text.find(" ", end) != -1 else len(text)]
    if "://" in chunk or "@" in chunk or "www." in chunk:
        return True
    return False


def _figure_named_before(head: str) -> bool:
    # "the toll … stands at 9,": a verb that sets a level is followed by a figure, not an age
    return any(word in FIGURE_NOUNS for word in re.findall(r"[a-z]+", head.lower())[-5:]) or bool(
        re.search(r"\b(?:stands?|stood|remains?|remained|rose|risen|climbed|reached|puts?)\s+at\s*$", head.lower()))


def _looks_like_year(bare: str, text: str, end: int, match: re.Match) -> bool:
    low = match.group("low")
    high = match.group("high")
    if re.fullmatch(r"1[5-9][0-9]{2}|20[0-9]{2}", bare):
        if high and not re.fullmatch(r"(?:1[5-9]|20)?[0-9]{2}", high.strip()):
            return False
        follower = re.match(r"\s+([a-z]+)", text[end:end + 30])
        return not (follower and follower.group(1).endswith("s") and follower.group(1) not in ("was", "is", "has", "as", "this", "its"))
    return bool(re.fullmatch(r"[0-9]{4}s|'[0-9]{2}s", low or ""))


def _token_checks(doc, start: int, end: int, number_text: str) -> bool:
    """What only the parse can tell: a number inside a date, a time or a name, and a bare
    "one" that is not a count ("one of them", "no one")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    for ent in doc.ents:
        if ent.start_char < end and start < ent.end_char:
            if ent.label_ in ("DATE", "TIME") and _is_calendar(ent.text):
                return False
            if ent.label_ in ("WORK_OF_ART", "LAW", "PRODUCT", "EVENT", "ORG", "FAC") and not _is_vague_or_count(ent.text, number_text):
                return False
    if number_text.strip().lower() == "one":
        token = span[-1]
        following = doc[token.i + 1] if token.i + 1 < len(doc) else None
        preceding = doc[token.i - 1] if token.i > 0 else None
        if following is None or following.pos_ not in ("NOUN",) or following.lower_ in VAGUE_ONE_NOUNS:
            return False
        if preceding is not None and preceding.lower_ in ("no", "the", "any", "every", "this", "that", "each", "which", "at"):
            return False
    first = span[0]
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, first.idx) + 1
    opens_line = not text[line_start:first.idx].strip()  # a headline without a full stop runs into the next line
    if first.text[:1].isupper() and first.i > first.sent.start and not opens_line and first.lower_ in {*UNITS, *TENS} and first.ent_type_ not in ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", ""):
        return False  # "the Big Four", "Group of Seven"
    return True


def _is_calendar(entity_text: str) -> bool:
    lowered = entity_text.lower()
    return bool(
        re.search(rf"\b{TIME_UNITS}\b|\b{MONTHS}(?![a-z])|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                  r"today|yesterday|tomorrow|ago|morning|evening|night|noon|a\.m|p\.m|:|\b1[5-9][0-9]{2}\b|\b20[0-9]{2}\b|'[0-9]{2}s",
                  lowered)
    )


def _is_vague_or_count(entity_text: str, number_text: str) -> bool:
    return entity_text.strip().lower().startswith(number_text.strip().lower()[:3])


def _value(number: str) -> float | None:
    raw = number.strip().lower()
    raw = re.sub(r"^(?:us\$|c\$|a\$|[$€£¥₹₽₪₴])\s?", "", raw)
    if raw in VAGUE:
        return float(VAGUE[raw])
    digits = re.match(rf"({_DIGITS})\s*({_SCALE}|{'|'.join(SHORT_SCALES)})?$", raw)
    if digits:
        base = float(digits.group(1).replace(",", ""))
        scale = digits.group(2)
        return base * (SCALES.get(scale) or SHORT_SCALES.get(scale, 1)) if scale else base
    return _spelled_value(raw)


def _spelled_value(raw: str) -> float | None:
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", raw):
        if word in ("a", "an"):
            current = current or 1
        elif word in FEW:
            current = FEW[word]
        elif word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            current = (current or 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total, current = total + current, 0.0
        elif word in ("few",):
            continue
        else:
            return None
    return total + current


def _share_scale(low_text: str, high_text: str, low: float, high: float) -> tuple[float, float]:
    """"2 to 3 million": the low end borrows the high end's scale word."""
    scale = re.search(rf"\s*({_SCALE}|{'|'.join(SHORT_SCALES)})\s*$", high_text.lower())
    if scale and not re.search(rf"({_SCALE})", low_text.lower()) and low < high / 1000:
        factor = SCALES.get(scale.group(1)) or SHORT_SCALES.get(scale.group(1), 1)
        return low * factor, high
    return low, high


def _currency_name(number: str, unit: str) -> str:
    for symbol, name in CURRENCY_SYMBOLS.items():
        if number.lower().startswith(symbol):
            return name
    return unit


def _counted_and_event(doc, start: int, end: int, number_text: str, kind: str, unit: str) -> tuple[str, str]:
    """The noun phrase a figure counts ("40 people", "dozens of people", "the death toll at
    12") and the word for what happened to it ("killed", "toll")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    last = span[-1]
    sentence = last.sent
    counted_tokens = []
    following = [t for t in doc[last.i + 1: sentence.end]]
    if following and following[0].lower_ == "of" and kind != "money":
        following = following[1:]
        while following and following[0].pos_ == "DET":
            following = following[1:]
    for token in following:
        if token.pos_ in ("ADJ", "NOUN", "PROPN", "VERB") and (token.pos_ != "VERB" or token.tag_ in ("VBN", "VBG")) and token.dep_ in (
            "amod", "compound", "nmod", "pobj", "dobj", "nsubj", "nsubjpass", "attr", "ROOT", "conj", "appos", "npadvmod", "dep", "oprd", "nummod"
        ) and (token.pos_ != "VERB" or token.dep_ == "amod"):  # "27 abandoned villages"
            counted_tokens.append(token)
            if token.pos_ in ("NOUN", "PROPN") and not (token.i + 1 < sentence.end and doc[token.i + 1].dep_ == "compound"):
                break
        else:
            break
    while counted_tokens and counted_tokens[-1].pos_ == "ADJ":
        counted_tokens.pop()
    counted = re.sub(r"[\W\d]+$", "", " ".join(t.text for t in counted_tokens))
    head = counted_tokens[-1] if counted_tokens else last
    if not counted and kind == "count":
        toll = _figure_noun_before(doc, span)
        if toll is not None:
            counted, head = toll
    event = _event_word(doc, head, last, counted)
    return counted, event


def _figure_noun_before(doc, span):
    """"put the death toll at 12", "the number of dead rose to 40": the counted thing is
    named before the figure."""
    sentence = span[0].sent
    for token in reversed(doc[max(sentence.start, span[0].i - 12): span[0].i]):
        if token.lower_ in FIGURE_NOUNS:
            words = [t for t in token.subtree if t.i <= token.i and t.pos_ not in ("DET", "PRON") and t.dep_ != "poss"]
            tail = [t for t in token.subtree if t.i > token.i and t.i < span[0].i and t.dep_ in ("prep", "pobj", "amod", "compound")]
            if tail and tail[0].lower_ == "of" and len(tail) > 1:
                words += tail
            return " ".join(t.text for t in words), token
    return None


def _event_word(doc, head, number_token, counted: str) -> str:
    counted_event = next((w for w in reversed(counted.lower().split()) if w in EVENT_CLASS_OF), "")
    if counted_event and counted_event not in PERSON_NOUNS:
        return counted_event  # "the death toll", "40 deaths"
    # "1,200 protesters were detained": what happened to them (the verb) comes before what they are
    verb = head.head if head.dep_ in ("nsubj", "nsubjpass", "dobj") else None
    if verb is not None and verb.lower_ in EVENT_CLASS_OF and verb.pos_ == "VERB":
        return verb.lower_
    if verb is not None and verb.lower_ in SUBJECT_EVENT_CLASS_OF and head.dep_ == "nsubj" and verb.pos_ == "VERB":
        return verb.lower_
    if counted_event:
        return counted_event
    neighbours = [doc[i] for i in range(number_token.i + 1, min(number_token.i + 3, len(doc)))]
    for token in neighbours:
        if token.lower_ in EVENT_CLASS_OF and token.pos_ in ("ADJ", "VERB", "NOUN"):
            return token.lower_
    token, first_verb = head, ""
    for _ in range(4):
        if token.lower_ in EVENT_CLASS_OF:
            return token.lower_
        if token.pos_ == "VERB":
            if any(c.dep_ == "dobj" and c.lower_ in ("home", "homes", "houses", "villages") and c.i != head.i for c in token.children):
                return "displaced"  # "5,000 residents have left their homes"
            # "4,800 residents have registered as displaced": the event word can hang off the verb
            for child in token.children:
                if child.dep_ in ("acomp", "oprd", "xcomp", "prep", "advcl", "conj"):
                    word = next((t.lower_ for t in child.subtree if t.lower_ in EVENT_CLASS_OF and t.i - child.i < 3), "")
                    if word:
                        return word
            first_verb = first_verb or token.lower_
        if token.head is token:
            break
        token = token.head
    # a headline run into the first sentence misleads the parse ("… pretends not to see
    # By X Some 3,000 men have been detained"): the verb that follows the counted noun
    following = _next_verb(doc, head)
    if following is not None and following.lower_ in EVENT_CLASS_OF:
        return following.lower_
    return first_verb


def _next_verb(doc, head):
    sentence_end = head.sent.end
    for token in doc[head.i + 1: min(head.i + 9, sentence_end)]:
        if token.pos_ == "VERB":
            return token
        if token.is_punct and token.text in ",;:—":
            return None
    return None


# Nouns too common in news sentences to tell one event from another.
_NOT_A_SETTING = frozenset(
    """ministry office spokesman spokeswoman official officials statement report reports agency group government
    week weekend day days morning evening night month year time people figure figures number numbers
    interior defence defense foreign health army military police forces force parliament president minister
    prime council committee union court prosecutor prosecutors general capital country state media press news
    hospital hospitals doctors sources source estimate estimates claims claim attack attacks""".split()
)


def _setting(doc, start: int, end: int) -> frozenset:
    """The nouns of a figure's sentence that say where and to what it happened: two
    figures for "wounded" people are about one event only if their sentences share some."""
    sentence = doc.char_span(start, end, alignment_mode="expand")[0].sent
    return frozenset(
        t.lower_ for t in sentence
        if t.pos_ in ("NOUN", "PROPN") and t.ent_type_ not in ("DATE", "TIME", "CARDINAL") and len(t.text) > 2
        and t.lower_ not in PERSON_NOUNS and t.lower_ not in EVENT_CLASS_OF and t.lower_ not in FIGURE_NOUNS
        and t.lower_ not in _NOT_A_SETTING and not (start <= t.idx < end)
    )


def _hedged(doc, start: int, end: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    sentence = span[0].sent
    return any(t.lower_ in HEDGE_WORDS for t in sentence)


def topic_of(quantity: Quantity) -> str:
    """What a figure is about, for comparing figures across articles: the event class and
    the counted thing ("killed:people"), empty when the figure names no event."""
    if quantity.part:
        return ""
    if quantity.kind == "money":
        # money sent or received ("Brevia has sent the group more than $120 million", "has
        # received less than $3 million") is one thing per currency
        word = quantity.event.split()[-1].lower() if quantity.event else ""
        return f"funding:{quantity.counted.lower()}" if word in MONEY_TRANSFER_WORDS and quantity.counted else ""
    event = quantity.event_class
    if not event or quantity.kind != "count":
        return ""
    words = quantity.counted.lower().split()
    noun = words[-1] if words else "people"
    if noun in PERSON_NOUNS or noun in EVENT_CLASS_OF or noun in FIGURE_NOUNS:
        noun = "people"
    return f"{event}:{noun}"
