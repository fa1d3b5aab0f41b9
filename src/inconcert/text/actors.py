"""Named actors, one name each across a collection: "the Tavrin Movement", "Tavrin
Movement" and "Tavrin Movement's" are one actor; an acronym defined in parentheses
("Islamic State of Iraq and the Levant (ISIL)") or matching the initials of a longer name
seen in the collection is that name; a surname alone is the full name it shortens in the
same article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from spacy.tokens import Span

ACTOR_TYPES = ("ORG", "PERSON", "NORP", "GPE", "FAC")
_SMALL_WORDS = frozenset("of the and for in on at to de du la el al".split())
# "Armed Forces of Dornland (AFD)": capitalised words (and the small words names contain)
# on one line, then the acronym in parentheses. The long form is cut below to the words the
# acronym stands for ("On Sunday the Armed Forces of Dornland (AFD)").
_DEFINITION = re.compile(r"([A-Z][\w.'’-]*(?:[^\S\n]+(?:[A-Z][\w.'’-]*|of|the|and|for|in|on|de|al)){1,9})[^\S\n]*\(([A-Z][A-Za-z.&-]{1,9})\)")


def plain_name(name: str) -> str:
    """A mention as a name: no leading article, no possessive, single spaces."""
    name = " ".join(name.split())
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    name = re.sub(r"(?:['’]s|['’])$", "", name)
    return name.strip(" ,.;:\"“”'’()")


def initials(name: str) -> str:
    return "".join(word[0] for word in re.split(r"[\s-]+", name) if word and word.lower() not in _SMALL_WORDS).upper()


def acronym_definitions(text: str) -> list[tuple[str, str]]:
    """(acronym, long form) for each acronym the text defines in parentheses. The long form
    is the longest run of its words, from a capitalised one, whose initials spell the
    acronym's capitals ("Armed Forces of Dornland (AFD)", "Department of Defense (DoD)");
    failing that, the shortest whose first word starts with the acronym's first letter and
    whose word initials, small words included, hold its capitals in order ("Al-Qaeda in the
    Arabian Peninsula (AQAP)"). A party tag ("Sen. Rand Paul (R-Ky.)") is no acronym."""
    found = []
    for long_form, acronym in _DEFINITION.findall(text):
        capitals = "".join(c for c in acronym if c.isupper())
        if len(capitals) < 2 or "-" in acronym:
            continue
        words = long_form.split()
        starts = [k for k in range(len(words)) if words[k][:1].isupper()]
        candidates = [plain_name(" ".join(words[k:])) for k in starts]
        exact = [c for c in candidates if initials(c) == capitals]
        loose = [c for c in reversed(candidates) if c[:1] == capitals[0] and _in_order(capitals, _all_initials(c))]
        chosen = exact[0] if exact else loose[0] if loose else ""
        if chosen and chosen != acronym:
            found.append((acronym.replace(".", ""), chosen))
    return found


def _all_initials(name: str) -> str:
    return "".join(word[0] for word in re.split(r"[\s-]+", name) if word).upper()


def _in_order(letters: str, within: str) -> bool:
    rest = iter(within)
    return all(letter in rest for letter in letters)


# The last word of an organisation's name that an article uses alone for it ("the Front"
# for the Citizens’ Front, "the Ministry" for the Interior Ministry).
ORGANISATION_HEADS = frozenset(
    """front movement army party union council committee ministry forum watch alliance league brigade
    brigades forces force coalition federation institute foundation trust fund agency bureau service
    commission court militia guard guards network group organisation organization centre center
    office assembly parliament government authority authorities corps unit units company bank""".split()
)


class ActorIndex:
    """Maps each mention to the canonical name of its actor."""

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.names: set[str] = set()

    @classmethod
    def build(cls, texts: Iterable[str], mentions: Iterable[str]) -> ActorIndex:
        """`texts`: the collection's articles, whose acronym definitions join an acronym to
        its long form in every article; `mentions`: every actor name the articles use."""
        index = cls()
        expansions: dict[str, Counter[str]] = {}
        for text in texts:
            for acronym, long_form in set(acronym_definitions(text)):
                expansions.setdefault(acronym, Counter())[long_form] += 1
        # Defined two ways, an acronym stands for the long form more articles give (mostly a
        # spelling: "World Health Organization" and "…Organisation"); for neither on a tie.
        for acronym, counts in expansions.items():
            (first, n), *rest = counts.most_common(2)
            if not rest or rest[0][1] < n:
                index.aliases[acronym] = first
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

    def canonical(self, mention: str, people_in_document: Iterable[str] = (), names_in_document: Iterable[str] = ()) -> str:
        """A surname is the one person of the article whose name ends with it; any other
        one-word short form ("the Front", "the Ministry") is the one longer name of the
        article ending with it ("Citizens’ Front"), never a guess between two."""
        name = plain_name(mention)
        key = name.replace(".", "")
        if key in self.aliases:
            return self.aliases[key]
        if " " not in name and name[:1].isupper() and not name.isupper():
            for candidates in (people_in_document, names_in_document if name.lower() in ORGANISATION_HEADS else ()):
                fuller = {p for p in (plain_name(p) for p in candidates) if p.endswith(" " + name)}
                if len(fuller) == 1:
                    return self.canonical(next(iter(fuller)))
                if fuller:
                    break
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


# Nouns that say the name after them is an organisation's ("the rights group Open Valley").
KIND_OF_ORGANISATION = frozenset(
    """group broadcaster channel outlet website newspaper network agency organization organisation foundation charity
    trust fund institute think-tank movement party militia faction company firm lobby monitor""".split()
)


# Entity types the small model gives names of organisations it does not recognise ("The
# Citizens’ Front" as WORK_OF_ART); such an entity is taken for an actor when it is made of
# proper nouns only, and then carries no type.
MISTYPED_TYPES = ("WORK_OF_ART", "PRODUCT", "LAW")


def actor_mentions(doc) -> list:
    """Spans naming actors: the model's ORG/PERSON/NORP/GPE/FAC entities, plus runs of
    proper nouns it left unlabelled (the small model misses "RT" or "Islamic State").
    Computed once per parse (labels, relations and the run each ask for them)."""
    cached = doc.user_data.get("inconcert_actor_mentions")
    if cached is None:
        cached = doc.user_data["inconcert_actor_mentions"] = _actor_mentions(doc)
    return list(cached)


def _without_possessive(span):
    """"the Washington Post’s" as the model marks it: the name ends before the possessive."""
    end = span.end
    while end > span.start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return span if end == span.end else Span(span.doc, span.start, end, label=span.label_)


def _mistyped_name(ent):
    words = [t for t in ent if not (t.is_punct or t.pos_ == "DET" or t.tag_ == "POS")]
    if not words or not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words):
        return None
    start = ent.start
    while start < ent.end and (ent.doc[start].pos_ == "DET" or ent.doc[start].is_punct):
        start += 1
    return Span(ent.doc, start, ent.end)


def _plural_possessive(doc, i: int) -> bool:
    """Token i is a plural ending in s followed by a bare apostrophe glued to it."""
    apostrophe = doc[i + 1] if i + 1 < len(doc) else None
    return apostrophe is not None and apostrophe.text in ("’", "'") and not doc[i].whitespace_ \
        and doc[i].text.endswith("s") and bool(apostrophe.whitespace_)


def _one_word_name_opening(doc, i: int, lower_words: set[str]) -> bool:
    """A capitalised word that opens a sentence is a name ("Coastwatch, a foreign-funded
    propaganda outfit, …", "Crane is owned by …", "Merovia’s elected government") when it is
    the sentence's subject or its possessor, or has an apposition, and the text never writes it in lower case (a headline's "Here" or
    "Tuesday" is no actor)."""
    token = doc[i]
    if token.is_stop or token.text.lower() in lower_words or not token.is_alpha or len(token.text) < 3:
        return False
    if token.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"):
        return False
    subject = token.dep_ in ("nsubj", "nsubjpass", "poss")
    apposition = i + 2 < len(doc) and doc[i + 1].text == "," and doc[i + 2].lower_ in ("a", "an", "the")
    return subject or apposition


def _actor_mentions(doc) -> list:
    mentions = [_without_possessive(part) for ent in doc.ents if ent.label_ in ACTOR_TYPES for part in _split_at_line_breaks(ent)]
    mentions += [name for ent in doc.ents if ent.label_ in MISTYPED_TYPES and "\n" not in ent.text
                 for name in [_mistyped_name(ent)] if name is not None]
    # "Human rights group Open Valley": a name the model took for a place, right after a noun
    # that says it is an organisation
    mentions += [Span(doc, ent.start, ent.end) for ent in doc.ents if ent.label_ in ("LOC", "EVENT") and ent.start > 0
                 and doc[ent.start - 1].lower_ in KIND_OF_ORGANISATION and "\n" not in ent.text]
    covered = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    # a surname opening a sentence ("Lind worked for DTV") names the person named in full elsewhere
    surnames = {ent[-1].text for ent in doc.ents if ent.label_ == "PERSON" and len(ent) > 1}
    lower_words = {t.text for t in doc if t.is_lower}
    i = 0
    while i < len(doc):
        if doc[i].pos_ == "PROPN" and i not in covered and doc[i].text[:1].isupper():
            j = i
            while j + 1 < len(doc) and j + 1 not in covered:
                if doc[j + 1].pos_ == "PROPN":
                    j += 1
                elif _plural_possessive(doc, j) and j + 2 < len(doc) and j + 2 not in covered \
                        and doc[j + 2].pos_ in ("PROPN", "NOUN") and doc[j + 2].text[:1].isupper():
                    j += 2  # "Citizens’ Front", "Refinery Workers’ Union": one name
                else:
                    break
            if j + 1 < len(doc) and doc[j + 1].ent_type_ in ("DATE", "TIME") and doc[j + 1].text.istitle() \
                    and doc[j + 1].ent_iob_ == "B" and (j + 2 >= len(doc) or doc[j + 2].ent_iob_ != "I"):
                j += 1  # "Sarn Today", "Cyber Monday": a name ending in a word the model took for a date
            if doc[i].i > doc[i].sent.start or doc[i].text.isupper() or j > i or doc[i].text in surnames \
                    or _one_word_name_opening(doc, i, lower_words):
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


# -- a government named after its leader or its capital -------------------------------------

_NAME = r"[A-Z][\w’'-]+"
_COUNTRY = rf"{_NAME}(?:\s+{_NAME})?"
_PERSON = rf"{_NAME}(?:\s+(?:al-|el-|bin\s+|ibn\s+|de\s+|van\s+|von\s+)?{_NAME}){{0,2}}"  # "Bashar al-Assad"
_HEAD_TITLES = r"(?:President|Prime\s+Minister|Premier|Chancellor|dictator|strongman|King|Emir|Supreme\s+Leader)"
# Only where the text itself ties the leader or the capital to the country: "Dornland's
# President Aurel Vasko", "President Aurel Vasko of Dornland", "Halbek, the capital of
# Dornland", "Dornland's capital, Halbek", "the Dornland capital Halbek".
_LINKS = (
    ("leader", re.compile(rf"\b(?P<country>{_COUNTRY})['’]s\s+{_HEAD_TITLES}\s+(?P<alias>{_PERSON})")),
    ("leader", re.compile(rf"\b(?:President|Prime\s+Minister|Premier|Chancellor)\s+(?P<alias>{_PERSON})\s+of\s+(?P<country>{_COUNTRY})\b")),
    # "Syrian President Bashar al-Assad": the adjective is resolved to the country's name
    ("leader", re.compile(rf"\b(?P<country>[A-Z][a-z]+(?:an|ian|ese|i|ish|ic))\s+(?:President|Prime\s+Minister|Premier|Chancellor|dictator|strongman)\s+(?P<alias>{_PERSON})")),
    ("capital", re.compile(rf"\b(?P<alias>{_NAME}),\s+(?:the\s+)?capital\s+of\s+(?P<country>{_COUNTRY})\b")),
    ("capital", re.compile(rf"\b(?P<alias>{_NAME}),\s+(?P<country>{_COUNTRY})['’]s\s+capital\b")),
    ("capital", re.compile(rf"\b(?P<country>{_COUNTRY})['’]s\s+capital,?\s+(?P<alias>{_NAME})\b")),
    ("capital", re.compile(rf"\b[Tt]he\s+(?P<country>{_COUNTRY})\s+capital,?\s+(?P<alias>{_NAME})\b")),
)
# Label heads that speak of a government ("the Vasko junta", "the Halbek regime").
GOVERNMENT_HEADS = frozenset("regime junta government administration dictatorship leadership authorities cabinet".split())


def government_links(text: str) -> list[tuple[str, str]]:
    """(alias, country) pairs the text states: a leader's surname and full name, or a
    capital, each standing for the country's government."""
    links = []
    for kind, pattern in _LINKS:
        for match in pattern.finditer(text):
            alias, country = plain_name(match.group("alias")), plain_name(match.group("country"))
            if alias == country or country.split()[0] in ("The", "A", "An"):
                continue
            links.append((alias, country))
            if kind == "leader" and " " in alias:
                surname = alias.split()[-1]
                links.append((surname, country))
                if re.match(r"(?:al|el)-", surname):
                    links.append((surname[3:], country))  # "the Assad regime"
    return links


def government_aliases(links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each alias that the collection ties to exactly one country."""
    countries: dict[str, set[str]] = {}
    for alias, country in links:
        countries.setdefault(alias, set()).add(country)
    return {alias: next(iter(found)) for alias, found in countries.items() if len(found) == 1}


def country_of_adjective(adjective: str, places: Iterable[str]) -> str:
    """The one place name of the collection an adjective of nationality is made from
    ("Syrian" Syria, "Israeli" Israel, "Ukrainian" Ukraine); the adjective itself when none
    or several are."""
    found = {place for place in places if " " not in place and len(place) >= 4 and (
        adjective.startswith(place) or (place.endswith("e") and len(place) >= 5 and adjective.startswith(place[:-1])))}
    return next(iter(found)) if len(found) == 1 else adjective


def stands_for_government(label: str) -> bool:
    words = re.findall(r"[a-z]+", label.lower())
    return bool(words) and words[-1] in GOVERNMENT_HEADS
