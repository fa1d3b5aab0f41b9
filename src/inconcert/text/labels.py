"""How an article characterises each named actor: appositions ("the Front, a banned
militia"), copular predicates ("X is a …"), labelling verbs ("branded X a …"), epithets in
front of the name ("the Iran-backed Houthis") and name-calling heads ("the Assad regime").

Polarity comes from the transparent word lists in `lexicon.py`: a label with a word from
the negative list is negative, else one with a word from the positive list is positive,
else neutral. It says how the article words the label, not whether the label is fair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inconcert.text.actors import actor_mentions, plain_name
from inconcert.text.document import Document
from inconcert.text.lexicon import CHARACTERISING_HEADS, NEGATIVE_LABEL_WORDS, POSITIVE_LABEL_WORDS

COPULAS = frozenset("is are was were remains remain remained became become becomes".split())
LABEL_VERBS = frozenset(
    "call calls called brand brands branded label labels labelled labeled dub dubs dubbed describe describes described "
    "designate designates designated denounce denounces denounced consider considers considered term terms termed".split()
)
_HYPHEN_EPITHET = re.compile(r"-(?:backed|funded|financed|sponsored|linked|aligned|allied|controlled|run|owned|affiliated|led|supported|inspired)$", re.I)


@dataclass(frozen=True)
class Label:
    doc_id: str
    start: int
    end: int
    entity: str  # as written in the article; run.py adds the canonical actor name
    label: str
    polarity: str
    pattern: str


def polarity_of(label: str) -> str:
    words = set(re.findall(r"[a-z]+(?:-[a-z]+)*", label.lower()))
    words |= {part for word in list(words) for part in word.split("-")}
    if words & NEGATIVE_LABEL_WORDS:
        return "negative"
    if words & POSITIVE_LABEL_WORDS:
        return "positive"
    return "neutral"


def extract_labels(document: Document) -> list[Label]:
    if document.doc is None:
        return []
    doc = document.doc
    labels: dict[tuple[int, int], Label] = {}
    for ent in actor_mentions(doc):
        for label in _labels_of(document, ent):
            labels.setdefault((label.start, label.end), label)
    return sorted(labels.values(), key=lambda l: (l.start, l.end))


def _labels_of(document: Document, ent) -> list[Label]:
    root = ent.root
    found = []
    for child in root.children:
        if child.dep_ == "appos" and child.i > ent.end - 1 and child.pos_ in ("NOUN", "ADJ"):
            found.append(_make(document, ent, _phrase(child), "apposition"))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < ent.start:
        found.append(_make(document, ent, _phrase(root.head, stop=ent.start), "apposition"))
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.lower_ in COPULAS:
        for child in root.head.children:
            if child.dep_ in ("attr", "acomp") and child.i > root.i:
                found.append(_make(document, ent, _phrase(child), "copula"))
    if root.dep_ == "dobj" and root.head.lower_ in LABEL_VERBS:
        for child in root.head.children:
            if child.dep_ == "dobj" and child.i > ent.end - 1 and child.pos_ == "NOUN":
                found.append(_make(document, ent, _phrase(child), "labelling verb"))
            if child.dep_ in ("oprd", "xcomp", "ccomp") and child.i > root.i:
                found.append(_make(document, ent, _phrase(child), "labelling verb"))
            if child.dep_ == "prep" and child.lower_ == "as":
                target = next((c for c in child.children if c.dep_ == "pobj"), None)
                if target is not None:
                    found.append(_make(document, ent, _phrase(target), "labelling verb"))
    if root.dep_ == "nsubjpass" and root.head.lower_ in LABEL_VERBS:
        for child in root.head.children:
            if child.dep_ in ("oprd", "attr") and child.i > root.i:
                found.append(_make(document, ent, _phrase(child), "labelling verb"))
            if child.dep_ == "prep" and child.lower_ == "as":
                target = next((c for c in child.children if c.dep_ == "pobj"), None)
                if target is not None:
                    found.append(_make(document, ent, _phrase(target), "labelling verb"))
    epithet = _epithet_before(ent)
    if epithet is not None:
        found.append(_make(document, ent, epithet, "epithet"))
    if root.dep_ == "compound" and root.head.i >= ent.end and root.head.lower_ in CHARACTERISING_HEADS:
        head = root.head
        if polarity_of(head.text) != "neutral" or head.lower_ in ("regime", "junta", "mouthpiece"):
            found.append(_make(document, ent, ent.doc[ent.end: head.i + 1], "name-calling"))
    return [label for label in found if label is not None]


def _phrase(head, stop: int | None = None):
    """The label's words: the head's subtree, without a relative clause, a trailing
    comma or anything from `stop` on."""
    doc = head.doc
    end = head.right_edge.i + 1
    for child in head.children:
        if child.i > head.i and child.dep_ in ("relcl", "punct", "cc", "conj", "appos", "advcl"):
            end = min(end, child.left_edge.i)
    if stop is not None:
        end = min(end, stop)
    start = head.left_edge.i
    while start < end and doc[start].is_punct:
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return doc[start:end] if start < end else None


def _epithet_before(ent):
    """Modifiers between a determiner and the name: "the Iran-backed Houthis", "the
    so-called Islamic State", "the terrorist Hamas"."""
    doc = ent.doc
    i = ent.start - 1
    while i >= 0 and _modifies_rightward(doc[i], ent.end):
        i -= 1
    start = i + 1
    if start >= ent.start:
        return None
    words = doc[start:ent.start]
    text = words.text
    if polarity_of(text) == "neutral" and not any(_HYPHEN_EPITHET.search(part) for part in text.replace(" - ", "-").split()):
        return None
    return words


def _modifies_rightward(token, np_end: int) -> bool:
    glued = token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == "-"
    if token.pos_ in ("DET", "ADP", "PRON", "CCONJ", "NUM") or (token.pos_ == "PROPN" and not glued) or token.text in (",", "(", ")", ";", ":", "\"", "“", "”"):
        return False
    return token.i < token.head.i < np_end


def _make(document: Document, ent, phrase, pattern: str) -> Label | None:
    if phrase is None or not phrase.text.strip():
        return None
    if phrase.root.pos_ == "PROPN" and polarity_of(phrase.text) == "neutral":
        return None  # another name, not a characterisation
    start = min(ent.start_char, phrase.start_char)
    end = max(ent.end_char, phrase.end_char)
    text = document.text
    if text[start:start + 4].lower() == "the " and start == ent.start_char:
        start += 4
    label = " ".join(phrase.text.split())
    return Label(document.doc_id, start, end, plain_name(ent.text), label, polarity_of(label), pattern)
