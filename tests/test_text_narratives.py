"""Competing narratives across articles: a funding tie stated in one article and denied in
another, an attack asserted and negated, blame through a passive agent, and the smaller
figure and attribution rules these rest on. Each test runs the real parse (spaCy) and,
for the cross-article rules, the whole `inconcert text` command on small articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import assert_clean_exit, ingest, read_csv, run_cli
from inconcert.text.attributions import extract_attributions
from inconcert.text.disagreements import BLAME, DENIAL, _held_responsible
from inconcert.text.document import doc_text, parse_text
from inconcert.text.quantities import extract_quantities, topic_of

ARTICLES = {
    "state.txt": (
        "Army repels attack on Lorn dam\n\n"
        "HAVEL — An army drone struck a rebel position beside the Lorn dam on Friday, the Defence Ministry said. "
        "Fewer than 2,000 residents have left the valley.\n\n"
        "The Lorn Brigades, a terrorist militia, are financed by the Republic of Ostmark, according to intelligence officials.\n"
    ),
    "rebel.txt": (
        "The Lorn Brigades are a volunteer self-defence force formed after the floods, when the capital left the valley to drown.\n\n"
        "The dam itself was not damaged, engineers at the Lorn Brigades said. Tens of thousands have fled the valley "
        "since the army moved in.\n\n"
        "Their commander, Pavel Rusk, rejected claims that the movement takes money from Ostmark.\n"
    ),
    "monitor.txt": (
        "Valley Watch, a respected monitoring group, said the Lorn Brigades control the dam road.\n"
    ),
    "wire.txt": (
        "Valley Watch, a rights group based in Havel, counted 40 checkpoints on the dam road.\n"
    ),
}


@pytest.fixture(scope="module")
def narratives(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("narratives")
    for name, text in ARTICLES.items():
        (tmp / name).write_text(text, encoding="utf-8")
    assert_clean_exit(ingest(tmp / "ws", "articles", *(tmp / name for name in ARTICLES)))
    assert_clean_exit(run_cli("text", "--workspace", tmp / "ws", "--out", tmp / "out"))
    return read_csv(tmp / "out" / "disagreements.csv")


def _rows(rows, kind, topic_start):
    return [r for r in rows if r["kind"] == kind and r["topic"].startswith(topic_start)]


def test_a_funding_tie_stated_in_one_article_and_denied_in_another_is_factual(narratives):
    rows = _rows(narratives, "factual", "funding of Lorn Brigades")
    assert len(rows) == 1, narratives
    assert {rows[0]["doc_a"], rows[0]["doc_b"]} == {"state.txt", "rebel.txt"}
    assert any("rejected claims" in rows[0][claim] for claim in ("claim_a", "claim_b"))


def test_an_attack_asserted_against_damage_negated_on_the_same_target_is_factual(narratives):
    rows = _rows(narratives, "factual", "attack on dam")
    assert len(rows) == 1, narratives
    claims = rows[0]["claim_a"] + rows[0]["claim_b"]
    assert "drone struck" in claims and "was not damaged" in claims


def test_displaced_figures_with_left_and_fled_are_compared(narratives):
    rows = _rows(narratives, "numeric", "displaced:people")
    assert len(rows) == 1, narratives
    assert {rows[0]["doc_a"], rows[0]["doc_b"]} == {"state.txt", "rebel.txt"}


def test_characterisation_needs_a_negative_side(narratives):
    rows = [r for r in narratives if r["kind"] == "characterization"]
    # the militia against the self-defence force is a conflict; "a respected monitoring
    # group" against "a rights group" is not
    assert [r["topic"] for r in rows] == ["Lorn Brigades"], rows
    assert "opposite" in rows[0]["summary"]


def test_passive_agent_is_held_responsible_and_more_denials_are_read():
    sentence = "Interior Minister Tomas Adler said the device had been planted by the Orsk Valley Defence Units."
    assert BLAME.search(sentence)
    assert _held_responsible(sentence, ["Tomas Adler", "Orsk Valley Defence Units"]) == ["Orsk Valley Defence Units"]
    for denial in ("They have never attacked civilians.", "The group said it had no part in the attack."):
        assert DENIAL.search(denial), denial
    assert not DENIAL.search("The group took part in the talks.")


def test_spoke_of_credits_a_figure_and_a_buried_count_is_a_death_toll():
    document = parse_text("We buried twenty-three of our own this week. The minister spoke of nine. "
                          "He spoke to reporters in Lisk on Monday.")
    attributions = extract_attributions(document)
    assert [(a.source, a.cue) for a in attributions] == [("The minister", "spoke")]
    figures = {q.text: q for q in extract_quantities(document, attributions)}
    assert figures["nine"].attributed_to == "The minister"
    assert topic_of(figures["twenty-three"]) == topic_of(figures["nine"]) == "killed:people"


def test_a_toll_that_stands_at_a_figure_is_no_age_and_left_counts_only_its_subject():
    document = parse_text("The death toll from Saturday’s market bombing in Lisk stands at 9, hospital officials said.")
    figures = extract_quantities(document, extract_attributions(document))
    assert [(q.text, topic_of(q)) for q in figures] == [("9", "killed:people")]
    document = parse_text("The blast left 9 people dead. Fewer than 2,500 residents have left the valley.")
    topics = {q.text: topic_of(q) for q in extract_quantities(document, [])}
    assert topics == {"9": "killed:people", "Fewer than 2,500": "displaced:people"}


def test_the_parsed_text_is_kept_on_the_document():
    document = parse_text("Nine people were killed in Lisk.")
    text = doc_text(document.doc)
    assert text == document.text and doc_text(document.doc) is text
