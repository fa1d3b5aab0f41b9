"""Where articles contradict each other, in three kinds:

- numeric: figures about the same counted thing and event ("killed:people") whose ranges,
  read with their qualifiers ("at least 40" is 40 or more), do not overlap, in passages
  that share a named place or actor; each figure counts for whom the article credits it
  to, so a figure cited only to be rejected ("claims of 40 dead are exaggerated") is not
  the writer's, and citing another article's figure to reject it is itself a disagreement;
- characterization: the same actor labelled negative in one article and positive or
  neutral in the other (positive against neutral is no conflict: "a respected monitoring
  group" and "a rights group" can both hold);
- factual: opposite assertions about the same event: one article holds an actor
  responsible where the other reports the actor's denial, or one asserts what the other
  negates (same actor, verb and object).

Each row links one passage in each article. Repeating one source is not corroboration,
so every summary names the source each side credits.

Rows are grouped: the articles that hold the same two positions on one topic (the same
figure from the same source against another, the same label against another) form one
group, and the group is shown by as few real pairs as cover each of its articles once,
not by every pair. Twelve articles repeating the ministry's toll against eight repeating
the officials' are one disagreement, shown in twelve rows rather than ninety-six; the
summary says how many articles hold each side.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache

from inconcert.text.actors import plain_name
from inconcert.text.labels import polarity_of
from inconcert.text.lexicon import ROLE_NOUNS
from inconcert.text.quantities import _NOT_A_SETTING, VAGUE, Quantity, topic_of

AT_LEAST = frozenset("at least|no fewer than|no less than|not less than|or more|more than|over|upwards of|in excess of|well over|just over|above|greater than".split("|"))
AT_MOST = frozenset("up to|at most|no more than|not more than|less than|fewer than|under|below|just under".split("|"))
ABOUT = frozenset("about|around|approximately|roughly|some|an estimated|estimated|circa|close to|or so|an approximate|as many as|as few as|as much as".split("|"))
NEARLY = frozenset(("nearly", "almost"))
APPROXIMATION = 0.15

BLAME = re.compile(
    r"\b(?:blam\w*|held\s+.{0,60}?responsible|responsible for|behind the|force behind|carried out|accus\w*|"
    r"claimed responsibility|orchestrat\w*|perpetrat\w*|planned the|"
    # the doer as the agent of a passive: "the device had been planted by the OVDU"
    r"(?:planted|carried out|committed|orchestrated|ordered|detonated|set off|fired|launched)\s+by)\b", re.I
)
DENIAL = re.compile(
    r"\b(?:denied|denies|deny|denying|rejected the (?:accusation|charge|claim)s?|no evidence linking|"
    r"not involved|had nothing to do|played no (?:part|role)|(?:had|has|have|played|took) no (?:part|role|hand)|"
    r"(?:has|have|had) never (?:attacked|targeted|harmed|fired on|carried out)|not responsible)\b", re.I
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
    positions: tuple[str, str] = ("", "")  # what each side holds, the same for every pair of one group


def grouped(disagreements: list[Disagreement]) -> list[Disagreement]:
    """Each group of articles holding the same two positions on one topic, as the fewest of
    its pairs that show every article of the group once (a pair through the articles that
    disagree with most of the other side comes first)."""
    groups: dict[tuple, list[Disagreement]] = defaultdict(list)
    for d in disagreements:
        key = (d.kind, d.topic, *sorted(d.positions))
        groups[key].append(d)
    rows = []
    for (_, _, first, _), pairs in groups.items():
        side = {}
        for d in pairs:
            a_first = d.positions[0] == first
            side[d.a.doc_id], side[d.b.doc_id] = ("a" if a_first else "b"), ("b" if a_first else "a")
        degree: dict[str, int] = defaultdict(int)
        for d in pairs:
            degree[d.a.doc_id] += 1
            degree[d.b.doc_id] += 1
        ranked = sorted(pairs, key=lambda d: (-(degree[d.a.doc_id] + degree[d.b.doc_id]), d.a.doc_id, d.b.doc_id))
        covered: set[str] = set()
        n_a = sum(1 for s in side.values() if s == "a")
        n_b = len(side) - n_a
        for doc in sorted(side, key=lambda doc: (-degree[doc], doc)):
            if doc in covered:
                continue
            mine = [d for d in ranked if doc in (d.a.doc_id, d.b.doc_id)]
            # a partner not shown yet first, so that max(|A|, |B|) rows can show the group
            pair = next((d for d in mine if not {d.a.doc_id, d.b.doc_id} - {doc} <= covered), mine[0])
            covered |= {pair.a.doc_id, pair.b.doc_id}
            rows.append(replace(pair, summary=f"{pair.summary}; {_articles(n_a)} against {_articles(n_b)} in this group"))
    return rows


def _articles(n: int) -> str:
    return f"{n} article" + ("s" if n != 1 else "")


def interval(quantity: Quantity) -> tuple[float, float]:
    """The values a figure allows, read with its qualifier."""
    return _interval(quantity.text, quantity.value_low, quantity.value_high, quantity.qualifier)


_VAGUE_PLURALS = tuple(word for word in VAGUE if word[0] in "dhtmbs" and word.endswith("s"))


@lru_cache(maxsize=65536)  # every pair of figures on a topic asks again
def _interval(text: str, low: float, high: float, qualifier: str) -> tuple[float, float]:
    qualifier = qualifier.replace("between", "").strip()
    lowered = text.lower()
    if any(word in lowered for word in _VAGUE_PLURALS):
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
    its article.

    Each figure counts for whom the article credits it to: an article's own figures are
    those it does not cite only to reject; when it asserts a figure itself, a different
    figure it credits to someone else is that someone's, not the article's ("We buried 23.
    The minister spoke of nine" holds 23). Two articles disagree when their own figures do
    not overlap, or when one cites the other's figure only to reject it."""
    by_topic: dict[str, list[Quantity]] = defaultdict(list)
    for quantity in quantities:
        topic = topic_of(quantity)
        if topic:
            by_topic[topic].append(quantity)
    # each figure's names, generic ones dropped, once rather than for every pair
    context = {key: (bool(value[1]), *(_anchors(part) for part in value)) for key, value in context.items()}
    rows = []
    for topic, claims in sorted(by_topic.items()):
        common = _common_names(context, claims)
        own = _own_figures(claims)
        own_by_doc: dict[str, list[Quantity]] = defaultdict(list)
        for claim in own:
            own_by_doc[claim.doc_id].append(claim)
        citing = _citing(claims, own)
        seen: set[tuple] = set()
        rejections = []
        for i, qa in enumerate(claims):
            for qb in claims[i + 1:]:
                if qa.doc_id == qb.doc_id:
                    continue
                a, b = (qa, qb) if qa.doc_id < qb.doc_id else (qb, qa)
                key = (a.doc_id, b.doc_id, interval(a), interval(b))
                if key in seen:
                    continue
                same_story = _overlapping_context(context, a, b, common)
                if not (same_story or (a.doc_id, b.doc_id) in citing or (b.doc_id, a.doc_id) in citing):
                    continue
                if a in own and b in own:
                    if _overlap(interval(a), interval(b)):
                        continue
                    if _acknowledged(a, own_by_doc[b.doc_id]) or _acknowledged(b, own_by_doc[a.doc_id]):
                        continue
                    seen.add(key)
                    rows.append(Disagreement(
                        topic, "numeric", _figure(a), _figure(b),
                        f"{_topic_words(topic)}: {_said(a)} vs {_said(b)}", (_position(a), _position(b)),
                    ))
                elif same_story and (a in own) != (b in own) and (a.distanced or b.distanced):
                    rejections.append((a, b) if a in own else (b, a))
        # "claims of 40 dead are exaggerated" against an article that holds 40: a
        # disagreement even when the rejecting article gives no figure of its own
        for held, rejected in rejections:
            if not _cites(rejected, held):
                continue
            if own_by_doc[rejected.doc_id]:
                continue  # its own figure sets it against the other article, or not
            key = (held.doc_id, rejected.doc_id, interval(held), "rejected")
            if key in seen:
                continue
            seen.add(key)
            rejected_by = f"{rejected.doc_id} cites {rejected.text!r} ({rejected.attributed_to or 'others'}) only to reject it"
            a, b = (held, rejected) if held.doc_id < rejected.doc_id else (rejected, held)
            rows.append(Disagreement(
                topic, "numeric", _figure(a), _figure(b), f"{_topic_words(topic)}: {_said(held)}; {rejected_by}",
                (_position(held), f"rejects {_position(rejected)}") if a is held else (f"rejects {_position(rejected)}", _position(held)),
            ))
    return grouped(rows)


def _citing(claims: list[Quantity], own: set[Quantity]) -> set[tuple[str, str]]:
    """(article, other article) where the first cites, as someone else's, the figure the
    other holds ("not the thousands invented by foreign NGOs" against "some 3,000 men have
    been detained"): the two then speak of the same count whatever names they share."""
    held = [q for q in claims if q in own]
    pairs = set()
    for cited in claims:
        # a figure merely credited to others ("The minister spoke of nine") matches any
        # article's nine; one cited to be rejected points at the article that holds it
        if cited in own or not cited.distanced:
            continue
        for figure in held:
            if figure.doc_id != cited.doc_id and _cites(cited, figure):
                pairs.add((cited.doc_id, figure.doc_id))
    return pairs


def _cites(cited: Quantity, figure: Quantity) -> bool:
    """`cited` can be a citation of `figure`: it allows the figure's own value ("some
    3,000" can be the "thousands" cited), and an open-ended figure only the same number
    ("at least 40" is cited as "40"; "more than 600" is not cited as "thousands")."""
    low, high = interval(figure)
    if math.isinf(high) or low == 0.0:
        return abs(figure.value_low - cited.value_low) <= APPROXIMATION * max(figure.value_low, cited.value_low)
    cited_low, cited_high = interval(cited)
    return cited_low <= figure.value_low <= cited_high and _commits_to(cited, figure)


def _own_figures(claims: list[Quantity]) -> set[Quantity]:
    """The figures each article holds: not cited to be rejected, and, where the article
    asserts figures itself, none it credits to others that differ from its own."""
    by_doc: dict[str, list[Quantity]] = defaultdict(list)
    for claim in claims:
        if not claim.distanced:
            by_doc[claim.doc_id].append(claim)
    own = set()
    for figures in by_doc.values():
        asserted = [q for q in figures if not q.attributed_to]
        own.update(q for q in figures if not asserted or not q.attributed_to
                   or any(_overlap(interval(q), interval(mine)) for mine in asserted))
    return own


def _position(quantity: Quantity) -> str:
    """A figure and its source, so that articles repeating one source's figure are one
    side of a group ("the Health Ministry's" and "the health ministry" are one source)."""
    low, high = interval(quantity)
    source = plain_name(quantity.attributed_to).lower() if quantity.attributed_to else "the author"
    return f"{low:g}-{high:g} ({source})"


def _acknowledged(quantity: Quantity, others_own: list[Quantity]) -> bool:
    """The other article also holds a figure compatible with this one (a wire story that
    reports both tolls does not contradict either)."""
    return any(_overlap(interval(quantity), interval(c)) and _commits_to(c, quantity) for c in others_own)


def _commits_to(figure: Quantity, other: Quantity) -> bool:
    """An open-ended figure ("at least 80 detainees") overlaps almost any larger one; it
    acknowledges another figure only when it states about the same number."""
    low, high = interval(figure)
    if not (math.isinf(high) or low == 0.0):
        return True
    return abs(figure.value_low - other.value_low) <= APPROXIMATION * max(figure.value_low, other.value_low)


def _overlap(x: tuple[float, float], y: tuple[float, float]) -> bool:
    return x[0] <= y[1] and y[0] <= x[1]


SHARED_DOCUMENT_NAMES = 2


def _overlapping_context(context, a: Quantity, b: Quantity, common: frozenset = frozenset()) -> bool:
    """The two figures are about the same story: their paragraphs name a common place or
    actor, their sentences share a noun of setting ("border villages") in articles that
    name an actor or place in common, or their articles
    share two names besides the `common` ones that most articles of the collection name (in
    a collection about one conflict every article names its two sides, whatever event it
    reports)."""
    named_a, para_a, doc_a, *places_a = context.get((a.doc_id, a.start), (False, frozenset(), frozenset()))
    named_b, para_b, doc_b, *places_b = context.get((b.doc_id, b.start), (False, frozenset(), frozenset()))
    if not (named_a or named_b):
        return True
    para, shared = para_a & para_b, doc_a & doc_b
    # a noun of setting ("market", "fire") is common to many stories: it ties two figures
    # only in articles about one conflict (naming at least one actor or place in common)
    if para or (a.setting & b.setting and shared) or len(shared - common) >= SHARED_DOCUMENT_NAMES:
        return True
    return bool(places_a and places_b and _same_place(*places_a, *places_b))


def _same_place(para_places_a: set, doc_places_a: set, para_places_b: set, doc_places_b: set) -> bool:
    """Both articles name the place where the events happened (a square, a town), and
    neither figure's paragraph names a place that the other article never names: figures
    on one topic from articles about one place are about one event even when a paragraph
    names no place ("brought about 15,000 people to the capital")."""
    if not doc_places_a & doc_places_b:
        return False
    return para_places_a <= doc_places_b and para_places_b <= doc_places_a


# Words of names every state and conflict has ("the Interior Ministry", "President",
# "Police"): sharing one says nothing about being the same event.
GENERIC_NAME_WORDS = frozenset(
    """ministry minister interior defence defense foreign health justice finance energy home affairs
    office president prime presidency government state army police military forces force armed
    parliament council committee court prosecutor general union national federal central republic
    agency news press media tv radio service services department secretary spokesman spokeswoman
    red cross crescent united nations un eu nato western european west east north south northern southern
    eastern international human rights watch amnesty reuters ap afp""".split()
)


def _anchors(names: set[str]) -> frozenset[str]:
    return frozenset(name for name in names if _is_anchor(name))


@lru_cache(maxsize=65536)
def _is_anchor(name: str) -> bool:
    return any(w not in GENERIC_NAME_WORDS for w in re.findall(r"[a-z]+", name.lower()))


def _common_names(context, claims: list[Quantity]) -> frozenset:
    """Names that more than half of the articles giving figures on this topic mention."""
    names_by_doc: dict[str, set[str]] = {}
    for claim in claims:
        names_by_doc[claim.doc_id] = context.get((claim.doc_id, claim.start), (False, frozenset(), frozenset()))[2]
    if len(names_by_doc) < 4:
        return frozenset()
    counts: dict[str, int] = defaultdict(int)
    for names in names_by_doc.values():
        for name in names:
            counts[name] += 1
    return frozenset(name for name, n in counts.items() if n > len(names_by_doc) / 2)


def _figure(quantity: Quantity) -> Claim:
    """The figure's span, its sentence as the claim and whom the article credits it to."""
    return Claim(quantity.doc_id, quantity.start, quantity.end, quantity.sentence or quantity.text, quantity.attributed_to)


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
        if not _is_role(label["label"]):
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
                    (la["polarity"], lb["polarity"]),
                ))
    return grouped(rows)


_SCORE = {"negative": -1, "neutral": 0, "positive": 1}


def _is_role(label: str) -> bool:
    """"Its leader" against "a respected lawyer" is no disagreement: a neutral role says
    what someone does, not what the article thinks of them."""
    words = re.findall(r"[a-z]+", label.lower())
    return bool(words) and words[-1] in ROLE_NOUNS and polarity_of(label) == "neutral"


def _most_divergent(labels_a: list[dict], labels_b: list[dict]):
    best, best_gap = None, 0
    for la in labels_a:
        for lb in labels_b:
            # "a respected monitoring group" and "a rights group" can both be true; a
            # characterisation conflicts only when one side is negative
            if la["polarity"] == lb["polarity"] or "negative" not in (la["polarity"], lb["polarity"]):
                continue
            gap = abs(_SCORE[la["polarity"]] - _SCORE[lb["polarity"]])
            if gap > best_gap:
                best, best_gap = (la, lb), gap
    return best


# Verbs whose subject is said to have done the deed ("the Front shelled the market").
ATTACK = re.compile(
    r"\b(?:shelled|bombed|attacked|struck|raided|ambushed|fired (?:on|at)|shot dead|massacred|murdered|assassinated|"
    r"blew up|blown up|detonated|set off|planted (?:the )?(?:bomb|explosives?|mines?))\b", re.I
)
_BLAMING_VERB = re.compile(r"^(?:blam|accus|held)|\sby$", re.I)


def _held_responsible(sentence: str, names: list[str]) -> list[str]:
    """The actor a sentence holds responsible: the one blamed or accused ("blamed the
    Front", "held the Front … responsible"), else the doer named before "carried out",
    "behind the" or an attack verb; not every name in the sentence (the accuser, or an
    actor named in passing, is not blamed)."""
    match = BLAME.search(sentence) or ATTACK.search(sentence)
    if match is None:
        return []
    placed = sorted((sentence.find(name), name) for name in set(names) if sentence.find(name) != -1)
    if _BLAMING_VERB.search(match.group()):
        inside = [name for at, name in placed if match.start() < at < match.end()]
        after = [name for at, name in placed if at >= match.end()]
        return (inside or after)[:1]
    before = [name for at, name in placed if at + len(name) <= match.start()]
    return before[-1:]


# Kinds of deed, so that blame for a shooting is not set against a denial of a bombing.
DEEDS = {
    # "killed" alone is left out: most reports of any attack say who was killed
    "killing": "killing killings murder murdered murders assassination assassinated shot shooting gunmen fired bullet bullets",
    "bombing": "bomb bombs bombed bombing bombings blast blasts explosion explosions exploded",
    "shelling": "shell shells shelled shelling artillery mortar mortars rocket rockets",
    "strike": "strike strikes struck drone airstrike airstrikes",
    "riot": "riot riots rioters rioting looting looted",
    "kidnapping": "kidnap kidnapped kidnapping abducted abduction hostage hostages",
    "arson": "arson burned burnt torched",
}
_DEED_OF = {word: deed for deed, words in DEEDS.items() for word in words.split()}


def deeds_in(text: str) -> frozenset:
    return frozenset(_DEED_OF[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _DEED_OF)


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

    @property
    def deeds(self) -> frozenset:
        return deeds_in(self.text)


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
        elif names:
            for actor in _held_responsible(sentence_text, names):
                stances.append(Stance(document.doc_id, actor, "responsible", stripped_start, stripped_end, sentence_text,
                                      credited(stripped_start, stripped_end)))
        if names:
            last_actor = names[-1]
    return stances


def _same_deed(blames: list[Stance], denials: list[Stance]):
    """The blame and the denial about one deed: both name it, else one names none."""
    pairs = sorted(((a, b) for a in blames for b in denials), key=lambda p: is_headline(p[0].text) + is_headline(p[1].text))
    shared = next(((a, b) for a, b in pairs if a.deeds & b.deeds), None)
    return shared or next(((a, b) for a, b in pairs if not (a.deeds and b.deeds)), None)


def factual_disagreements(stances: list[Stance]) -> list[Disagreement]:
    """An article that holds an actor responsible without reporting its denial, against
    an article that reports the denial."""
    by_actor: dict[str, dict[str, dict[str, list[Stance]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for stance in stances:
        by_actor[stance.actor][stance.doc_id][stance.position].append(stance)
    rows = []
    for actor, docs in sorted(by_actor.items()):
        blaming = sorted(d for d, positions in docs.items() if positions["responsible"] and not positions["denies"])
        denying = sorted(d for d, positions in docs.items() if positions["denies"])
        for doc_a in blaming:
            for doc_b in denying:
                pair = _same_deed(docs[doc_a]["responsible"], docs[doc_b]["denies"])
                if pair is None:
                    continue  # blamed for one deed, denies another
                sa, sb = pair
                a, b = (sa, sb) if doc_a < doc_b else (sb, sa)
                rows.append(Disagreement(
                    f"responsibility of {actor}", "factual",
                    Claim(a.doc_id, a.start, a.end, a.text, a.source), Claim(b.doc_id, b.start, b.end, b.text, b.source),
                    f"{actor}: {doc_a} holds it responsible ({sa.source or 'the author'}); "
                    f"{doc_b} reports a denial ({sb.source or 'the author'})",
                    (a.position, b.position),
                ))
    return grouped(rows)


# -- ties and deeds: one article asserts what another denies --------------------------------

FUNDING_WORDS = re.compile(
    r"\b(?:fund\w*|financ\w*|bankroll\w*|money|paid|pays?|payroll|sponsor\w*|bankrolled|backed|armed|arms)\b", re.I
)
REJECTION = re.compile(
    r"\b(?:denied|denies|deny|denying|rejected|rejects|reject|rejecting|dismissed|dismisses|refuted|refutes|"
    r"never (?:received|took|taken|accepted)|(?:is|are|was|were) not (?:funded|financed|paid|backed|armed|bankrolled)|"
    r"(?:pure |an? )?(?:invention|invented|fabricat\w*|fiction|fantasy)|lies|false)\b", re.I
)
# Words for an attack or its damage; a sentence that negates one ("the dam was not damaged",
# "there was no drone over the town", "a strike that never happened") against one that asserts it.
DEED_WORDS = (r"(?:struck|strike|strikes|hit|damaged|destroyed|bombed|bombing|shelled|shelling|drones?|missiles?|"
              r"airstrikes?|air strikes?|attacked|attack|fired on|fired at|shot)")
_DEED = re.compile(rf"\b{DEED_WORDS}\b", re.I)
_NEGATED_DEED = re.compile(
    rf"\b(?:not|never|no)\s+(?:\w+\s+){{0,2}}?{DEED_WORDS}\b|\b{DEED_WORDS}\s+(?:\w+\s+){{0,3}}?(?:never|did not|didn[’']t) happen",
    re.I,
)
_DEED_REJECTED = re.compile(r"\b(?:invention|invented|fabricat\w*|fiction|fantasy)\b", re.I)
# Nouns that every report of an attack has: sharing one does not make two sentences speak of one target.
_COMMON_NOUNS = frozenset(
    """people person civilians soldiers troops army police forces force government group rebels fighters militants
    day days morning night week time sky area town city village villages country region side claims claim reports
    report websites evidence attack attacks strike strikes drone drones missile missiles shot shots explosion blast
    fire bomb bombs shelling bombing""".split()
) | _NOT_A_SETTING


@dataclass(frozen=True)
class Assertion:
    """A sentence that asserts or negates a tie or a deed, with the actors it names and,
    for deeds, the targets it speaks of."""

    doc_id: str
    kind: str  # "funding denial", "deed" or "negated deed"
    start: int
    end: int
    text: str
    names: tuple[str, ...]
    anchors: frozenset = frozenset()
    source: str = ""
    organisations: tuple[str, ...] = ()  # the names typed as organisations or groups


def assertions_in(document, actors_in_sentence, credited) -> list[Assertion]:
    """Sentences that deny a funding tie, and sentences that assert or negate an attack.
    `actors_in_sentence(sentence)` gives (name, entity type) pairs."""
    if document.doc is None:
        return []
    text = document.text
    found = []
    for sentence in document.doc.sents:
        raw = text[sentence.start_char:sentence.end_char]
        sentence_text = raw.strip()
        if not sentence_text:
            continue
        start = sentence.start_char + (len(raw) - len(raw.lstrip()))
        end = start + len(sentence_text)
        typed = actors_in_sentence(sentence)
        names = tuple(name for name, _ in typed)
        if FUNDING_WORDS.search(sentence_text) and REJECTION.search(sentence_text) and names:
            found.append(Assertion(document.doc_id, "funding denial", start, end, sentence_text, names,
                                   source=credited(start, end),
                                   organisations=tuple(name for name, kind in typed if kind in ("ORG", "NORP", "PROPN", ""))))
        if _DEED.search(sentence_text):
            # a denial of a role ("denied any part in the shelling") is a responsibility stance, not this
            negated = bool(_NEGATED_DEED.search(sentence_text) or _DEED_REJECTED.search(sentence_text))
            anchors = frozenset(t.lower_ for t in sentence if t.pos_ == "NOUN" and t.is_alpha and len(t.text) > 2
                                and t.lower_ not in _COMMON_NOUNS)
            found.append(Assertion(document.doc_id, "negated deed" if negated else "deed", start, end, sentence_text,
                                   names, anchors, credited(start, end)))
    return found


def _same_actor(a: str, b: str) -> bool:
    """"Brevia" and "the Brevian Republic", "Ostrel" and "the Ostrel Foreign Ministry"."""
    a, b = a.lower(), b.lower()
    return a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a)


def tie_disagreements(relations: list[dict], assertions: list[Assertion], names_by_doc: dict[str, set[str]]) -> list[Disagreement]:
    """An article that states a funding tie ("X is funded by Y") against one that reports
    it denied ("He rejected claims that the paper takes money from Y") in an article that
    names X. `relations` rows carry doc_id, start, end, subject, relation, object
    (canonical names)."""
    denials = [a for a in assertions if a.kind == "funding denial"]
    denied_spans = defaultdict(list)
    for d in denials:
        denied_spans[d.doc_id].append((d.start, d.end))
    rows = []
    for r in relations:
        if r["relation"] not in ("funded_by", "paid_by", "funds"):
            continue
        funded, funder = (r["object"], r["subject"]) if r["relation"] == "funds" else (r["subject"], r["object"])
        if any(s <= r["start"] < e for s, e in denied_spans[r["doc_id"]]):
            continue  # the tie is the denied claim itself
        if any(any(_same_actor(n, funder) for n in d.names) for d in denials if d.doc_id == r["doc_id"]):
            continue  # the article reports the denial too
        for d in denials:
            if d.doc_id == r["doc_id"] or not any(_same_actor(n, funder) for n in d.names):
                continue
            if not any(_same_actor(n, funded) for n in names_by_doc.get(d.doc_id, ())):
                continue
            # "accuses the Front of taking money from Kovrak, which it denies" is about the
            # Front, not another actor funded by Kovrak
            others = [n for n in d.organisations if not _same_actor(n, funder)]
            if others and not any(_same_actor(n, funded) for n in others):
                continue
            stated = Claim(r["doc_id"], r["start"], r["end"], r.get("text", ""), "")
            denied = Claim(d.doc_id, d.start, d.end, d.text, d.source)
            a, b = (stated, denied) if stated.doc_id < denied.doc_id else (denied, stated)
            rows.append(Disagreement(
                f"funding of {funded}", "factual", a, b,
                f"{funded}: {r['doc_id']} states it is funded by {funder}; {d.doc_id} reports that denied "
                f"({d.source or 'the author'})",
                ("tie stated", "tie denied") if a is stated else ("tie denied", "tie stated"),
            ))
    return grouped(_one_per_pair(rows))


def deed_disagreements(assertions: list[Assertion], names_by_doc: dict[str, set[str]]) -> list[Disagreement]:
    """An article that asserts an attack on a target ("an army drone struck the Orsk dam")
    against one that negates an attack on the same target ("the dam itself was not
    damaged"), in articles that share a name; an article that says both is neither's."""
    deeds = [a for a in assertions if a.kind == "deed"]
    negations = [a for a in assertions if a.kind == "negated deed"]
    rows = []
    for n in negations:
        for d in deeds:
            if d.doc_id == n.doc_id:
                continue
            shared = d.anchors & n.anchors  # a target ("the dam"); a shared actor is a matter of responsibility
            if not shared or not _anchors(names_by_doc.get(d.doc_id, set()) & names_by_doc.get(n.doc_id, set())):
                continue
            if any(a.doc_id == d.doc_id and a.kind == "negated deed" and a.anchors & shared for a in negations):
                continue  # the asserting article also reports the denial
            target = sorted(shared)[0]
            a, b = (d, n) if d.doc_id < n.doc_id else (n, d)
            rows.append(Disagreement(
                f"attack on {target}", "factual",
                Claim(a.doc_id, a.start, a.end, a.text, a.source), Claim(b.doc_id, b.start, b.end, b.text, b.source),
                f"{target}: {d.doc_id} says it was attacked ({d.source or 'the author'}); "
                f"{n.doc_id} says it was not ({n.source or 'the author'})",
                ("attack asserted", "attack negated") if a is d else ("attack negated", "attack asserted"),
            ))
    return grouped(_one_per_pair(rows))


def _one_per_pair(rows: list[Disagreement]) -> list[Disagreement]:
    """One row for each pair of articles on a topic: more sentences of the same two
    articles add nothing. A body sentence is shown rather than a headline that says the
    same in fewer words (the body names the source)."""
    best: dict[tuple, Disagreement] = {}
    for row in rows:
        key = (row.topic, row.a.doc_id, row.b.doc_id)
        if key not in best or _headlines(row) < _headlines(best[key]):
            best[key] = row
    return [row for row in rows if best[(row.topic, row.a.doc_id, row.b.doc_id)] is row]


def is_headline(text: str) -> bool:
    """A line without closing punctuation: a headline or a crosshead, not a sentence."""
    return "\n" not in text.strip() and not re.search(r"[.!?:;”\"’')\]]\s*[0-9]{0,3}\s*$", text.strip())


def _headlines(row: Disagreement) -> int:
    return is_headline(row.a.claim) + is_headline(row.b.claim)
