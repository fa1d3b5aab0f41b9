"""Statements an article credits to a source: "according to X", "X said/reported/
estimated/concluded …", "X writes:" introducing a block quote (web copies often lose the
quote marks and the indentation), "a report by X", and the findings of commissions and
polls ("a UN commission found …").

Rules over the spaCy dependency parse, since no offline attribution model exists
(text_anchors.md §6). The evidence span is the sentence that carries the attribution (for
a block quote: the introducing sentence and the quoted paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from inconcert.text.document import Document
from inconcert.text.lexicon import BLOCK_QUOTE_VERBS, FIGURE_NOUNS, FINDING_BODIES, REPORT_NOUNS, REPORTING_VERBS

PRONOUNS = frozenset("he she they it we i you him her them".split())
SPEECH_VERBS = frozenset(
    "say says said saying tell tells told writes wrote remind reminds reminded inform informs informed warn warns warned".split()
)
# Verbs that attribute only with a that-clause ("CBS News has learned that …").
CLAUSE_VERBS = frozenset("learn learns learned learnt document documents documented detail details detailed".split())
# Verbs whose object is the claim itself ("denied any role", "confirmed the deaths").
OBJECT_CLAIM_VERBS = frozenset(
    """deny denies denied confirm confirms confirmed claim claims claimed estimate estimates estimated accuse accuses accused
    blame blames blamed dispute disputes disputed dismiss dismisses dismissed reject rejects rejected""".split()
)
FINDING_VERBS = frozenset("find finds found show shows showed shown".split())
# "The minister spoke of nine": these report a claim only with "of" ("spoke to reporters" does not say what).
SPOKE_OF_VERBS = frozenset("speak speaks spoke spoken speaking".split())
BLOCK_QUOTE_LINE = re.compile(
    r"(?m)^[ \t]*(?P<intro>(?P<source>[A-Z][^\n:.!?]{0,80}?)\s+(?P<verb>" + "|".join(sorted(BLOCK_QUOTE_VERBS))
    + r")(?:\s+(?:in|on|at|that|this|it)\b[^\n:]{0,80})?:)[ \t]*$"
)
CONTRAST = re.compile(r"\b(?:while|whereas|but|however)\b|;")


@dataclass(frozen=True)
class Attribution:
    doc_id: str
    start: int
    end: int
    source: str
    text: str
    cue: str
    cue_start: int
    kind: str  # according_to, reporting_verb, block_quote, report_by, finding
    pronoun: bool = False  # the source was "he"/"she" in the text


def extract_attributions(document: Document) -> list[Attribution]:
    if document.doc is None:
        return []
    doc = document.doc
    found: dict[tuple[int, int, str], Attribution] = {}
    for sentence in doc.sents:
        for attribution in _in_sentence(document, sentence):
            found.setdefault((attribution.start, attribution.cue_start, attribution.source), attribution)
    for attribution in _post_bylines(document):
        found.setdefault((attribution.start, attribution.cue_start, attribution.source), attribution)
    for attribution in _block_quotes_by_line(document):
        if not any(a.cue_start == attribution.cue_start for a in found.values()):
            found[(attribution.start, attribution.cue_start, attribution.source)] = attribution
        else:  # the parse saw the verb but not the quoted paragraph after it
            key = next(k for k, a in found.items() if a.cue_start == attribution.cue_start)
            found[key] = attribution
    return _pronouns_to_last_speaker(document, sorted(found.values(), key=lambda a: (a.start, a.cue_start)))


def _pronouns_to_last_speaker(document: Document, rows: list[Attribution]) -> list[Attribution]:
    """"He said …" most often continues the person quoted just before, not the last person
    named ("Piet Hollis, a spokesman for President Anton Kaldor, said …. He said …")."""
    people = [ent.text for ent in document.doc.ents if ent.label_ == "PERSON"]
    resolved = []
    for row in rows:
        named_here = any(ent.label_ == "PERSON" and row.start <= ent.start_char and ent.end_char <= row.cue_start
                         and not _inside_quotes(document.text, row.start, ent.start_char) for ent in document.doc.ents)
        if row.pronoun and not named_here:  # "Becerra is lying when he says …": he is Becerra
            speaker = next((r for r in reversed(resolved) if r.cue_start < row.cue_start
                            and row.cue_start - r.cue_start < PRONOUN_REACH and _is_person(r.source, people)), None)
            if speaker is not None:
                row = replace(row, source=speaker.source)
        resolved.append(row)
    return resolved


PRONOUN_REACH = 1500


def _inside_quotes(text: str, start: int, position: int) -> bool:
    """Whether `position` lies inside a quotation opened after `start` ("… President Trump
    campaigned on," he said: Trump is quoted, not the speaker)."""
    before = text[start:position]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _is_person(name: str, people: list[str]) -> bool:
    return any(person in name or name in person.split() for person in people)


def _in_sentence(document: Document, sentence) -> list[Attribution]:
    rows = []
    for token in sentence:
        lower = token.lower_
        if lower == "according" and token.i + 1 < sentence.end and token.doc[token.i + 1].lower_ == "to":
            source = _by_author(_object_phrase(token.doc[token.i + 1]))
            if source is not None:
                rows.append(_row(document, sentence, source, token, "according_to"))
        elif (lower in REPORTING_VERBS or lower in SPOKE_OF_VERBS) and token.pos_ in ("VERB", "AUX") or ((lower in REPORTING_VERBS or lower in SPOKE_OF_VERBS) and token.dep_ in ("ROOT", "ccomp", "parataxis", "conj", "advcl", "relcl")):
            if not _reports_speech(token) or _bare_infinitive(token):
                continue
            subject = _subject(token)
            if subject is None or subject.text.lower() in ("we", "i", "you"):
                continue  # the quoted speaker's own words ("we said from the start")
            kind = "finding" if subject.root.lower_ in FINDING_BODIES else "reporting_verb"
            if _subject_report(token) is not None:
                kind = "report_by"  # "a report by Amnesty International documented …"
            if token.lower_ in BLOCK_QUOTE_VERBS and _ends_with_colon(sentence):
                rows.append(_block_quote(document, sentence, subject, token))
            else:
                rows.append(_row(document, sentence, subject, token, kind))
        elif lower in ("by", "from") and token.head.lower_ in REPORT_NOUNS and _credits_a_claim(token.head) and not _reported(token.head):
            source = _object_phrase(token)
            if source is not None:
                rows.append(_row(document, sentence, source, token.head, "report_by"))
    if not rows:
        rows += _trailing_credit(document, sentence)
    if not any(r.kind == "according_to" for r in rows):
        rows += _according_to_by_shape(document, sentence)
    return rows


ACCORDING_TO = re.compile(r"\b[Aa]ccording to\s+(?P<source>(?:the\s+)?[^,.;:\n“”\"]{2,60}?)(?=\s*[,.;:]|\s*$)")


def _according_to_by_shape(document: Document, sentence) -> list[Attribution]:
    """"according to police estimates" where the parser read "estimates" as a verb."""
    start, end = _trimmed(document.text, sentence.start_char, sentence.end_char)
    rows = []
    for match in ACCORDING_TO.finditer(document.text, start, end):
        rows.append(Attribution(document.doc_id, start, end, match.group("source").strip(), document.text[start:end],
                                "according", match.start(), "according_to"))
    return rows


# "— Cory Booker (@CoryBooker) March 22, 2019": the byline of an embedded post.
POST_BYLINE = re.compile(r"(?m)[—–-]{1,2}\s*(?P<source>[A-Z][^()\n@—]{1,60}?)\s*\(@\w{1,30}\)")


def _post_bylines(document: Document) -> list[Attribution]:
    """An embedded post, credited by the byline after it; the evidence is the byline's line
    and the line before it (the post's text, when the byline has a line of its own)."""
    text, rows = document.text, []
    for match in POST_BYLINE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        if not text[line_start:match.start()].strip() or re.fullmatch(r"\s*https?://\S+\s*", text[line_start:match.start()]):
            line_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
        line_end = text.find("\n", match.end())
        start, end = _trimmed(text, line_start, line_end if line_end != -1 else len(text))
        rows.append(Attribution(document.doc_id, start, end, match.group("source").strip(), text[start:end], "—",
                                match.start(), "block_quote"))
    return rows


# ", the UN refugee agency estimates." closing a sentence: the small model often reads the
# verb as a plural noun there, so the parse finds no subject.
TRAILING_CREDIT = re.compile(
    r",[”\"’']?\s+(?P<source>(?:the\s+|a\s+)?[A-Za-z][\w’'.-]*(?:\s+[\w’'.-]+){0,7}?)\s+"
    r"(?P<verb>says|said|estimates|estimated|reports|reported|claims|claimed|added|adds|concluded|concludes|told reporters|"
    r"show|shows|showed|found|explained|explains|warned|warns|insisted|insists|noted|notes|argued|argues|stated|states|"
    r"wrote|writes|declared|stressed|admitted|acknowledged|confirmed|replied|responded|recalled|alleged|alleges|"
    r"charged|maintained|maintains|predicted|announced|continued|continues|contended|contends)"
    r"(?:\s+(?:in|on|at|to|during|after|before|from)\s+[^,;]{1,60})?[\s.”\"’']*(?:[0-9]{1,3})?$"  # a glued footnote: "added.3"
)


NOT_A_SOURCE = frozenset(
    "had has have was were is are be been will would can could may might should must who which that and but according".split()
)


def _trailing_credit(document: Document, sentence) -> list[Attribution]:
    """Each line of the sentence is tried: the parser runs a paragraph ending in a glued
    footnote ("…, the minister added.3") into the next one."""
    rows, text = [], document.text
    for line in re.finditer(r"[^\n]+", text[sentence.start_char:sentence.end_char]):
        rows += _trailing_credit_in(document, sentence.start_char + line.start(), sentence.start_char + line.end())
    return rows


def _trailing_credit_in(document: Document, start: int, end: int) -> list[Attribution]:
    start, end = _trimmed(document.text, start, end)
    match = TRAILING_CREDIT.search(document.text[start:end])
    if match is None or match.group("source").split()[0].lower() in PRONOUNS - {"he", "she"}:
        return []
    words = match.group("source").split()  # as written: "May" is a name, "may" a verb
    if set(words) & NOT_A_SOURCE:
        return []  # ", had reported on …", ", he will be confirmed": a clause, not a credit
    adjunct = match.group(0)[match.end("verb") - match.start():].split()
    if match.group("verb").lower() in ("reported", "reports", "wrote", "writes") and adjunct[:1] in (["on"], ["about"]):
        return []
    source = match.group("source")
    pronoun = source.lower() in ("he", "she")
    if pronoun:
        source = _last_person_before(document, start + match.start("source")) or source
    return [Attribution(document.doc_id, start, end, source, document.text[start:end], match.group("verb"),
                        start + match.start("verb"), "reporting_verb", pronoun)]


def _bare_infinitive(verb) -> bool:
    """"asked Barr (to) testify" reports nothing yet, and "Article posted with permission"
    is a caption: a bare infinitive or participle with no auxiliary."""
    if any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    return (verb.tag_ == "VB" and verb.dep_ != "ROOT") or (verb.tag_ == "VBN" and not any(c.dep_ == "agent" for c in verb.children))


def _subject_report(verb):
    return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in REPORT_NOUNS
                 and any(p.dep_ == "prep" and p.lower_ == "by" for p in c.children)), None)


def _reported(noun) -> bool:
    """"A study by X found …" and "according to a report by X" are credited once, to X, by
    their verb or by "according to"."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "to" and noun.head.i > 0 and noun.doc[noun.head.i - 1].lower_ == "according":
        return True
    return noun.dep_ in ("nsubj", "nsubjpass") and noun.head.lower_ in REPORTING_VERBS


def _by_author(phrase):
    """"a report by Fox News" credits Fox News."""
    if phrase is None or phrase.root.lower_ not in REPORT_NOUNS:
        return phrase
    author = next((c for c in phrase.root.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
    body = next((c for c in author.children if c.dep_ == "pobj"), None) if author is not None else None
    return _phrase(body) if body is not None else phrase


def _credits_a_claim(noun) -> bool:
    """"A report by X found …", "in a poll by X, 54% …", "according to a study by X" credit
    a claim; "an investigation by the FBI" as the object of a sentence names an activity."""
    return noun.dep_ == "pobj" and noun.head.lower_ in ("in", "to", "from")


def _row(document: Document, sentence, source, cue, kind: str) -> Attribution:
    start, end = _trimmed(document.text, sentence.start_char, sentence.end_char)
    return Attribution(
        document.doc_id, start, end, _source_name(document, source), document.text[start:end], cue.text, cue.idx, kind,
        _is_pronoun(source),
    )


def _is_pronoun(span) -> bool:
    return span.text.lower() in ("he", "she") and span.root.pos_ == "PRON"


def _block_quote(document: Document, sentence, subject, cue) -> Attribution:
    """"X writes:" then the quoted passage, which runs to the end of the next paragraph."""
    text = document.text
    colon = text.rfind(":", sentence.start_char, sentence.end_char)
    rest_of_line = text[colon + 1: (text.find("\n", colon) if text.find("\n", colon) != -1 else len(text))]
    if rest_of_line.strip():
        end = text.find("\n", colon)
    else:
        body = re.search(r"\S", text[colon + 1:])
        body_start = colon + 1 + body.start() if body else len(text)
        blank = re.search(r"\n\s*\n", text[body_start:])
        end = body_start + blank.start() if blank else len(text)
    if end == -1:
        end = len(text)
    start, end = _trimmed(text, sentence.start_char, end)
    return Attribution(document.doc_id, start, end, _source_name(document, subject), text[start:end], cue.text, cue.idx, "block_quote",
                       _is_pronoun(subject))


def _block_quotes_by_line(document: Document) -> list[Attribution]:
    """"X writes:" at the end of a line: the small model often reads "writes" as a noun
    there, so these introductions are also found by their shape."""
    text = document.text
    rows = []
    for match in BLOCK_QUOTE_LINE.finditer(text):
        colon = match.end() - 1
        body = re.search(r"\S", text[colon + 1:])
        if body is None:
            continue
        body_start = colon + 1 + body.start()
        blank = re.search(r"\n\s*\n", text[body_start:])
        end = body_start + blank.start() if blank else len(text)
        start, end = _trimmed(text, match.start("intro"), end)
        source = re.sub(r"^(?:As|But|And|Here|Here is how|As one)\s+", "", match.group("source")).strip()
        rows.append(Attribution(document.doc_id, start, end, source, text[start:end], match.group("verb"),
                                match.start("verb"), "block_quote"))
    return rows


def _ends_with_colon(sentence) -> bool:
    return sentence.text.rstrip().endswith(":")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _subject(verb):
    """The speaker: the verb's subject nearest to it (the parser sometimes hangs a second
    clause's subject on the same verb), or the agent of a passive ("was reported by X")."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "DET"]
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if not subjects and agent is not None:
        return _object_phrase(agent)  # "as reported by CNN"
    if not subjects and verb.dep_ == "conj" and verb.head is not verb:
        return _subject(verb.head)  # "The Front denied any role and accused the army …"
    if not subjects and verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp") and verb.head is not verb:
        return _subject(verb.head)  # "Omar defended herself …, saying: …"
    if not subjects and verb.tag_ == "VBG" and verb.dep_ == "acl" and verb.head.lower_ in REPORT_NOUNS | {"statement", "letter", "tweet"}:
        return _subject(verb.head.head) if verb.head.head is not verb.head else None  # "issued a statement saying"
    if not subjects:
        return None
    nearest = min(subjects, key=lambda c: abs(verb.i - c.i))
    if nearest.dep_ == "nsubjpass":
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        return _object_phrase(agent) if agent is not None else None
    if nearest.lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
        return _phrase(verb.head)  # "the Anti-Defamation League, which writes:"
    named = next((c for c in nearest.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if nearest.pos_ == "NOUN" and named is not None:
        return _phrase(named)  # "Its spokesman, Jonas Feld, said": the name, not the role
    author = next((c for c in nearest.children if c.dep_ == "prep" and c.lower_ == "by"), None)
    if nearest.lower_ in REPORT_NOUNS and author is not None:
        body = next((c for c in author.children if c.dep_ == "pobj"), None)
        if body is not None:  # "a study by the Centre for Democratic Security found": the Centre
            phrase = _phrase(nearest)
            if phrase is not None and body.left_edge.i < phrase.end:
                return nearest.doc[body.left_edge.i:phrase.end]
    return _phrase(nearest)


def _reports_speech(verb) -> bool:
    """"said order would be restored" reports speech; "declared three days of mourning"
    or "they must find the people" does not."""
    lower = verb.lower_
    if any(c.dep_ == "neg" for c in verb.children) and lower not in OBJECT_CLAIM_VERBS:
        return False  # "did not respond to questions"
    if lower in ("put", "puts"):
        # "put the death toll at 12"; "as Miller put it"
        return any(c.dep_ == "dobj" and (c.lower_ in FIGURE_NOUNS or c.lower_ == "it") for c in verb.children)
    if lower in SPOKE_OF_VERBS:
        return any(c.dep_ == "prep" and c.lower_ == "of" for c in verb.children)
    if lower in ("conclude", "concludes", "concluded"):  # "Mueller concluded the investigation" finished it
        return any(c.dep_ == "ccomp" for c in verb.children)
    if lower in CLAUSE_VERBS:  # "CBS News has learned that …", "a report by Amnesty documented the arrests"
        return any(c.dep_ == "ccomp" for c in verb.children) or any(
            c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in REPORT_NOUNS for c in verb.children
        ) or any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    if lower in FINDING_VERBS:
        return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in FINDING_BODIES for c in verb.children)
    if any(c.dep_ in ("oprd", "acomp") for c in verb.children):
        return False  # "reported her son missing"
    if lower in SPEECH_VERBS or lower in OBJECT_CLAIM_VERBS:
        return True
    if any(c.dep_ == "prep" and c.lower_ in ("on", "about") for c in verb.children) and not any(
        c.dep_ in ("ccomp", "dobj") for c in verb.children
    ):
        return False  # "had reported on smuggling routes": journalism about a topic, not a claim
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return not any(o.lower_ not in FIGURE_NOUNS | REPORT_NOUNS for o in objects)


def _object_phrase(preposition):
    obj = next((c for c in preposition.children if c.dep_ == "pobj"), None)
    return _phrase(obj) if obj is not None else None


def _phrase(head):
    """The noun phrase of `head` without its appositive, relative clause or trailing
    punctuation: "Ansel Vire, a fruit seller," is credited as "Ansel Vire"."""
    doc = head.doc
    cut = [c for c in head.children if c.dep_ in ("appos", "relcl", "acl", "punct", "cc", "conj", "advcl") and c.i > head.i]
    end = min([c.left_edge.i for c in cut] + [head.right_edge.i + 1])
    start = head.left_edge.i
    while start < end and doc[start].is_punct:
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def _source_name(document: Document, span) -> str:
    name = " ".join(span.text.split())
    if name.lower() in ("he", "she") and span.root.pos_ == "PRON":
        person = _last_person_before(document, span.start_char)
        return person or name
    if name.lower() == "it" and span.root.pos_ == "PRON":  # "BTV aired documents that it said show …"
        sentence = span.root.sent
        named = [e for e in document.doc.ents if e.label_ == "ORG" and sentence.start_char <= e.start_char and e.end_char <= span.start_char]
        return named[-1].text if named else name
    return name


def _last_person_before(document: Document, position: int) -> str | None:
    people = [ent for ent in document.doc.ents if ent.label_ == "PERSON" and ent.end_char <= position
              and position - ent.end_char < PRONOUN_REACH]
    return people[-1].text if people else None


def credited_source(attributions: list[Attribution], start: int, end: int, text: str) -> str:
    """Whom the article credits for the words at start..end: the nearest attribution in
    the same sentence not across a "while"/"but" that opens another clause; empty when the
    author asserts them."""
    best, best_distance = "", None
    for attribution in attributions:
        if not (attribution.start <= start and end <= attribution.end):
            continue
        if attribution.kind == "block_quote" and attribution.cue_start > start:
            continue
        lo, hi = sorted((end, attribution.cue_start))
        if attribution.cue_start < start:
            lo, hi = attribution.cue_start, start
        if CONTRAST.search(text[lo:hi]):
            continue
        distance = hi - lo
        if best_distance is None or distance < best_distance:
            best, best_distance = attribution.source, distance
    return best
