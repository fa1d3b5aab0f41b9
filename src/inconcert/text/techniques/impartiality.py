"""The impartiality check: the same sentence about the other side must get the same techniques.

Each sentence that names an actor from ACTOR_PAIRS is rewritten with every such actor swapped for
its counterpart (a party for the opposing party, a country for its rival, an outlet for its
competitor), and the techniques found in the two versions are compared.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# Opposite sides, rivals or competitors; each name appears once (the swap goes both ways).
ACTOR_PAIRS = [
    ("Donald Trump", "Barack Obama"), ("Trump", "Obama"), ("Hillary Clinton", "Sarah Palin"), ("Clinton", "Bush"),
    ("Hillary", "Melania"), ("Biden", "Pence"), ("Pelosi", "McConnell"), ("Sanders", "Cruz"), ("Soros", "Koch"),
    ("Putin", "Zelensky"), ("Netanyahu", "Khamenei"), ("Comey", "Mueller"), ("Kavanaugh", "Ford"), ("Schumer", "Ryan"),
    ("Democrats", "Republicans"), ("Democratic", "Republican"), ("Democrat", "GOP"), ("Labour", "Tories"),
    ("Russia", "Ukraine"), ("Russian", "Ukrainian"), ("Russians", "Ukrainians"), ("Israel", "Iran"), ("Israeli", "Iranian"),
    ("Israelis", "Palestinians"), ("China", "America"), ("Chinese", "American"), ("Americans", "Mexicans"),
    ("Syria", "Turkey"), ("Moscow", "Washington"), ("Beijing", "Tokyo"), ("Europe", "Africa"),
    ("CNN", "Fox News"), ("New York Times", "Breitbart"), ("FBI", "CIA"), ("NATO", "OPEC"), ("Vatican", "Kremlin"),
    ("Muslims", "Christians"), ("Muslim", "Christian"), ("Islam", "Christianity"), ("Catholic", "Protestant"),
]
_COUNTERPART = {a: b for a, b in ACTOR_PAIRS} | {b: a for a, b in ACTOR_PAIRS}
_ACTOR = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(_COUNTERPART, key=len, reverse=True)) + r")\b")


def swap_actors(sentence: str) -> str | None:
    """The sentence with every listed actor replaced by its counterpart, or None when it names none."""
    swapped, n = _ACTOR.subn(lambda m: _COUNTERPART[m.group(1)], sentence)
    return swapped if n else None


@dataclass
class ImpartialityResult:
    n_sentences: int
    n_identical: int
    changed: list[tuple[str, str, list[str], list[str]]]  # sentence, swapped, techniques before, after

    @property
    def rate(self) -> float:
        return self.n_identical / self.n_sentences if self.n_sentences else 1.0


def impartiality(sentences: list[str], detect=None) -> ImpartialityResult:
    """Share of sentences naming an actor whose techniques (as a multiset) survive the swap unchanged."""
    if detect is None:
        from inconcert.text.techniques.detect import detect_techniques_many as detect
    pairs = [(s, t) for s in sentences if (t := swap_actors(s)) is not None]
    found = detect([s for s, _ in pairs] + [t for _, t in pairs])
    before, after = found[:len(pairs)], found[len(pairs):]
    changed = []
    for (sentence, swapped), a, b in zip(pairs, before, after):
        techniques_a = sorted(s.technique for s in a)
        techniques_b = sorted(s.technique for s in b)
        if Counter(techniques_a) != Counter(techniques_b):
            changed.append((sentence, swapped, techniques_a, techniques_b))
    return ImpartialityResult(len(pairs), len(pairs) - len(changed), changed)
