"""Where articles contradict each other, in three kinds:

- numeric: figures about the same counted thing and event ("killed:people") whose ranges,
  read with their qualifiers ("at least 40" is 40 or more), do not overlap, in passages
  that share a named place or actor;
- characterization: the same actor labelled with different polarity (negative in one
  article, positive or neutral in the other);
- factual: opposite assertions about the same event: one article holds an actor
  responsible where the other reports the actor's denial, or one asserts what the other
  negates (same actor, verb and object).

Each row links one passage in each article. Repeating one source is not corroboration,
so every summary names the source each side credits.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from inconcert.text.quantities import VAGUE, Quantity, topic_of

AT_LEAST = frozenset("at least|no fewer than|no less than|not less than|or more|more than|over|upwards of|in excess of|well over|just over|above|greater than".split("|"))
AT_MOST = frozenset("up to|at most|no more than|not more than|less than|fewer than|under|below|just under".split("|"))
ABOUT = frozenset("about|around|approximately|roughly|some|an estimated|estimated|circa|close to|or so|an approximate|as many as|as few as|as much as".split("|"))
NEARLY = frozenset(("nearly", "almost"))
APPROXIMATION = 0.15

BLAME = re.compile(
    r"\b(?:blam\w*|held\s+.{0,60}?responsible|responsible for|behind the|force behind|carried out|accus\w*|"
    r"claimed responsibility|orchestrat\w*|perpetrat\w*|planned the)\b", re.I
)
DENIAL = re.compile(
    r"\b(?:denied|denies|deny|denying|rejected the (?:accusation|charge|claim)s?|no evidence linking|"
    r"not involved|had nothing to do|played no (?:part|role))\b", re.I
)


@dataclass(frozen=True)
class Claim:
    """One side of a disagreement."""

    doc_id: str
    start: int
    end: int
    claim: str
    source: str


@dataclass(frozen=True)
class Disagreement:
    topic: str
    kind: str
    a: Claim
    b: Claim
    summary: str


def interval(quantity: Quantity) -> tuple[float, float]:
    """The values a figure allows, read with its qualifier."""
    low, high = quantity.value_low, quantity.value_high
    qualifier = quantity.qualifier.replace("between", "").strip()
    if any(word in quantity.text.lower() for word in VAGUE if word[0] in "dhtmbs" and word.endswith("s")):
        return low, low * 10 - 1
    if qualifier in AT_LEAST:
        return low, math.inf
    if qualifier in AT_MOST:
        return 0.0, high
    if qualifier in ABOUT:
        return low * (1 - APPROXIMATION), high * (1 + APPROXIMATION)
    if qualifier in NEARLY:
        return low * (1 - APPROXIMATION), high
    return low, high


def numeric_disagreements(quantities: list[Quantity], context: dict[tuple[str, int], set[str]]) -> list[Disagreement]:
    """`context` maps (doc_id, start) of each figure to the names in its paragraph and in
    its article."""
    by_topic: dict[str, list[Quantity]] = defaultdict(list)
    for quantity in quantities:
        topic = topic_of(quantity)
        if topic:
            by_topic[topic].append(quantity)
    rows = []
    for topic, claims in sorted(by_topic.items()):
        seen: set[tuple] = set()
        for i, qa in enumerate(claims):
            for qb in claims[i + 1:]:
                if qa.doc_id == qb.doc_id:
                    continue
                a, b = (qa, qb) if qa.doc_id < qb.doc_id else (qb, qa)
                key = (a.doc_id, b.doc_id, interval(a), interval(b))
                if key in seen or not _overlapping_context(context, a, b):
                    continue
                if _acknowledged(a, claims, b.doc_id) or _acknowledged(b, claims, a.doc_id):
                    continue
                seen.add(key)
                rows.append(Disagreement(
                    topic, "numeric", _figure(a), _figure(b),
                    f"{_topic_words(topic)}: {_said(a)} vs {_said(b)}",
                ))
    return rows


def _acknowledged(quantity: Quantity, claims: list[Quantity], other_doc: str) -> bool:
    """The other article also gives a figure compatible with this one (a wire story that
    reports both tolls does not contradict either)."""
    return any(_overlap(interval(quantity), interval(c)) for c in claims if c.doc_id == other_doc)


def _overlap(x: tuple[float, float], y: tuple[float, float]) -> bool:
    return x[0] <= y[1] and y[0] <= x[1]


SHARED_DOCUMENT_NAMES = 2


def _overlapping_context(context, a: Quantity, b: Quantity) -> bool:
    """The two figures are about the same story: their paragraphs name a common place or
    actor, or their articles share several names."""
    para_a, doc_a = context.get((a.doc_id, a.start), (set(), set()))
    para_b, doc_b = context.get((b.doc_id, b.start), (set(), set()))
    if para_a & para_b or len(doc_a & doc_b) >= SHARED_DOCUMENT_NAMES:
        return True
    return not (doc_a or doc_b)


def _figure(quantity: Quantity) -> Claim:
    return Claim(quantity.doc_id, quantity.start, quantity.end, quantity.text, quantity.attributed_to)


def _said(quantity: Quantity) -> str:
    credited = quantity.attributed_to or "the author"
    return f"{quantity.text!r} ({credited})"


def _topic_words(topic: str) -> str:
    event, counted = topic.split(":")
    return f"{counted} {event}"


def characterization_disagreements(labels: list[dict]) -> list[Disagreement]:
    """`labels` rows carry doc_id, start, end, actor (canonical), label, polarity."""
    by_actor_doc: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for label in labels:
        by_actor_doc[label["actor"]][label["doc_id"]].append(label)
    rows = []
    for actor, docs in sorted(by_actor_doc.items()):
        doc_ids = sorted(docs)
        for i, doc_a in enumerate(doc_ids):
            for doc_b in doc_ids[i + 1:]:
                pair = _most_divergent(docs[doc_a], docs[doc_b])
                if pair is None:
                    continue
                la, lb = pair
                kind_words = "opposite" if {la["polarity"], lb["polarity"]} == {"negative", "positive"} else "divergent"
                rows.append(Disagreement(
                    actor, "characterization",
                    Claim(doc_a, la["start"], la["end"], la["label"], ""),
                    Claim(doc_b, lb["start"], lb["end"], lb["label"], ""),
                    f"{actor}: {kind_words} labels, {la['label']!r} ({la['polarity']}) vs {lb['label']!r} ({lb['polarity']})",
                ))
    return rows


_SCORE = {"negative": -1, "neutral": 0, "positive": 1}


def _most_divergent(labels_a: list[dict], labels_b: list[dict]):
    best, best_gap = None, 0
    for la in labels_a:
        for lb in labels_b:
            if la["polarity"] == lb["polarity"]:
                continue
            gap = abs(_SCORE[la["polarity"]] - _SCORE[lb["polarity"]])
            if gap > best_gap:
                best, best_gap = (la, lb), gap
    return best


@dataclass(frozen=True)
class Stance:
    """An article's position on an actor's role in an event, with its evidence."""

    doc_id: str
    actor: str
    position: str  # responsible or denies
    start: int
    end: int
    text: str
    source: str


def responsibility_stances(document, actors_in_sentence, credited) -> list[Stance]:
    """Blame and denial sentences about a named actor; a denial whose subject is "the
    group" or "it" goes to the actor last named in the same paragraph."""
    if document.doc is None:
        return []
    text = document.text
    stances = []
    last_actor = None
    paragraph_start = 0
    for sentence in document.doc.sents:
        start, end = sentence.start_char, sentence.end_char
        if "\n\n" in text[paragraph_start:start] or re.search(r"\n\s*\n", text[paragraph_start:start]):
            last_actor, paragraph_start = None, start
        names = actors_in_sentence(sentence)
        sentence_text = text[start:end].strip()
        stripped_start = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        stripped_end = stripped_start + len(sentence_text)
        if DENIAL.search(sentence_text):
            actor = names[0] if names else last_actor
            if actor:
                stances.append(Stance(document.doc_id, actor, "denies", stripped_start, stripped_end, sentence_text,
                                      credited(stripped_start, stripped_end)))
        elif BLAME.search(sentence_text) and names:
            for actor in names:
                stances.append(Stance(document.doc_id, actor, "responsible", stripped_start, stripped_end, sentence_text,
                                      credited(stripped_start, stripped_end)))
        if names:
            last_actor = names[-1]
    return stances


def factual_disagreements(stances: list[Stance]) -> list[Disagreement]:
    """An article that holds an actor responsible without reporting its denial, against
    an article that reports the denial."""
    by_actor: dict[str, dict[str, dict[str, Stance]]] = defaultdict(lambda: defaultdict(dict))
    for stance in stances:
        by_actor[stance.actor][stance.doc_id].setdefault(stance.position, stance)
    rows = []
    for actor, docs in sorted(by_actor.items()):
        blaming = sorted(d for d, positions in docs.items() if "responsible" in positions and "denies" not in positions)
        denying = sorted(d for d, positions in docs.items() if "denies" in positions)
        for doc_a in blaming:
            for doc_b in denying:
                sa, sb = docs[doc_a]["responsible"], docs[doc_b]["denies"]
                a, b = (sa, sb) if doc_a < doc_b else (sb, sa)
                rows.append(Disagreement(
                    f"responsibility of {actor}", "factual",
                    Claim(a.doc_id, a.start, a.end, a.text, a.source), Claim(b.doc_id, b.start, b.end, b.text, b.source),
                    f"{actor}: {doc_a} holds it responsible ({sa.source or 'the author'}); "
                    f"{doc_b} reports a denial ({sb.source or 'the author'})",
                ))
    return rows
