"""Labels, relations and figures on phrasings that the seventh round's held-out articles
were written to test (block quotes, glued footnotes, stand-ins for a named actor),
checked on small texts written for these tests."""

from __future__ import annotations

from inconcert.text.document import parse_text, without_footnotes
from inconcert.text.labels import extract_labels
from inconcert.text.quantities import extract_quantities, topic_of
from inconcert.text.relations import extract_relations


def _labels(text: str) -> set[tuple[str, str, str]]:
    return {(label.entity, label.label, label.polarity) for label in extract_labels(parse_text(text))}


def _relations(text: str) -> set[tuple[str, str, str]]:
    return {(r.subject, r.relation, r.object) for r in extract_relations(parse_text(text))}


def test_glued_footnotes_are_blanked_for_the_parser_only_and_offsets_stay():
    text = "the talks.52 Then reforms:4 and the Accord”.7 Next, since 2022.1\n\nIt rose 3.1 percent, F-16 jets, $1.5 million."
    parsed = without_footnotes(text)
    assert len(parsed) == len(text)
    assert "talks.   Then" in parsed and "reforms:  and" in parsed and "Accord”.  Next" in parsed
    assert "since 2022. \n" in parsed and "3.1 percent" in parsed and "F-16" in parsed and "$1.5 million" in parsed


def test_a_paragraph_ending_in_a_glued_footnote_does_not_swallow_the_next_one():
    text = ("Merovia has sent the rebels more than $80 million since 2019.4\n\n"
            "The elected government of President Ilse Harrow has offered talks to any fighter.")
    document = parse_text(text)
    starts = [s.start_char for s in document.doc.sents]
    assert text.index("The elected") in starts
    assert ("Ilse Harrow", "The elected government", "positive") in _labels(text)


def test_a_line_opening_in_lower_case_continues_its_sentence():
    text = "The Drava Front, which the ministry\nbanned last year, is a criminal gang."
    document = parse_text(text)
    assert len(list(document.doc.sents)) == 1
    assert ("Drava Front", "a criminal gang", "negative") in _labels(text)


def test_a_denied_copular_label_is_no_label_and_nothing_but_is_one():
    text = "The Drava Front is not a band of foreign mercenaries, whatever Osk says."
    assert not any(entity == "Drava Front" for entity, _, _ in _labels(text))
    assert ("Drava Front", "a criminal gang", "negative") in _labels("The Drava Front is nothing but a criminal gang.")


def test_it_and_a_substituted_name_calling_noun_stand_for_the_actor_named_before():
    text = ("The Drava Front is not a militia of outsiders; it is the valley’s own resistance. "
            "The Drava Front hid rifles in a barn, and when police came the gang set it on fire.")
    found = _labels(text)
    assert ("Drava Front", "the valley’s own resistance", "positive") in found
    assert ("Drava Front", "the gang", "negative") in found
    regime = _labels("Everyone knows the Harrow regime. The regime, kept alive by loans, jails its critics.")
    assert ("Harrow", "The regime", "negative") in regime
    # "it is clear that …" is no label; nor is "the gang" with no organisation to stand for
    assert _labels("It is a shame that nobody came. Later the gang left.") == set()


def test_a_description_after_an_article_in_front_of_a_name_is_a_label_but_a_clause_is_not():
    found = _labels("The photographer Ada Lenk was killed by a sniper while she filmed the market.")
    assert ("Ada Lenk", "photographer", "neutral") in found
    assert _labels("There is a good likelihood Tomas Berg will be charged, he said.") == set()
    assert _labels("He read the evidence Tomas Berg found.") == set()


def test_a_possessive_name_with_a_judging_modifier_is_a_label():
    assert ("Merovia", "elected government", "positive") in _labels("Merovia’s elected government has every right to act.")


def test_one_word_names_opening_a_sentence_are_actors():
    assert ("Fieldwatch", "funded_by", "Arlen Trust") in _relations("Fieldwatch is funded by the Arlen Trust.")
    assert any(e == "Fieldwatch" for e, _, _ in _labels("Fieldwatch, a propaganda outfit, said so."))


def test_relations_read_past_asides_role_appositions_stand_ins_and_lists():
    assert ("Ivo Renn", "works_for", "Drava Front") in _relations("A spokesman for the Drava Front, Ivo Renn, denied it.")
    assert ("Radio Lira", "funded_by", "Kessel Information Agency") in _relations(
        "Radio Lira, which broadcasts from the Kesselian capital Orbe, is financed by the Kessel Information Agency.")
    assert ("Drava Front", "allied_with", "Teachers’ League") in _relations(
        "The Drava Front is allied with the Miners’ Union and the Teachers’ League.")
    found = _relations("The Drava Front denied it. Its spokesman Ivo Renn spoke. "
                       "Renn also rejected Merovia’s claim that the movement is bankrolled by Kessel.")
    assert ("Drava Front", "funded_by", "Kessel") in found and not any(s == "Merovia" for s, _, _ in found)
    assert ("Open Fields", "works_for", "Ilse Harrow") not in _relations(
        "Rights group Open Fields called it punishment. Its director, Lena Orr, said so.")
    assert ("Lena Orr", "works_for", "Open Fields") in _relations(
        "Rights group Open Fields called it punishment. Its director, Lena Orr, said so.")


def test_a_part_of_a_toll_is_not_compared_and_money_sent_or_received_is():
    document = parse_text("At least 30 people were killed, 11 of them children. Nine of the wounded are critical. "
                          "Kessel has sent the group more than $50 million. The repairs will cost $2 million.")
    topics = {q.text: topic_of(q) for q in extract_quantities(document, [])}
    assert topics["At least 30"] == "killed:people"
    assert topics["11"] == "" and topics["Nine"] == ""
    assert topics["more than $50 million"] == "funding:dollars"
    assert topics["$2 million"] == ""
