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
from dataclasses import dataclass

from inconcert.text.document import Document
from inconcert.text.lexicon import BLOCK_QUOTE_VERBS, FIGURE_NOUNS, FINDING_BODIES, REPORT_NOUNS, REPORTING_VERBS

PRONOUNS = frozenset("he she they it we i you him her them".split())
SPEECH_VERBS = frozenset("say says said saying tell tells told writes wrote".split())
# Verbs whose object is the claim itself ("denied any role", "confirmed the deaths").
OBJECT_CLAIM_VERBS = frozenset("deny denies denied confirm confirms confirmed claim claims claimed estimate estimates estimated".split())
FINDING_VERBS = frozenset("find finds found show shows showed shown".split())
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


def extract_attributions(document: Document) -> list[Attribution]:
    if document.doc is None:
        return []
    doc = document.doc
    found: dict[tuple[int, int, str], Attribution] = {}
    for sentence in doc.sents:
        for attribution in _in_sentence(document, sentence):
            found.setdefault((attribution.start, attribution.cue_start, attribution.source), attribution)
    for attribution in _block_quotes_by_line(document):
        if not any(a.cue_start == attribution.cue_start for a in found.values()):
            found[(attribution.start, attribution.cue_start, attribution.source)] = attribution
        else:  # the parse saw the verb but not the quoted paragraph after it
            key = next(k for k, a in found.items() if a.cue_start == attribution.cue_start)
            found[key] = attribution
    return sorted(found.values(), key=lambda a: (a.start, a.cue_start))


def _in_sentence(document: Document, sentence) -> list[Attribution]:
    rows = []
    for token in sentence:
        lower = token.lower_
        if lower == "according" and token.i + 1 < sentence.end and token.doc[token.i + 1].lower_ == "to":
            source = _object_phrase(token.doc[token.i + 1])
            if source is not None:
                rows.append(_row(document, sentence, source, token, "according_to"))
        elif lower in REPORTING_VERBS and token.pos_ in ("VERB", "AUX") or (lower in REPORTING_VERBS and token.dep_ in ("ROOT", "ccomp", "parataxis", "conj", "advcl", "relcl")):
            if not _reports_speech(token):
                continue
            subject = _subject(token)
            if subject is None:
                continue
            kind = "finding" if subject.root.lower_ in FINDING_BODIES else "reporting_verb"
            if token.lower_ in BLOCK_QUOTE_VERBS and _ends_with_colon(sentence):
                rows.append(_block_quote(document, sentence, subject, token))
            else:
                rows.append(_row(document, sentence, subject, token, kind))
        elif lower in ("by", "from") and token.head.lower_ in REPORT_NOUNS:
            source = _object_phrase(token)
            if source is not None:
                rows.append(_row(document, sentence, source, token.head, "report_by"))
    return rows


def _row(document: Document, sentence, source, cue, kind: str) -> Attribution:
    start, end = _trimmed(document.text, sentence.start_char, sentence.end_char)
    return Attribution(
        document.doc_id, start, end, _source_name(document, source), document.text[start:end], cue.text, cue.idx, kind,
    )


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
    return Attribution(document.doc_id, start, end, _source_name(document, subject), text[start:end], cue.text, cue.idx, "block_quote")


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
    if not subjects:
        return None
    nearest = min(subjects, key=lambda c: abs(verb.i - c.i))
    if nearest.dep_ == "nsubjpass":
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        return _object_phrase(agent) if agent is not None else None
    return _phrase(nearest)


def _reports_speech(verb) -> bool:
    """"said order would be restored" reports speech; "declared three days of mourning"
    or "they must find the people" does not."""
    lower = verb.lower_
    if lower in ("put", "puts"):
        return any(c.dep_ == "dobj" and c.lower_ in FIGURE_NOUNS for c in verb.children)
    if lower in FINDING_VERBS:
        return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in FINDING_BODIES for c in verb.children)
    if lower in SPEECH_VERBS or lower in OBJECT_CLAIM_VERBS:
        return True
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
    return name


def _last_person_before(document: Document, position: int) -> str | None:
    people = [ent for ent in document.doc.ents if ent.label_ == "PERSON" and ent.end_char <= position and position - ent.end_char < 600]
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
