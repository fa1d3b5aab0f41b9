"""Persuasion techniques (the 14 of the PTC corpus, SemEval-2020 task 11): spans, labels, cues and rates.

    from inconcert.text.techniques import detect_techniques_many
    spans = detect_techniques_many(["They are a gang of radical thugs!"])[0]
    # TechniqueSpan(start, end, technique, score, cue): text[start:end] is the evidence

Named actors are masked before the model reads a text, so the same sentence about another actor
gets the same techniques. See docs/techniques.md for the method and what the scores mean.
"""

from inconcert.text.techniques.detect import (
    TechniqueSpan,
    assign_labels,
    classify_spans,
    detect_techniques,
    detect_techniques_many,
)
from inconcert.text.techniques.stats import document_rates, outlet_rates, rates_per_thousand_words

TECHNIQUES = (
    "Appeal_to_Authority", "Appeal_to_fear-prejudice", "Bandwagon,Reductio_ad_hitlerum", "Black-and-White_Fallacy",
    "Causal_Oversimplification", "Doubt", "Exaggeration,Minimisation", "Flag-Waving", "Loaded_Language",
    "Name_Calling,Labeling", "Repetition", "Slogans", "Thought-terminating_Cliches", "Whataboutism,Straw_Men,Red_Herring",
)

__all__ = [
    "TECHNIQUES", "TechniqueSpan", "assign_labels", "classify_spans", "detect_techniques", "detect_techniques_many",
    "document_rates", "outlet_rates", "rates_per_thousand_words",
]
