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
from inconcert.text.document import Document, doc_text
from inconcert.text.lexicon import (
    CHARACTERISING_HEADS, NEGATIVE_LABEL_PHRASES, NEGATIVE_LABEL_WORDS, POSITIVE_LABEL_WORDS, ROLE_NOUNS,
)

COPULAS = frozenset("is are was were remains remain remained became become becomes".split())
LABEL_VERBS = frozenset(
    "call calls called brand brands branded label labels labelled labeled dub dubs dubbed describe describes described "
    "designate designates designated denounce denounces denounced consider considers considered term terms termed".split()
)
# Heads after a nationality adjective that stand for a state ("the Israeli regime"), unlike
# "Palestinian terrorists", which describes people rather than a named actor.
STATE_HEADS = frozenset("regime junta government administration leadership authorities dictatorship".split())
# Political epithets in front of a name: "Left-wing billionaire Tom Steyer", "the pro-Kremlin outlet".
_POLITICAL_EPITHET = re.compile(r"\b(?:left|right|far|hard|ultra|extreme|pro|anti)-[a-z]+", re.I)
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
    # a name inside the label ("a member of the Patriotic Bloc") says nothing about polarity
    # (but "a Foreign Terrorist Organization" is the label itself)
    label = re.sub(r"\b(the|of|by|for|from|to|with|at|in)\s+[A-Z][\w’'-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w’'-]*)+", r"\1 ", label)
    words = set(re.findall(r"[a-z]+(?:-[a-z]+)*", label.lower()))
    # "military-backed" is negative through "military-backed" or its parts; "pro-separatist" says
    # whom the actor supports and takes no polarity from "separatist"
    words |= {part for word in list(words) if not word.startswith(("pro-", "anti-")) for part in word.split("-")}
    lowered = " ".join(label.lower().split())
    if words & NEGATIVE_LABEL_WORDS or any(phrase in lowered for phrase in NEGATIVE_LABEL_PHRASES):
        return "negative"
    if words & POSITIVE_LABEL_WORDS:
        return "positive"
    return "neutral"


def extract_labels(document: Document) -> list[Label]:
    if document.doc is None:
        return []
    doc = document.doc
    labels: dict[tuple[int, int], Label] = {}
    mentions = actor_mentions(doc)
    for ent in mentions:
        found = _labels_of(document, ent, mentions)
        # what the parse missed, read from the word sequence: an apposition the parser did
        # not attach (a sentence split inside a name, a headline run into the text) and a
        # description in front of the name ("Human rights lawyer Sara Kell")
        if not any(label.pattern == "apposition" and label.start <= ent.start_char < label.end for label in found if label is not None):
            found.append(_make(document, ent, _apposition_after(ent), "apposition"))
        if not any(label is not None and label.pattern == "epithet" for label in found) and getattr(ent, "label_", "") in ("PERSON", "ORG", ""):
            found.append(_make(document, ent, _description_before(ent), "description"))
        for label in found:
            if label is not None:
                labels.setdefault((label.start, label.end), label)
    for label in _stand_in_labels(document, mentions, sorted(labels.values(), key=lambda l: (l.start, l.end))):
        if not any(l.start <= label.start < l.end or label.start <= l.start < label.end for l in labels.values()):
            labels[(label.start, label.end)] = label
    return sorted(labels.values(), key=lambda l: (l.start, l.end))


_DEMONSTRATIVES = frozenset("the these this that those".split())
_GOVERNMENT_HEADS = frozenset("regime junta dictatorship government administration".split())


def _stand_in_labels(document: Document, mentions, labels: list[Label]) -> list[Label]:
    """Labels said of an actor without its name, where the text makes plain which actor:
    "it is the coast’s own resistance" after "The SCLA is not …", "It is a Carrow-funded
    front" after "The so-called Rights Centre …", and name-calling substitutions — "the gang
    blew up its own arms store" (the organisation the paragraph's sentence is about), "The
    regime, propped up by …" (the actor the article has already called a regime). "It" and
    "the gang" stand for the last organisation that is a sentence's subject earlier on the
    same line; a regime or junta for the last actor the article gave such a label."""
    doc, found = document.doc, []
    for token in doc:
        if token.lower_ in ("it", "they") and token.dep_ == "nsubj" and token.head.lower_ in COPULAS and not _negated(token.head):
            verb = token.head
            attr = next((c for c in verb.children if c.dep_ == "attr" and c.i > token.i), None)
            if attr is None or _negated(attr) or any(c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > attr.i for c in verb.children):
                continue  # "it is clear that …", "it is a shame to …"
            phrase = _phrase(_but(attr))
            if phrase is None or not (polarity_of(phrase.text) != "neutral" or phrase.root.lower_ in KIND_NOUNS):
                continue
            actor = _subject_before(document, token.idx, mentions)
            if actor is not None:
                found.append(_stand_in(document, token.idx, phrase, actor, "copula"))
        elif token.pos_ == "NOUN" and token.lower_ in NEGATIVE_LABEL_WORDS and token.dep_ not in ("attr", "appos", "poss", "compound", "conj"):
            det = next((c for c in token.children if c.dep_ == "det"), None)
            if det is None or det.lower_ not in _DEMONSTRATIVES or det.i != token.left_edge.i:
                continue
            if any(c.dep_ in ("prep", "compound", "poss", "nmod") or c.pos_ == "PROPN" for c in token.children if c.i != det.i):
                continue  # "the regime of X", "the Voss regime": named, read by the name's own patterns
            if any(m.start <= token.i < m.end for m in mentions):
                continue
            if token.lower_ in _GOVERNMENT_HEADS:
                earlier = [l for l in labels if l.end <= token.idx and l.label.lower().split()[-1:] and l.label.lower().split()[-1] in _GOVERNMENT_HEADS]
                same = [l for l in earlier if l.label.lower().split()[-1] == token.lower_]
                actor = (same or earlier)[-1].entity if earlier else None
            else:
                actor = _subject_before(document, token.idx, mentions)
                actor = plain_name(actor.text) if actor is not None else None
            if actor:
                found.append(_stand_in(document, det.idx, doc[det.i:token.i + 1], actor, "name-calling"))
    return found


def _stand_in(document: Document, start: int, phrase, actor, pattern: str) -> Label:
    entity = actor if isinstance(actor, str) else plain_name(actor.text)
    label = " ".join(phrase.text.split()).strip("“”\"‘’'")
    return Label(document.doc_id, start, phrase.end_char, entity, label, polarity_of(label), pattern)


def _subject_before(document: Document, position: int, mentions):
    """The last organisation before `position` on its line that is a sentence's subject."""
    line_start = document.text.rfind("\n", 0, position) + 1
    for mention in reversed([m for m in mentions if line_start <= m.start_char and m.end_char <= position]):
        root = mention.root
        subject = root.dep_ in ("nsubj", "nsubjpass") or (root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass"))
        if subject and getattr(mention, "label_", "") in ("ORG", ""):
            return mention
    return None


# Nouns for a place in an organisation rather than a description of the person: in front
# of a name they are part of how the person is named ("Union leader Jonas Weil", "campaign
# chairman Paul Manafort"); the tie itself is a relation.
POSITION_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson leader leaders director head chief chairman chairwoman chair president
    secretary minister official officer member commander deputy editor founder governor mayor senator general
    colonel captain sergeant ambassador envoy aide aides manager host anchor counsel wife husband son daughter mother
    father brother sister""".split()
)
_STOP_WORDS = frozenset("who whom whose which that where when".split())


def _apposition_after(ent):
    """", a Kovrak foundation whose …", ", the Chairman of the House Intelligence Committee,":
    the words after a comma that follows the name (a bracketed aside such as a party may come
    first), up to the next punctuation or relative pronoun; without an article only when
    they start with a role ("Mike Pompeo, Director of the CIA")."""
    doc = ent.doc
    i = ent.end
    if i < len(doc) and doc[i].text == "(":
        close = next((k for k in range(i, min(i + 12, len(doc))) if doc[k].text == ")"), None)
        if close is None:
            return None
        i = close + 1
    if i + 1 >= len(doc) or doc[i].text != "," or "\n" in doc[i].whitespace_:
        return None
    i += 1
    start = i
    if doc[i].lower_ in ("a", "an", "the"):
        i += 1
    elif doc[i].lower_ not in ROLE_NOUNS:
        return None
    end = i
    while end < len(doc) and end - start <= MAX_LABEL_WORDS:
        token = doc[end]
        if token.is_punct and not (token.text == "-" and not doc[end - 1].whitespace_):
            break
        if token.lower_ in _STOP_WORDS or token.pos_ in ("VERB", "AUX", "PRON", "CCONJ", "SCONJ", "NUM") or "\n" in token.text:
            break
        end += 1
    closing = doc[end] if end < len(doc) else None
    if end == i or (closing is not None and not (closing.text in (",", ".", ";", ")", ":") or closing.lower_ in _STOP_WORDS)):
        return None  # "Merin, the army said, …": a clause, not an apposition
    if closing is not None and closing.text == "," and end + 1 < len(doc) and doc[end + 1].lower_ in ("and", "or"):
        return None  # an enumeration ("the BBC, our media, and …")
    phrase = doc[start:end]
    if not any(t.pos_ in ("NOUN", "ADJ") or (t.pos_ == "PROPN" and t.lower_ in ROLE_NOUNS) for t in phrase):
        return None
    return phrase


def _description_before(ent):
    """A common-noun description right in front of a name, read as a word sequence:
    "Human rights lawyer Sara Kell", "the imam Siraj Wahhaj", "The liberal activist group
    MoveOn.org", "Chronic tweeter Trump"; not a title ("Energy Minister Clara Voss") or a
    place in an organisation ("opposition leader Merin")."""
    doc = ent.doc
    last = ent.start - 1
    if last < 0 or doc[last].whitespace_ != " ":
        return None
    head = doc[last]
    if not (head.is_alpha and head.is_lower and head.pos_ in ("NOUN", "PROPN")):
        return None
    if head.lower_ in POSITION_NOUNS:
        return None  # "Union leader Jonas Weil": a place in an organisation, a relation rather than a label
    # the noun must belong to the name ("the imam Siraj Wahhaj"), not end a clause before it
    # ("the evidence Mueller found"); the parser also makes the two twin subjects of one
    # verb ("The photographer Ilse Brandvold … was shot")
    attached = (head.dep_ in ("compound", "amod", "nmod") and ent.start <= head.head.i < ent.end) \
        or (ent.root.dep_ == "appos" and ent.root.head.i == head.i) \
        or (head.dep_ == ent.root.dep_ and head.head.i == ent.root.head.i and head.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")) \
        or _twin_read_as_clause(ent, head)
    if not attached:
        return None
    start = last
    while start - 1 >= 0 and last - start < 5:
        token = doc[start - 1]
        glued = token.text == "-" and not token.whitespace_
        if "\n" in token.whitespace_ or "\n" in token.text:
            break
        if not (glued or (token.pos_ in ("ADJ", "NOUN", "PROPN", "VERB", "ADV") and (token.is_alpha or "-" in token.text))):
            break
        if token.pos_ in ("PROPN", "VERB") and token.tag_ not in ("VBG", "VBN") and not (token.is_lower or _opens_phrase(doc, start - 1)):
            break  # another name ("Trump campaign chairman"), or a verb
        start -= 1
    while start < last and not doc[start].is_alpha:
        start += 1
    # a bare noun in front of a name is mostly a job ("attorney Rudy Giuliani"); a
    # description has more to it ("Human rights lawyer"), names a kind of actor or follows
    # an article ("The photographer Ilse Brandvold")
    if start == last and head.lower_ not in KIND_NOUNS and not (start > 0 and doc[start - 1].lower_ in ("the", "a", "an")):
        return None
    return doc[start:last + 1]


def _twin_read_as_clause(ent, head) -> bool:
    """"The photographer Ilse Brandvold was killed …" parsed as "the photographer [whom] Ilse
    Brandvold was killed": a relative clause has a gap for the noun to fill, so one whose
    verb is passive or has its object is the name's own clause ("the evidence Mueller found"
    has none and stays a clause)."""
    verb = ent.root.head
    return verb.dep_ == "relcl" and verb.head.i == head.i and head.dep_ in ("ROOT", "nsubj", "nsubjpass") \
        and ent.root.dep_ in ("nsubj", "nsubjpass") and (
        ent.root.dep_ == "nsubjpass" or any(c.dep_ in ("dobj", "attr", "ccomp", "acomp") for c in verb.children))


def _opens_phrase(doc, i: int) -> bool:
    """Token i is the first word after a sentence start, a determiner or a dash, where a
    common word is capitalised."""
    return i == 0 or doc[i].is_sent_start or doc[i - 1].pos_ == "DET" or doc[i - 1].text in ("—", "–", ":", "\n")


def _labels_of(document: Document, ent, mentions) -> list[Label]:
    root = ent.root
    found = []
    for child in root.children:
        if child.dep_ == "appos" and child.i > ent.end - 1 and child.pos_ in ("NOUN", "ADJ") and not _in_a_list(root, child):
            phrase = _phrase(child)
            nearer = _mention_just_before(mentions, phrase, ent) if phrase is not None else None
            # "Schinas, spokesman for the European Commission, the bloc's executive": the
            # second apposition describes the Commission, the name right before it
            found.append(_make(document, nearer or ent, phrase, "apposition"))
    if root.dep_ == "appos" and root.head.pos_ == "NOUN" and root.head.i < ent.start:
        found.append(_make(document, ent, _phrase(root.head, stop=ent.start), "apposition"))
    subject = root.head if root.dep_ == "appos" and root.head.dep_ in ("nsubj", "nsubjpass") else root
    if subject.dep_ in ("nsubj", "nsubjpass") and subject.head.lower_ in COPULAS and not _negated(subject.head):
        for child in subject.head.children:
            if child.dep_ == "attr" and child.i > subject.i and not _negated(child):
                phrase = _phrase(_but(child))
                if phrase is not None and not phrase[0].like_num:  # "Turnout was 48%": a figure, not a label
                    found.append(_make(document, ent, phrase, "copula"))
            if child.dep_ == "acomp" and child.i > subject.i:
                phrase = _phrase(child)
                # "X is anti-Semitic" characterises; "X was responsible for the attack" states a fact
                if phrase is not None and polarity_of(phrase.text) != "neutral":
                    found.append(_make(document, ent, phrase, "copula"))
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
    if (root.dep_ in ("compound", "poss") or (root.dep_ == "amod" and root.head.lower_ in STATE_HEADS)) and root.head.i >= ent.end \
            and root.head.lower_ in CHARACTERISING_HEADS:
        head = root.head
        after = ent.end + (1 if ent.end < len(ent.doc) and ent.doc[ent.end].tag_ == "POS" else 0)
        # "Kestria’s elected government": the words between the possessive and the head count
        between = ent.doc[after:head.i + 1] if root.dep_ == "poss" else head
        if polarity_of(between.text) != "neutral" or head.lower_ in ("regime", "junta", "mouthpiece"):
            # "the apartheid Israeli regime": modifiers of the head before the name belong to the label too
            start = ent.start
            while start > 0 and ent.doc[start - 1].head.i == head.i and ent.doc[start - 1].pos_ in ("ADJ", "NOUN", "VERB"):
                start -= 1
            start = start if start < ent.start else after
            found.append(_make(document, ent, ent.doc[start: head.i + 1], "name-calling"))
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.i < ent.start:
        head = root.head.head
        if head.pos_ == "NOUN" and head.lower_ in CHARACTERISING_HEADS:
            # "the legitimate government of Dornland", "the puppet regime of X"
            phrase = _phrase(head, stop=root.head.i)
            if phrase is not None and polarity_of(phrase.text) != "neutral":
                found.append(_make(document, ent, phrase, "name-calling"))
    return [label for label in found if label is not None]


def _negated(token) -> bool:
    """"is not a militia", "is no such thing", "was never a party": the writer denies the
    label, so it is not one (the opposite sense is not stated either)."""
    return any(child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no") for child in token.children)


def _but(token):
    """"nothing but a criminal gang", "no more than a front": the label is after "but"/"than"."""
    if token.lower_ in ("nothing", "none", "little"):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("but", "than", "except"):
                target = next((c for c in child.children if c.dep_ == "pobj"), None)
                if target is not None:
                    return target
    return token


def _phrase(head, stop: int | None = None):
    """The label's words: the head's subtree, without a relative clause (unless the
    judgement is in it: "a mosque that has attracted radical speakers"), a trailing comma or
    anything from `stop` on."""
    doc = head.doc
    end = head.right_edge.i + 1
    for child in head.children:
        if child.i > head.i and child.dep_ in ("relcl", "punct", "cc", "conj", "appos", "advcl"):
            if child.dep_ == "relcl" and polarity_of(doc[child.left_edge.i:child.right_edge.i + 1].text) != "neutral":
                continue
            end = min(end, child.left_edge.i)
    if stop is not None:
        end = min(end, stop)
    if end - head.left_edge.i > MAX_LABEL_WORDS:
        # "a volunteer self-defence force formed after the 2019 floods, when …": the
        # participle clause tells its history; the label is the noun phrase before it
        clause = next((c for c in head.children if c.i > head.i and c.dep_ == "acl"), None)
        if clause is not None:
            end = min(end, clause.left_edge.i)
    start = head.left_edge.i
    while start < end and doc[start].is_punct:
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    # a hyphenated word the tokenizer split ("anti-Semitic") stays whole
    while end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
        end += 2
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_:
        start -= 2
    if start < end and doc[start].tag_ == "VBG":
        return None  # "Retailing these lies": a clause the parser took for a noun phrase
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
    if polarity_of(text) == "neutral" and words[-1].lower_ in POSITION_NOUNS:
        return None  # "campaign chairman Leo Sand": a place in an organisation, said as a title
    if polarity_of(text) == "neutral" and not any(_HYPHEN_EPITHET.search(part) for part in text.replace(" - ", "-").split()) \
            and not _POLITICAL_EPITHET.search(text) and not _describes_a_kind(words):
        return None
    return words


# Nouns in front of a name that say what kind of actor it is ("the rights group Freedom
# Watch", "State broadcaster BTV", "former White House intern Monica Lewinsky"), unlike
# titles ("President", "Sen."), which are part of how a person is named.
KIND_NOUNS = frozenset(
    """group groups broadcaster channel outlet website newspaper tabloid network agency organization organisation
    foundation charity trust fund institute think-tank tank movement party militia faction company firm lobby
    campaign activist activists intern billionaire tycoon oligarch businessman businesswoman blogger influencer
    commentator pundit preacher cleric imam rapper celebrity""".split()
)


def _describes_a_kind(words) -> bool:
    return any(w.lower_ in KIND_NOUNS and w.pos_ == "NOUN" for w in words)


def _in_a_list(root, appos) -> bool:
    """"the BBC, our media, our universities and …": items of an enumeration that the
    parser took for an apposition."""
    return any(c.dep_ == "conj" for c in appos.children) or any(c.dep_ == "conj" and c.i > appos.i for c in root.children)


def _mention_just_before(mentions, phrase, ent):
    """Another actor named right before an apposition (only a comma between)."""
    text = doc_text(phrase.doc)
    for mention in mentions:
        if mention is not ent and ent.end <= mention.start and mention.end_char <= phrase.start_char \
                and text[mention.end_char:phrase.start_char].strip() == ",":
            return mention
    return None


def _modifies_rightward(token, np_end: int) -> bool:
    glued = token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == "-"
    if token.pos_ in ("DET", "ADP", "PRON", "CCONJ", "NUM") or (token.pos_ == "PROPN" and not glued) or token.text in (",", "(", ")", ";", ":", "\"", "“", "”"):
        return False
    return token.i < token.head.i < np_end


MAX_LABEL_WORDS = 12


def _make(document: Document, ent, phrase, pattern: str) -> Label | None:
    if phrase is None or not phrase.text.strip():
        return None
    if phrase[0].pos_ == "ADP" or phrase.text.endswith("-") or len(phrase) > MAX_LABEL_WORDS:
        return None  # "to army death squads", "Extremist-": pieces of a headline, not a label
    between = document.text[min(ent.end_char, phrase.start_char):max(ent.start_char, phrase.end_char)]
    if "\n" in phrase.text or ("\n" in between and pattern == "apposition"):
        return None  # a byline or headline the parser ran into the next paragraph
    if phrase.root.pos_ == "PROPN" and polarity_of(phrase.text) == "neutral" and phrase.root.lower_ not in ROLE_NOUNS:
        return None  # another name, not a characterisation ("Director of the CIA" is a role)
    start = min(ent.start_char, phrase.start_char)
    end = max(ent.end_char, phrase.end_char)
    text = document.text
    if text[start:start + 4].lower() == "the " and start == ent.start_char:
        start += 4
    label = " ".join(phrase.text.split()).strip("“”\"‘’'")
    return Label(document.doc_id, start, end, plain_name(ent.text), label, polarity_of(label), pattern)
