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

from inconcert.text.actors import actor_mentions, initials, plain_name
from inconcert.text.document import Document, doc_text

_PASSIVE = r"(?:(?:is|are|was|were|be|been|being|has been|have been|had been|allegedly|reportedly|largely|partly|secretly|heavily|directly|openly)\s+)*"
_ROLE = (
    r"spokesman|spokeswoman|spokesperson|employee|employees|adviser|advisor|director|head|chief|leader|chairman|chairwoman|"
    r"official|officer|correspondent|editor|reporter|commander|minister|ambassador|envoy|aide|lawyer|agent|agents|"
    r"founder|president|secretary|executive|staffer|operative|operatives|representative|analyst|researcher|fellow|"
    r"professor|economist|host|anchor|columnist|producer|manager|attorney|counsel|advocate"
)
# A name that is only a title is no actor: "a spokesman for President Anton Kaldor".
TITLES = frozenset(
    """president director minister secretary chairman chairwoman chair senator rep representative governor mayor prime
    general attorney judge sheriff chief commander professor dr mr mrs ms""".split()
)
# (relation, pattern, direction): "forward" reads subject-before, object-after.
TRIGGERS = [
    ("funded_by", re.compile(rf"\b{_PASSIVE}(?:funded|financed|bankrolled|sponsored|backed|subsidi[sz]ed|supported financially|propped up)\s+(?:\w+\s+){{0,2}}?by\b", re.I)),
    ("funded_by", re.compile(r"\b(?:receives?|received|receiving|gets|got|accepted|accepts|took|takes|taking)\s+(?:\w+\s+){0,3}?(?:funding|funds|money|financing|grants?|donations?|cash|financial support)\s+from\b", re.I)),
    ("funded_by", re.compile(r"\b(?:receives?|received|receiving|got|accepted|took)\s+(?:[^.;,]{0,40}?\s)?(?:[$€£]\s?[0-9][\w.,]*|[0-9][\d.,]*\s+(?:million|billion|dollars|euros|pounds))(?:\s+(?:million|billion))?\s+from\b", re.I)),
    ("funded_by", re.compile(r"\b(?:with|through)\s+(?:\w+\s+){0,2}?(?:funding|money|financing|grants?)\s+from\b", re.I)),
    ("paid_by", re.compile(rf"\b{_PASSIVE}paid\s+(?:\w+\s+){{0,2}}?by\b|\bon the payroll of\b|\bin the pay of\b|\b(?:received|receives|took)\s+(?:\w+\s+){{0,2}}?payments?\s+from\b", re.I)),
    ("funds", re.compile(r"\b(?:gave|gives|give|provided|provides|sent|sends|transferred|transfers|donated|donates)\s+(?:[^.;]{0,40}?\s)?(?:[$€£]\s?[0-9][\w.,]*|[0-9][\d.,]*\s+(?:million|billion|dollars|euros|pounds)|money|funding|funds|cash|grants?)(?:\s+(?:million|billion))?\s+to\b", re.I)),
    ("works_for", re.compile(r"\b(?:heads|headed|chairs|chaired)\b(?!\s+by\b)", re.I)),
    ("funds", re.compile(r"\b(?:funds|funded|finances|financed|bankrolls|bankrolled|sponsors|sponsored|subsidi[sz]es|subsidi[sz]ed|pays for|paid for|provides funding to|provided funding to|gave money to|gives money to)\b(?!\s+(?:\w+\s+){0,2}?by\b)", re.I)),
    ("part_of", re.compile(r"\b(?:an?|the|one)?\s*(?:member|members|part|unit|wing|arm|branch|subsidiary|affiliate|faction|offshoot|division|cell|proxy|proxies|front group|front organi[sz]ation)\s+of\b|\b(?:an?|the)\s+front\s+(?:group\s+|organi[sz]ation\s+)?for\b|\bbelongs?\s+to\b|\bbelonged\s+to\b|\b(?:is|are|was|were)\s+(?:\w+\s+)?(?:owned|controlled)\s+by\b", re.I)),
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
# "the Front is led by Ada Merin", "the Interior Ministry, headed by Tomas Grell": the person after works for the actor before.
LED_BY = re.compile(r"\b(?:led|headed|chaired|run|directed|founded)\s+by\b", re.I)
HYPHEN_TIE = re.compile(r"\b(?:[Tt]he\s+)?(?P<actor>[A-Z][\w.'’]*(?:\s[A-Z][\w.'’]*)?)-(?P<tie>backed|funded|financed|sponsored|bankrolled|aligned|allied)\b")
HYPHEN_RELATION = {"backed": "funded_by", "funded": "funded_by", "financed": "funded_by", "sponsored": "funded_by",
                   "bankrolled": "funded_by", "aligned": "allied_with", "allied": "allied_with"}
# Nouns a "-backed" tie can modify: "the Iran-backed militia", not "VLF-backed riots".
ACTOR_NOUNS = frozenset(
    """militia militias rebels rebel fighters forces force group groups government regime junta party movement
    outlet outlets channel broadcaster newspaper media network networks proxies proxy troops army coalition
    faction factions unit units organization organisation organizations organisations council administration
    authorities leadership gang gangs insurgents separatists candidate candidates think-tank tank institute
    foundation charity charities ngo ngos lobby campaign""".split()
)
# "DTV director Hana Cerna", "CNN host Wolf Blitzer"; "the Committee, a VLF affiliate".
AFFILIATE_NOUNS = r"affiliate|proxy|subsidiary|offshoot|front|wing|branch|franchise"
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
        for relation in _sentence_relations(document, sentence, sentence_text, inside, mentions) + _its_role(document, sentence, inside, mentions):
            found.setdefault((relation.start, relation.subject, relation.relation, relation.object), relation)
    return sorted(found.values(), key=lambda r: (r.start, r.end, r.relation))


def _sentence_relations(document: Document, sentence, sentence_text: str, mentions, all_mentions) -> list[Relation]:
    offset = sentence.start_char
    rows = []
    for relation, pattern in TRIGGERS:
        for match in pattern.finditer(sentence_text):
            if "\n" in match.group() or sentence_text[match.start() - 1:match.start()] == "-":
                continue  # a headline run into the first paragraph; "foreign-funded" names no funder
            start, end = offset + match.start(), offset + match.end()
            obj = _nearest_after(mentions, end)
            if obj is None:
                continue
            trigger = match.group().strip().lower()
            person = _person_after(document.text, obj, mentions) if relation == "works_for" else None
            if person is not None and _ROLE_OPENING.search(sentence_text[:match.start()]):
                # "A spokesman for the OVDU, Ruben Kask, denied …": the person named after the role
                rows.append(_make(document, person, relation, obj, trigger))
                continue
            subject = _nearest_before(mentions, start, sentence)
            stand_in = _STAND_IN_TAIL.search(sentence_text[:match.start()]) if relation in ("funded_by", "paid_by", "part_of") else None
            if stand_in is not None and (subject is None or subject.end_char <= offset + stand_in.start()):
                # "… rejected Omarin’s claim that the movement is bankrolled by Brevia": the
                # movement is the organisation named before, not Omarin
                subject = _antecedent(document.text, offset + stand_in.start(), all_mentions)
            if subject is None and relation in ("funded_by", "paid_by", "part_of") \
                    and _STAND_IN_SUBJECT.match(sentence_text[:match.start()]):
                subject = _antecedent(document.text, start, all_mentions)
            if subject is None or _same_actor(subject.text, obj.text):
                continue
            if relation in ("part_of", "works_for") and not _next_to(document.text[subject.end_char:start]):
                continue  # "a secret prison in Thailand — part of the CIA's network": Thailand is not the part
            rows.append(_make(document, subject, relation, obj, trigger))
            for also in _conjoined_after(document.text, obj, mentions):
                if not _same_actor(subject.text, also.text):  # "allied with the Union and the Teachers’ Association"
                    rows.append(_make(document, subject, relation, also, trigger))
    for match in LED_BY.finditer(sentence_text):
        start, end = offset + match.start(), offset + match.end()
        organisation, person = _nearest_before(mentions, start, sentence), _nearest_after(mentions, end)
        if organisation is not None and person is not None and _could_be_person(person) \
                and _next_to(document.text[organisation.end_char:start]):
            rows.append(_make(document, person, "works_for", organisation, match.group().lower()))
    for match in HYPHEN_TIE.finditer(sentence_text):
        head = _noun_after(sentence, offset + match.end())
        if head is None or (head.root.pos_ != "PROPN" and head.root.lower_ not in ACTOR_NOUNS):
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
    rows += _compound_ties(document, sentence, mentions)
    for match in POSSESSIVE_ROLE.finditer(sentence_text):
        start, end = offset + match.start(), offset + match.end()
        employer = next((m for m in mentions if m.end_char == start), None)
        person = next((m for m in mentions if m.start_char == end and getattr(m, "label_", "") == "PERSON"), None)
        if employer is not None and person is not None:
            rows.append(_make(document, person, "works_for", employer, "'s " + match.group().strip(" ,’'s").lower()))
    return rows


# Words between a name and a role that make it a clause, not a title: "Schiff told host Dana Bash".
_NOT_A_TITLE_WORD = "told|tells|said|says|asked|asks|called|calls|named|names|met|meets|thanked|praised|urged|and|or|with"
ITS_ROLE = re.compile(rf"\b[Ii]ts\s+(?:[a-z]+\s+)?(?:{_ROLE}),?\s+")


def _its_role(document: Document, sentence, mentions, all_mentions) -> list[Relation]:
    """"Its spokesman, Jonas Feld": "its" is the organisation named last before."""
    text, rows = document.text, []
    for match in ITS_ROLE.finditer(text, sentence.start_char, sentence.end_char):
        person = next((m for m in mentions if m.start_char == match.end() and _could_be_person(m)), None)
        if person is None:
            continue
        employer = _antecedent(text, match.start(), all_mentions)
        if employer is not None:
            rows.append(_make(document, person, "works_for", employer, "its " + match.group().split()[1].strip(",").lower()))
    return rows


ITS_REACH = 300


def _antecedent(text: str, position: int, all_mentions):
    """The organisation that "it", "its" or "the newspaper" at `position` stands for: the
    first one named in the last sentence before that names one, not the last named
    ("Eastbridge TV … is funded by the Kovrak Media Fund. Its chief editor, Irma Solt")."""
    surnames = {m.text.split()[-1] for m in all_mentions if getattr(m, "label_", "") == "PERSON" and len(m.text.split()) > 1}
    previous = [m for m in all_mentions if m.end_char <= position and position - m.start_char < ITS_REACH
                and _could_be_organisation(m) and not _title_only(m) and not _dateline(text, m) and m.text not in surnames]
    paragraph_start = max(text.rfind("\n\n", 0, position), 0)
    previous = [m for m in previous if m.start_char >= paragraph_start] or previous
    previous_sentence = previous[-1].sent if previous else None
    return next((m for m in previous if m.sent == previous_sentence), None)


# A sentence whose subject stands for an organisation named before: "It receives money
# from …", "The newspaper is funded by …".
_STAND_IN_SUBJECT = re.compile(r"^\s*(?:It|The\s+(?:[a-z][\w-]*\s+){0,2}?(?:group|organi[sz]ation|newspaper|paper|outlet|"
                               r"channel|broadcaster|station|website|site|agency|party|movement|militia|network|charity|"
                               r"foundation|institute|committee|council|centre|center|front|union|fund|trust|company|firm))"
                               r"\s+(?:(?:also|now|still|reportedly|allegedly|openly|secretly|quietly)\s+)?$")


# "the movement is bankrolled by …" inside a sentence: a stand-in for an organisation named before.
_STAND_IN_TAIL = re.compile(r"\b(?:the|this)\s+(?:group|organi[sz]ation|newspaper|paper|outlet|channel|broadcaster|station|website|"
                            r"agency|party|movement|militia|network|charity|foundation|institute|committee|council|centre|center|"
                            r"union|fund|trust)\s+(?:(?:also|now|still|reportedly|allegedly|openly|secretly|quietly)\s+)?$")
# What may open a sentence or clause before "spokesman for X, Name": an article and a few modifiers.
_ROLE_OPENING = re.compile(r"(?:^|[,;:—–]\s*)\s*(?:an?|the)\s+(?:[a-z][\w-]*\s+){0,2}$", re.I)


def _person_after(text: str, obj, mentions):
    """A person named in apposition right after the organisation: "…for the OVDU, Ruben Kask,"."""
    gap = re.match(r"\s*,\s*", text[obj.end_char:])
    if gap is None:
        return None
    return next((m for m in mentions if m.start_char == obj.end_char + gap.end() and _could_be_person(m)), None)


def _conjoined_after(text: str, obj, mentions) -> list:
    """Actors joined to the object by "and"/"or" ("allied with A and B", "A, B and C")."""
    found, last = [], obj
    while True:
        gap = re.match(r"(?:\s*,)?\s+(?:and|or)\s+|\s*,\s*", text[last.end_char:])
        nxt = next((m for m in mentions if gap is not None and m.start_char == last.end_char + gap.end() and not _title_only(m)), None)
        if nxt is None or getattr(nxt, "label_", "") in ("DATE", "TIME"):
            return found if found and found[-1] is not None else []
        if "," in gap.group() and "and" not in gap.group() and "or" not in gap.group():
            # a comma alone continues a list only if an "and" closes it later
            if not re.match(r"[^.;]{0,80}?\band\b", text[nxt.end_char:]):
                return found
        found.append(nxt)
        last = nxt


def _compound_ties(document: Document, sentence, mentions) -> list[Relation]:
    """A name used as a modifier of a role or affiliate noun: "DTV director Hana Cerna"
    (works_for), "the Vessa Health Committee, a VLF affiliate" (part_of)."""
    text, rows = document.text, []
    for mention in mentions:
        after = text[mention.end_char:sentence.end_char]
        role = re.match(rf"[ \t]+(?:(?!(?:{_NOT_A_TITLE_WORD})\b)[A-Za-z]+[ \t]+)?(?:{_ROLE})[ \t]+", after, re.I)
        label = getattr(mention, "label_", "")
        possessed = re.match(r"['’‘]s[ \t]+", after)
        if possessed is not None and label in ("ORG", ""):  # "the Washington Post's Greg Miller", not "the CIA's Bush-era"
            person = next((m for m in mentions if m.start_char == mention.end_char + possessed.end()
                           and _could_be_person(m) and text[m.end_char:m.end_char + 1] != "-"), None)
            if person is not None:
                rows.append(_make(document, person, "works_for", mention, "'s"))
        of = re.match(r"\s+of\s+(?:the\s+)?", after)
        if of is not None and label == "PERSON":  # "Wolf Blitzer of CNN"
            employer = next((m for m in mentions if m.start_char == mention.end_char + of.end()
                             and getattr(m, "label_", "") == "ORG"), None)
            if employer is not None:
                rows.append(_make(document, mention, "works_for", employer, "of"))
        if role is not None:
            person = next((m for m in mentions if m.start_char == mention.end_char + role.end() and _could_be_person(m)), None)
            if person is not None:
                rows.append(_make(document, person, "works_for", mention, role.group().strip().lower()))
        trailing_role = re.match(rf"[ \t]+(?:{_ROLE})\b", after, re.I)
        before = re.search(r",\s*$", re.sub(r"\s*\([^()]{0,40}\)", "", text[sentence.start_char:mention.start_char]))
        if trailing_role is not None and before is not None and label in ("ORG", ""):  # "Chuck Grassley (R-IA), Senate Finance Committee chairman"
            person = _nearest_before(mentions, mention.start_char, sentence)
            if person is not None and getattr(person, "label_", "") == "PERSON" and _next_to(text[person.end_char:mention.start_char]):
                rows.append(_make(document, person, "works_for", mention, trailing_role.group().strip().lower()))
        affiliate = re.match(rf"\s+(?:{AFFILIATE_NOUNS})\b", after, re.I)
        opening = re.search(r",\s+(?:an?|the)\s+$", text[sentence.start_char:mention.start_char])
        if affiliate is not None and opening is not None:
            subject = _nearest_before(mentions, sentence.start_char + opening.start(), sentence)
            if subject is not None and subject is not mention:
                rows.append(_make(document, subject, "part_of", mention, affiliate.group().strip().lower()))
    return rows


# Words that make a name an organisation's, whatever type the model gave it.
ORGANISATION_WORDS = frozenset(
    """ministry ministries party front council agency union committee army forces force brigade radio today times news
    post institute foundation fund trust group movement league bloc alliance coalition front university college
    church bank company corporation government office department commission court police guard units unit tv
    network channel press service watch monitor centre center society association federation""".split()
)


def _could_be_person(mention) -> bool:
    """A name right after a role noun ("Its editor, Milo Varn", "SDA spokeswoman Nadia
    Orel") is a person's even when the small model typed it as an organisation, unless a
    word of it says otherwise."""
    label = getattr(mention, "label_", "")
    if label == "PERSON":
        return True
    words = mention.text.split()
    return label in ("ORG", "") and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words) \
        and not any(w.lower().strip(".,’'") in ORGANISATION_WORDS for w in words)


def _could_be_organisation(mention) -> bool:
    """An organisation, also one the small model typed as a person ("Harbour Watch")."""
    label = getattr(mention, "label_", "")
    return label in ("ORG", "") or (label == "PERSON" and any(w.lower() in ORGANISATION_WORDS for w in mention.text.split()))


def _same_actor(a: str, b: str) -> bool:
    """"agents of the VLF" after "the Vessa Liberation Front": one actor, no tie."""
    a, b = plain_name(a), plain_name(b)
    return a == b or a.replace(".", "") == initials(b) or b.replace(".", "") == initials(a)


def _nearest_before(mentions, position: int, sentence):
    """The last actor named before the trigger, passing over a bracketed aside such as a
    party and state ("Adam Schiff (D-CA), the chairman of"), a dateline ("HALBEK —") and a
    speaker ("Weiss said the gunmen were members of …": Weiss is not the member)."""
    text = doc_text(sentence.doc)
    before = [m for m in mentions if m.end_char <= position and not _dateline(text, m) and not _title_only(m)]
    outside = [m for m in before if not _bracketed(text, m.start_char, m.end_char)]
    chosen = outside or before
    if not chosen:
        return None
    # "Free Orsk Radio, which broadcasts from … Tirel, is financed by", "Ilan Marek, Veldra’s
    # president since 2016, is a close ally of": the name before the aside is the subject
    for earlier in reversed(chosen[:-1]):
        if _ASIDE_THEN_VERB.match(text[earlier.end_char:position]):
            return earlier
        if earlier.end_char < position - 160:
            break
    # "the Centre, whose reports the ministry quotes, is on the payroll of": the aside's verb
    # is not a speaker's
    between = _RELATIVE_ASIDE.sub(" ", text[chosen[-1].end_char:position])
    if _SPEECH_BETWEEN.search(between):
        return None
    return chosen[-1]


_ASIDE_THEN_VERB = re.compile(r"\s*,[^,;()\n]{3,140},\s*(?:(?:is|are|was|were|has|have|had|been|being|also|now|long|still|"
                             r"reportedly|allegedly|itself|largely|partly|secretly|openly)\s+)*$")
_RELATIVE_ASIDE = re.compile(r",\s*(?:whose|which|who|where)\b[^,;.]{0,80},")


_SPEECH_BETWEEN = re.compile(
    r"\b(?:said|says|told|added|claimed|claims|argued|insisted|stated|wrote|writes|reported|reports|noted|announced|"
    r"documented|nominated|named|appointed)\b", re.I
)


def _dateline(text: str, mention) -> bool:
    line_start = text.rfind("\n", 0, mention.start_char) + 1
    return not text[line_start:mention.start_char].strip() and re.match(r"\s*(?:[—–-]|\()", text[mention.end_char:mention.end_char + 3]) is not None


def _bracketed(text: str, start: int, end: int) -> bool:
    opening, closing = text.rfind("(", 0, start), text.find(")", end)
    return opening != -1 and closing != -1 and ")" not in text[opening:start] and "(" not in text[end:closing] and closing - opening < 40


def _nearest_after(mentions, position: int):
    return next((m for m in mentions if m.start_char >= position and not _title_only(m)), None)


def _title_only(mention) -> bool:
    return all(word.lower().strip(".") in TITLES for word in mention.text.split())


# What may stand between a name and "a member of" / "a spokesman for" when the name is the
# one described: punctuation, articles, a copula, a relative pronoun, a few title words.
_NEXT_TO_WORDS = frozenset(
    """a an the one is are was were be been has have had who which that also now still long former its their his her
    senior chief top deputy acting longtime new""".split()
)


# "Jabari, the military commander of Hamas", "the Ministry, the main propaganda arm of":
# an apposition whose few lower-case words describe the role or part.
_APPOSITION_OPENING = re.compile(r"^\s*,\s*(?:an?|the|its|their|one)(?:\s+[a-z][\w’'-]*){0,3}\s*$")


def _next_to(between: str) -> bool:
    between = re.sub(r"\([^()]{0,40}\)", " ", between)  # "Adam Schiff (D-CA), the chairman of"
    words = re.findall(r"[\w’'-]+", between)
    if len(words) <= 4 and all(word.lower() in _NEXT_TO_WORDS for word in words):
        return True
    return _APPOSITION_OPENING.match(between) is not None


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
