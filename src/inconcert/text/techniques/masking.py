"""Named actors masked before any model sees the text, so predictions cannot depend on who is named.

A capitalised word is taken for a name when the word is not one that usually appears in lower
case (the list of such words is mined from the training articles and shipped with the model),
and runs of such words ("Hillary Rodham Clinton", "European Union") become one placeholder.
Swapping one actor for another therefore leaves the model's input unchanged.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PLACEHOLDER = "someone"
COMMON_WORDS_FILE = Path(__file__).parent / "model" / "common_words.txt"

# Country and bloc abbreviations that collide with common words ("US" and "us").
ALWAYS_NAMES = {"US", "U.S.", "U.S.A.", "USA", "UK", "U.K.", "EU", "UN", "U.N."}
# Words that are themselves the cue of a technique (Reductio ad hitlerum, religious appeals), not actors of a side.
NEVER_NAMES = {"god", "hitler", "nazi", "nazis", "gestapo", "holocaust", "stalin", "fascist", "fascists", "sharia", "jihad", "jihadist", "jihadists"}
_WORD = re.compile(r"U\.S\.A\.|U\.[SKN]\.|[A-Z][\w\-]*(?:\.[A-Z])*")
_ABBREVIATION = re.compile(r"[A-Z]{2,6}")
_TITLE = re.compile(r"(?:Mc|Mac|De|La|Le|Di|Van|O')?[A-Z][a-z\-]+")  # McConnell, DeSantis, O'Rourke


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words seen mostly in lower case in the training articles; absent before the model is trained."""
    if not COMMON_WORDS_FILE.exists():
        return frozenset()
    return frozenset(COMMON_WORDS_FILE.read_text(encoding="utf-8").split())


def is_name(word: str, common: frozenset[str]) -> bool:
    if word in ALWAYS_NAMES:
        return True
    lower = word.lower()
    if lower in NEVER_NAMES:
        return False
    if _ABBREVIATION.fullmatch(word):
        return lower not in common
    return bool(_TITLE.fullmatch(word)) and lower not in common


@dataclass
class MaskedText:
    """The masked text and the way back to offsets in the original."""

    text: str
    original_length: int
    # (masked_start, masked_end, original_start, original_end) of each placeholder, in order
    replacements: list[tuple[int, int, int, int]] = field(default_factory=list)

    def _position(self, masked_position: int, is_end: bool) -> int:
        starts = [r[0] for r in self.replacements]
        k = bisect.bisect_right(starts, masked_position) - 1
        if k < 0:
            return masked_position
        m_start, m_end, o_start, o_end = self.replacements[k]
        if masked_position < m_end or (is_end and masked_position == m_end):
            return o_end if is_end else o_start
        return o_end + (masked_position - m_end)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        return self._position(start, False), self._position(end, True)


def name_spans(text: str, common: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each run of name words, joined across single spaces."""
    common = common_words() if common is None else common
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        if match.start() > 0 and (text[match.start() - 1].isalnum() or text[match.start() - 1] == "_"):
            continue
        if not is_name(match.group(), common):
            continue
        start, end = match.span()
        if spans and text[spans[-1][1]:start] == " ":
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def mask_names(text: str, common: frozenset[str] | None = None) -> MaskedText:
    pieces, replacements, cursor, masked_length = [], [], 0, 0
    for start, end in name_spans(text, common):
        pieces.append(text[cursor:start])
        masked_length += start - cursor
        replacements.append((masked_length, masked_length + len(PLACEHOLDER), start, end))
        pieces.append(PLACEHOLDER)
        masked_length += len(PLACEHOLDER)
        cursor = end
    pieces.append(text[cursor:])
    return MaskedText("".join(pieces), len(text), replacements)
