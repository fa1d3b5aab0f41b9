"""Named actors, one name each across a collection: "the Tavrin Movement", "Tavrin
Movement" and "Tavrin Movement's" are one actor; an acronym defined in parentheses
("Islamic State of Iraq and the Levant (ISIL)") or matching the initials of a longer name
seen in the collection is that name; a surname alone is the full name it shortens in the
same article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Span

ACTOR_TYPES = ("ORG", "PERSON", "NORP", "GPE", "FAC")
_SMALL_WORDS = frozenset("of the and for in on at to de du la el al".split())
_DEFINITION = re.compile(r"([A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|of|the|and|for|in|on|de|al)){1,9})\s+\(([A-Z][A-Za-z.&-]{1,9})\)")


def plain_name(name: str) -> str:
    """A mention as a name: no leading article, no possessive, single spaces."""
    name = " ".join(name.split())
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    name = re.sub(r"(?:['’]s|['’])$", "", name)
    return name.strip(" ,.;:\"“”'’()")


def initials(name: str) -> str:
    return "".join(word[0] for word in re.split(r"[\s-]+", name) if word and word.lower() not in _SMALL_WORDS).upper()


class ActorIndex:
    """Maps each mention to the canonical name of its actor."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.names: set[str] = set()

    @classmethod
    def build(cls, texts: Iterable[str], mentions: Iterable[str]) -> ActorIndex:
        index = cls()
        for text in texts:
            for long_form, acronym in _DEFINITION.findall(text):
                if initials(plain_name(long_form)).startswith(acronym.replace(".", "")[:1]):
                    index.aliases[acronym.replace(".", "")] = plain_name(long_form)
        index.names = {plain_name(m) for m in mentions if plain_name(m)}
        by_initials: dict[str, set[str]] = {}
        for name in index.names:
            if len(name.split()) >= 2:
                by_initials.setdefault(initials(name), set()).add(name)
        for name in index.names:
            short = name.replace(".", "")
            if short.isupper() and 2 <= len(short) <= 6 and short not in index.aliases:
                longer = by_initials.get(short, set())
                if len(longer) == 1:
                    index.aliases[short] = next(iter(longer))
        return index

    def canonical(self, mention: str, people_in_document: Iterable[str] = ()) -> str:
        name = plain_name(mention)
        key = name.replace(".", "")
        if key in self.aliases:
            return self.aliases[key]
        if " " not in name:
            fuller = [p for p in (plain_name(p) for p in people_in_document) if p.endswith(" " + name)]
            if len(set(fuller)) == 1:
                return fuller[0]
        return name


def _split_at_line_breaks(ent) -> list:
    """A name never runs across a line break; the small model sometimes joins a byline and
    the next paragraph's first name ("Nadia Fenn\n\nThe Stoll")."""
    if "\n" not in ent.text:
        return [ent]
    parts, start = [], ent.start
    for token in ent:
        if "\n" in token.text or "\n" in token.whitespace_:
            end = token.i if "\n" in token.text else token.i + 1
            parts.append((start, end))
            start = token.i + 1
    parts.append((start, ent.end))
    spans = []
    for begin, end in parts:
        while begin < end and ent.doc[begin].pos_ in ("DET", "SPACE", "PUNCT"):
            begin += 1
        if begin < end and any(ent.doc[i].pos_ == "PROPN" for i in range(begin, end)):
            spans.append(Span(ent.doc, begin, end, label=ent.label_))
    return spans


def actor_mentions(doc) -> list:
    """Spans naming actors: the model's ORG/PERSON/NORP/GPE/FAC entities, plus runs of
    proper nouns it left unlabelled (the small model misses "RT" or "Islamic State")."""
    mentions = [part for ent in doc.ents if ent.label_ in ACTOR_TYPES for part in _split_at_line_breaks(ent)]
    covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    # a surname opening a sentence ("Lind worked for DTV") names the person named in full elsewhere
    surnames = {ent[-1].text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1}
    i = 0
    while i < len(doc):
        if doc[i].pos_ == "PROPN" and i not in covered and doc[i].text[:1].isupper():
            j = i
            while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and j + 1 not in covered:
                j += 1
            if j + 1 < len(doc) and doc[j + 1].ent_type_ in ("DATE", "TIME") and doc[j + 1].text.istitle() \
                    and doc[j + 1].ent_iob_ == "B" and (j + 2 >= len(doc) or doc[j + 2].ent_iob_ != "I"):
                j += 1  # "Sarn Today", "Cyber Monday": a name ending in a word the model took for a date
            if doc[i].i > doc[i].sent.start or doc[i].text.isupper() or j > i or doc[i].text in surnames:
                mentions.append(doc[i:j + 1])
            i = j + 1
        else:
            i += 1
    for ent in list(mentions):
        if ent.label_ == "NORP" and ent.end < len(doc) and doc[ent.end].pos_ == "PROPN":
            mentions.remove(ent)  # "Islamic" of "Islamic State": the longer run is the name
            end = ent.end
            while end < len(doc) and doc[end].pos_ == "PROPN":
                end += 1
            mentions.append(doc[ent.start:end])
    return sorted(mentions, key=lambda span: span.start)
