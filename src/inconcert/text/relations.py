"""Ties an article asserts between actors: who funds or pays whom, who belongs to or works
for whom, who is allied with whom, and what an actor has been designated as.

Each relation has a trigger phrase ("funded by", "a member of", "designated … a terrorist
organization"); its two sides are the actor mentions nearest to the trigger in the same
sentence (the subject before it, the object after it), or, for "the Iran-backed militia",
the name glued to the trigger and the noun it modifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inconcert.text.actors import actor_mentions, plain_name
from inconcert.text.document import Document

_PASSIVE = r"(?:(?:is|are|was|were|be|been|being|has been|have been|had been|allegedly|reportedly|largely|partly|secretly|heavily|directly|openly)\s+)*"
_ROLE = (
    r"spokesman|spokeswoman|spokesperson|employee|employees|adviser|advisor|director|head|chief|leader|chairman|chairwoman|"
    r"official|officer|correspondent|editor|reporter|commander|minister|ambassador|envoy|aide|lawyer|agent|agents|"
    r"founder|president|secretary|executive|staffer|operative|operatives|representative"
)
# (relation, pattern, direction): "forward" reads subject-before, object-after.
TRIGGERS = [
    ("funded_by", re.compile(rf"\b{_PASSIVE}(?:funded|financed|bankrolled|sponsored|backed|subsidi[sz]ed|supported financially)\s+(?:\w+\s+){{0,2}}?by\b", re.I)),
    ("funded_by", re.compile(r"\b(?:receives?|received|receiving|gets|got|accepted|accepts|took)\s+(?:\w+\s+){0,3}?(?:funding|funds|money|financing|grants?|donations?|cash|financial support)\s+from\b", re.I)),
    ("funded_by", re.compile(r"\b(?:with|through)\s+(?:\w+\s+){0,2}?(?:funding|money|financing|grants?)\s+from\b", re.I)),
    ("paid_by", re.compile(rf"\b{_PASSIVE}paid\s+(?:\w+\s+){{0,2}}?by\b|\bon the payroll of\b|\bin the pay of\b|\b(?:received|receives|took)\s+(?:\w+\s+){{0,2}}?payments?\s+from\b", re.I)),
    ("funds", re.compile(r"\b(?:funds|funded|finances|financed|bankrolls|bankrolled|sponsors|sponsored|subsidi[sz]es|subsidi[sz]ed|pays for|paid for|provides funding to|provided funding to|gave money to|gives money to)\b(?!\s+(?:\w+\s+){0,2}?by\b)", re.I)),
    ("part_of", re.compile(r"\b(?:an?|the|one)?\s*(?:member|members|part|unit|wing|arm|branch|subsidiary|affiliate|faction|offshoot|division|cell|proxy|proxies|front group|front organi[sz]ation)\s+of\b|\bbelongs?\s+to\b|\bbelonged\s+to\b", re.I)),
    ("works_for", re.compile(rf"\b(?:works?|worked|working)\s+for\b|\bemployed\s+by\b|\b(?:{_ROLE})\s+(?:for|of|at|to)\b", re.I)),
    ("allied_with", re.compile(r"\b(?:allied|aligned)\s+(?:\w+\s+)?with\b|\ban?\s+(?:close\s+)?ally\s+of\b|\ballies\s+of\b|\bin (?:alliance|league|coalition) with\b|\bteamed up with\b|\bpartnered with\b", re.I)),
]
DESIGNATION = re.compile(
    r"\b(?:designated|designates|designate|listed|lists|blacklisted|classified|proscribed|outlawed|declared|branded|labell?ed)\s+"
    r"(?:(?:it|them|him|her|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*|the\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*)\s+)?(?:as\s+)?(?:an?\s+|the\s+)?"
    r"(?P<designation>(?:foreign\s+|international\s+|banned\s+)?terrorist\s+(?:organi[sz]ation|group|entity|movement)s?|terrorists?|"
    r"(?:violent\s+)?extremist\s+(?:organi[sz]ation|group)s?|state\s+sponsors?\s+of\s+terrorism|undesirable\s+organi[sz]ations?|"
    r"foreign\s+agents?|criminal\s+organi[sz]ations?)",
)
HYPHEN_TIE = re.compile(r"\b(?:[Tt]he\s+)?(?P<actor>[A-Z][\w.'’]*(?:\s[A-Z][\w.'’]*)?)-(?P<tie>backed|funded|financed|sponsored|bankrolled|aligned|allied)\b")
HYPHEN_RELATION = {"backed": "funded_by", "funded": "funded_by", "financed": "funded_by", "sponsored": "funded_by",
                   "bankrolled": "funded_by", "aligned": "allied_with", "allied": "allied_with"}
POSSESSIVE_ROLE = re.compile(rf"['’]s\s+(?:(?:chief|senior|former|top|own)\s+)?(?:{_ROLE})\b,?\s*", re.I)


@dataclass(frozen=True)
class Relation:
    doc_id: str
    start: int
    end: int
    subject: str
    relation: str
    object: str
    pattern: str


def extract_relations(document: Document) -> list[Relation]:
    if document.doc is None:
        return []
    doc, text = document.doc, document.text
    mentions = actor_mentions(doc)
    found: dict[tuple, Relation] = {}
    for sentence in doc.sents:
        inside = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
        sentence_text = text[sentence.start_char:sentence.end_char]
        for relation in _sentence_relations(document, sentence, sentence_text, inside):
            found.setdefault((relation.start, relation.subject, relation.relation, relation.object), relation)
    return sorted(found.values(), key=lambda r: (r.start, r.end, r.relation))


def _sentence_relations(document: Document, sentence, sentence_text: str, mentions) -> list[Relation]:
    offset = sentence.start_char
    rows = []
    for relation, pattern in TRIGGERS:
        for match in pattern.finditer(sentence_text):
            start, end = offset + match.start(), offset + match.end()
            subject = _nearest_before(mentions, start, sentence)
            obj = _nearest_after(mentions, end)
            if subject is None or obj is None or plain_name(subject.text) == plain_name(obj.text):
                continue
            rows.append(_make(document, subject, relation, obj, match.group().strip().lower()))
    for match in HYPHEN_TIE.finditer(sentence_text):
        head = _noun_after(sentence, offset + match.end())
        if head is None:
            continue
        relation = HYPHEN_RELATION[match.group("tie")]
        actor = plain_name(match.group("actor"))
        start = offset + match.start("actor")
        rows.append(Relation(document.doc_id, start, head.end_char, _name_of(head), relation, actor, f"-{match.group('tie')}"))
    for match in DESIGNATION.finditer(sentence_text):
        start, end = offset + match.start(), offset + match.end()
        between = [m for m in mentions if start <= m.start_char and m.end_char <= offset + match.start("designation")]
        subject = between[0] if between else _nearest_before(mentions, start, sentence)
        if subject is None:
            continue
        designation = " ".join(match.group("designation").split())
        begin = min(subject.start_char, start)
        rows.append(Relation(document.doc_id, begin, end, plain_name(subject.text), "designated_as", designation, "designated"))
    for match in POSSESSIVE_ROLE.finditer(sentence_text):
        start, end = offset + match.start(), offset + match.end()
        employer = next((m for m in mentions if m.end_char == start), None)
        person = next((m for m in mentions if m.start_char == end), None)
        if employer is not None and person is not None:
            rows.append(_make(document, person, "works_for", employer, "'s " + match.group().strip(" ,’'s").lower()))
    return rows


def _nearest_before(mentions, position: int, sentence):
    before = [m for m in mentions if m.end_char <= position]
    return before[-1] if before else None


def _nearest_after(mentions, position: int):
    return next((m for m in mentions if m.start_char >= position), None)


def _noun_after(sentence, position: int):
    for token in sentence:
        if token.idx >= position and token.pos_ in ("NOUN", "PROPN"):
            if token.i + 1 < sentence.end and token.doc[token.i + 1].dep_ == "compound" and token.doc[token.i + 1].pos_ in ("NOUN", "PROPN"):
                continue
            return token.doc[token.i:token.i + 1]
        if token.idx >= position and token.pos_ in ("VERB", "ADP", "PUNCT") and token.text != "-":
            return None
    return None


def _name_of(head) -> str:
    """The object of "the Iran-backed militia" is the noun phrase it modifies."""
    token = head[-1]
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return plain_name(ent.text)
    return token.text


def _make(document: Document, subject, relation: str, obj, trigger: str) -> Relation:
    start = min(subject.start_char, obj.start_char)
    end = max(subject.end_char, obj.end_char)
    return Relation(document.doc_id, start, end, plain_name(subject.text), relation, plain_name(obj.text), trigger)
