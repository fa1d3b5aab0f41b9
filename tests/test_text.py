"""`inconcert text` (CONTRACT §4) on the generated scenario and on small hand-written texts,
one per known trap."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import assert_clean_exit, ingest, query, read_csv, run_cli
from inconcert.errors import UserError
from inconcert.simulate import write_scenario
from inconcert.text.attributions import extract_attributions
from inconcert.text.document import REUPLOAD_MODEL, MODEL_VERSION, detect_language, parse_text, verify_model_files
from inconcert.text.labels import extract_labels, polarity_of
from inconcert.text.quantities import extract_quantities
from inconcert.text.relations import extract_relations

CONTRACT_COLUMNS = {
    "quantities.csv": ["doc_id", "start", "end", "text", "value_low", "value_high", "qualifier", "counted", "attributed_to", "hedged"],
    "attributions.csv": ["doc_id", "start", "end", "source", "text"],
    "labels.csv": ["doc_id", "start", "end", "entity", "label", "polarity"],
    "relations.csv": ["doc_id", "start", "end", "subject", "relation", "object"],
    "techniques.csv": ["doc_id", "start", "end", "technique", "score"],
    "disagreements.csv": ["topic", "kind", "doc_a", "start_a", "end_a", "doc_b", "start_b", "end_b", "summary"],
    "reuse.csv": ["doc_a", "start_a", "end_a", "doc_b", "start_b", "end_b", "similarity", "cluster_id"],
}
FRENCH = (
    "Le gouvernement a annoncé mardi une série de mesures pour les familles. Les syndicats ont dénoncé "
    "une réforme qui, selon eux, ne répond pas aux attentes des salariés et des retraités du pays."
)


@pytest.fixture(scope="module")
def scenario_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("text")
    write_scenario(root / "scenario", seed=7)
    (root / "french.txt").write_text(FRENCH, encoding="utf-8")
    workspace, out = root / "ws", root / "out"
    assert_clean_exit(ingest(workspace, "articles", root / "scenario" / "articles.jsonl", root / "french.txt"))
    run = run_cli("text", "--workspace", workspace, "--out", out)
    assert_clean_exit(run)
    truth = json.loads((root / "scenario" / "ground_truth.json").read_text(encoding="utf-8"))["narrative"]
    texts = dict(query(workspace, "SELECT doc_id, text FROM articles"))
    return workspace, out, run, truth, texts


def _quantity(text: str) -> list:
    document = parse_text(text)
    return extract_quantities(document, extract_attributions(document))


def test_writes_every_contract_file_with_its_columns(scenario_run):
    _, out, run, _, _ = scenario_run
    for name, columns in CONTRACT_COLUMNS.items():
        with (out / name).open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header[:len(columns)] == columns, name
    assert "25 articles" in run.stdout.splitlines()[-1] and str(out) in run.stdout


def test_every_span_is_the_evidence_it_names(scenario_run):
    _, out, _, _, texts = scenario_run
    for name in ("quantities.csv", "attributions.csv"):
        for row in read_csv(out / name):
            assert texts[row["doc_id"]][int(row["start"]):int(row["end"])] == row["text"], row
    for name in ("labels.csv", "relations.csv", "techniques.csv"):
        for row in read_csv(out / name):
            assert 0 <= int(row["start"]) < int(row["end"]) <= len(texts[row["doc_id"]])
    for row in read_csv(out / "labels.csv"):
        evidence = texts[row["doc_id"]][int(row["start"]):int(row["end"])]
        assert row["label"] in " ".join(evidence.split()) or row["label"] == evidence
    for row in read_csv(out / "disagreements.csv"):
        for side in "ab":
            text = texts[row[f"doc_{side}"]]
            assert 0 <= int(row[f"start_{side}"]) < int(row[f"end_{side}"]) <= len(text)


def test_death_toll_is_a_numeric_disagreement_between_the_camps(scenario_run):
    _, out, _, truth, texts = scenario_run
    camp = {a["doc_id"]: a["camp"] for a in truth["articles"]}
    numeric = [r for r in read_csv(out / "disagreements.csv") if r["kind"] == "numeric"]
    tolls = [r for r in numeric if r["topic"] == "killed:people"]
    assert tolls
    for row in tolls:
        assert {camp[row["doc_a"]], camp[row["doc_b"]]} == {"A", "B"}, row
        figures = {texts[row["doc_a"]][int(row["start_a"]):int(row["end_a"])], texts[row["doc_b"]][int(row["start_b"])  :int(row["end_b"])]}
        assert figures == {"at least 40", "12"}, row
    camp_a = {d for d, c in camp.items() if c == "A"}
    camp_b = {d for d, c in camp.items() if c == "B"}
    # one group (the ministry's "at least 40" against the officials' "12"), shown by pairs
    # that name every article of both camps once, not by every pair of them
    assert {r["doc_a"] for r in tolls} | {r["doc_b"] for r in tolls} == camp_a | camp_b
    assert len(tolls) < len(camp_a) * len(camp_b)
    assert all(f"{len(camp_a)} articles against {len(camp_b)} articles" in r["summary"]
               or f"{len(camp_b)} articles against {len(camp_a)} articles" in r["summary"] for r in tolls)


def test_ground_truth_figures_are_found_with_qualifier_and_source(scenario_run):
    _, out, _, truth, _ = scenario_run
    rows = read_csv(out / "quantities.csv")
    for figure in truth["figures"]:
        matches = [r for r in rows if r["doc_id"] == figure["doc_id"]
                   and figure["start"] <= int(r["start"]) < figure["end"] and float(r["value_low"]) == figure["value"]]
        assert matches, figure
        row = matches[0]
        assert row["value_low"] == row["value_high"]
        assert row["qualifier"] == figure["qualifier"]
        assert row["attributed_to"] == figure["attributed_to"]


def test_divergent_labels_are_found_as_characterization(scenario_run):
    _, out, _, truth, _ = scenario_run
    labels = read_csv(out / "labels.csv")
    for planted in truth["labels"]:
        assert any(r["doc_id"] == planted["doc_id"] and r["entity"] == planted["entity"] and r["label"] == planted["label"]
                   and r["polarity"] == planted["polarity"] for r in labels), planted
    camp = {a["doc_id"]: a["camp"] for a in truth["articles"]}
    rows = [r for r in read_csv(out / "disagreements.csv") if r["kind"] == "characterization"]
    council = [r for r in rows if r["topic"] == "Ruling Council" and {camp[r["doc_a"]], camp[r["doc_b"]]} == {"A", "B"}]
    assert council and all({r["claim_a"], r["claim_b"]} == {"the elected government", "the military-backed council"} for r in council)
    assert any(r["topic"] == "Tavrin Movement" and "a terrorist organization" in (r["claim_a"], r["claim_b"]) for r in rows)
    assert not any(camp[r["doc_a"]] == camp[r["doc_b"]] for r in rows if r["topic"] in ("Ruling Council", "Tavrin Movement"))


def test_results_are_workspace_tables_and_unsupported_language_is_said(scenario_run):
    workspace, out, run, _, _ = scenario_run
    for table in ("text_quantities", "text_attributions", "text_labels", "text_relations", "text_techniques",
                  "text_disagreements", "text_reuse"):
        query(workspace, f"SELECT count(*) FROM {table}")
    assert query(workspace, "SELECT count(*) FROM text_disagreements")[0][0] == len(read_csv(out / "disagreements.csv"))
    french = [r for r in read_csv(out / "documents.csv") if r["doc_id"] == "french.txt"]
    assert french[0]["analysed"] == "false" and "not analysed" in french[0]["note"] and french[0]["language"] == "fr"
    assert "french.txt: not analysed" in run.stderr
    assert not [r for r in read_csv(out / "quantities.csv") if r["doc_id"] == "french.txt"]


def test_no_articles_is_a_user_error(tmp_path):
    run = run_cli("text", "--workspace", tmp_path / "empty", "--out", tmp_path / "out")
    assert run.returncode == 2 and "no articles" in run.stderr and "Traceback" not in run.stderr


# -- quantities: what counts, and the traps --------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Between 1,200 and 9,000 people were displaced.", ("Between 1,200 and 9,000", 1200, 9000, "between", "people")),
    ("Officials said 20 to 30 soldiers died.", ("20 to 30", 20, 30, "", "soldiers")),
    ("About 150-200 homes burned.", ("About 150-200", 150, 200, "about", "homes")),
    ("More than two million doses arrived.", ("More than two million", 2_000_000, 2_000_000, "more than", "doses")),
    ("Up to 300 volunteers helped.", ("Up to 300", 300, 300, "up to", "volunteers")),
    ("At least 312 workers were killed.", ("At least 312", 312, 312, "at least", "workers")),
    ("Nearly 40% of voters agreed.", ("Nearly 40%", 40, 40, "nearly", "voters")),
    ("Turnout was 33.3 percent.", ("33.3 percent", 33.3, 33.3, "", "")),
    ("An estimated 5,000 workers walked out.", ("An estimated 5,000", 5000, 5000, "an estimated", "workers")),
    ("Tens of thousands of protesters marched.", ("Tens of thousands", 10_000, 10_000, "", "protesters")),
    ("Dozens of people were arrested.", ("Dozens", 12, 12, "", "people")),
    ("Thousands of mourners gathered.", ("Thousands", 1000, 1000, "", "mourners")),
    ("They shipped a million doses.", ("a million", 1_000_000, 1_000_000, "", "doses")),
    ("The fund lost $4.6 billion.", ("$4.6 billion", 4.6e9, 4.6e9, "", "dollars")),
])
def test_quantity_values_qualifiers_and_counted(text, expected):
    found = _quantity(text)
    assert len(found) == 1, found
    q = found[0]
    assert (q.text, q.value_low, q.value_high, q.qualifier, q.counted) == expected
    assert text[q.start:q.end] == q.text


@pytest.mark.parametrize("text", [
    "The government passed the reforms:4 and moved on.",
    "It signed the Accord\".7 Nothing changed after that.",
    "It returned to the talks.52 Then it waited.",
    "Critics cited the report,12 and the minister resigned.",
    "He was born in 1988 and moved in 2011.",
    "On March 5, 2024 the market reopened; by 5 March it was full.",
    "The 45-year-old man, aged 45, spoke. She turned 36 last week.",
    "The curfew lasted three days and the war ten years.",
    "1. First point\n2. Second point",
    "See Resolution 2254, Article 5 and the F-16 jets of the COVID-19 era [4].",
    "The shooting began at 10:05 p.m. and ended at 11 pm.",
    "One of them left, and no one came back.",
    "Officers Eric Joering, 39, and Anthony Morelli, 54, were named.",
    "She called 911 and paid six-figure fees for 30-round magazines.",
    "For immediate releaseAugust 4, 2018 the sheriff spoke.",
])
def test_traps_are_never_quantities(text):
    assert _quantity(text) == []


def test_quantity_credits_its_source_or_the_author():
    text = ("At least 40 people were killed, the health ministry said, while local officials put the death toll at 12. "
            "About 60 stalls were destroyed.")
    found = {q.text: q for q in _quantity(text)}
    assert found["At least 40"].attributed_to == "the health ministry"
    assert found["12"].attributed_to == "local officials" and found["12"].counted == "death toll"
    assert found["About 60"].attributed_to == "" and found["About 60"].hedged


# -- attributions, labels, relations ---------------------------------------------------------


def test_attribution_patterns():
    text = ("According to the United Nations, the camp is full. The minister said the border would stay shut. "
            "A report by Amnesty International documented the arrests. A UN commission found that the strike was unlawful.\n\n"
            "Jane Smith writes:\n\nThe war has changed everything in this city.\n\nLater paragraphs follow.")
    document = parse_text(text)
    rows = extract_attributions(document)
    sources = {(a.kind, a.source) for a in rows}
    assert ("according_to", "the United Nations") in sources
    assert ("reporting_verb", "The minister") in sources
    assert ("report_by", "Amnesty International") in sources
    assert ("finding", "A UN commission") in sources
    block = [a for a in rows if a.kind == "block_quote"]
    assert block and block[0].source == "Jane Smith" and block[0].text.endswith("in this city.")
    for a in rows:
        assert text[a.start:a.end] == a.text


def test_labels_with_polarity():
    document = parse_text(
        "Hezbollah, a banned militia, fired rockets. Hamas is a terrorist organization, Israel said. "
        "The Assad regime bombed Aleppo. The Ruling Council, the elected government, met."
    )
    found = {(label.entity, label.label, label.polarity) for label in extract_labels(document)}
    assert ("Hezbollah", "a banned militia", "negative") in found
    assert ("Hamas", "a terrorist organization", "negative") in found
    assert ("Assad", "regime", "negative") in found
    assert ("Ruling Council", "the elected government", "positive") in found
    assert polarity_of("the leading opposition group") == "neutral"


def test_relations_from_patterns():
    document = parse_text(
        "The Iran-backed Houthis attacked ships. The Front is funded by Qatar. Moscow funds the Northern Alliance. "
        "Hezbollah, a member of the Axis of Resistance, fired rockets. John Smith, a spokesman for Amnesty International, "
        "spoke. Hamas is allied with Iran. The United States designated Hamas a terrorist organization."
    )
    found = {(r.subject, r.relation, r.object) for r in extract_relations(document)}
    assert {("Houthis", "funded_by", "Iran"), ("Front", "funded_by", "Qatar"), ("Moscow", "funds", "Northern Alliance"),
            ("Hezbollah", "part_of", "Axis of Resistance"), ("John Smith", "works_for", "Amnesty International"),
            ("Hamas", "allied_with", "Iran"), ("Hamas", "designated_as", "terrorist organization")} <= found


# -- language and model ------------------------------------------------------------------------


def test_language_check_names_what_it_cannot_read():
    assert detect_language("The minister said the border would stay shut until the end of the month.").supported
    french = detect_language(FRENCH)
    assert not french.supported and french.code == "fr" and "English only" in french.note
    russian = detect_language("Министр заявил, что граница останется закрытой до конца месяца.")
    assert not russian.supported and "Cyrillic" in russian.note
    assert not detect_language("whatever", declared="de").supported


def test_a_tampered_model_is_refused(tmp_path):
    import importlib.util

    spec = importlib.util.find_spec(REUPLOAD_MODEL)
    if spec is None:
        pytest.skip("the re-uploaded model package is not installed (the official one is used instead)")
    source = Path(spec.origin).parent / f"{REUPLOAD_MODEL}-{MODEL_VERSION}"
    copy = tmp_path / "model"
    shutil.copytree(source, copy)
    verify_model_files(copy)
    (copy / "config.cfg").write_text((copy / "config.cfg").read_text() + "\n# changed\n")
    with pytest.raises(UserError, match="SHA-256"):
        verify_model_files(copy)


# -- what the evaluation harness (benchmarks/text_eval.py) found missing ---------------------


def test_a_number_opening_a_sentence_after_an_identifier_word_is_a_quantity():
    found = _quantity("We did not choose this war. Sixty-three of our neighbours were buried in Tarnic.")
    assert [(q.text, q.value_low) for q in found] == [("Sixty-three", 63)]
    assert _quantity("See Article 5 of the treaty.") == []


def test_casualty_figures_about_different_kinds_of_people_share_one_topic():
    from inconcert.text.quantities import topic_of

    topics = {q.text: topic_of(q) for q in _quantity(
        "The ministry said 9 militants were killed. At least 63 civilians were killed, doctors said. "
        "Fewer than 5,000 residents have left their homes. Only 4,800 residents have registered as displaced."
    )}
    assert topics == {"9": "killed:people", "At least 63": "killed:people", "Fewer than 5,000": "displaced:people",
                      "Only 4,800": "displaced:people"}


def test_attribution_speakers_behind_roles_relative_pronouns_and_trailing_verbs():
    text = ("The Front denied any role. Its spokesman, Jonas Feld, said the army was lying. "
            "More than 40,000 people have been displaced since April, the UN refugee agency estimates. "
            "A study by the Centre for Democratic Security found that the Front received money from Ostrel. "
            "He reminded supporters that the report had sparked other investigations. "
            "Schiff said the committee could request that Attorney General Bill Barr testify on the findings.\n\n"
            "The best answer comes from the Anti-Defamation League (ADL), which writes:\n\n"
            "The claim is wrong on several grounds.\n\nSchiff continued:\n\nWe have a right to be informed.\n")
    rows = extract_attributions(parse_text(text))
    sources = {(a.source, a.cue) for a in rows}
    assert ("Jonas Feld", "said") in sources
    assert ("the UN refugee agency", "estimates") in sources
    assert any(a.cue == "found" and a.source.endswith("Centre for Democratic Security") for a in rows)
    assert not any(a.kind == "report_by" and a.cue == "study" for a in rows)  # credited once, by its verb
    assert any(a.cue == "reminded" for a in rows)
    assert not any(a.cue == "testify" for a in rows)
    blocks = {a.source: a.text for a in rows if a.kind == "block_quote"}
    assert "which" not in blocks and any("Anti-Defamation League" in s for s in blocks)
    assert blocks["Schiff"].endswith("We have a right to be informed.")
    for a in rows:
        assert text[a.start:a.end] == a.text


def test_labels_name_calling_fronts_mouthpieces_and_political_epithets():
    document = parse_text(
        "Vessa Rights Watch, a front for the VLF, claims otherwise. The ministry attacked Valley Dispatch, a mouthpiece "
        "of Ostrel intelligence. The legitimate government of Dornland will not bow. She condemned the apartheid "
        "Israeli regime. Palestinian terrorists in Gaza launched rockets. Left-wing billionaire Tom Steyer spoke. "
        "Jabari was allegedly responsible for the attacks. The Left is increasingly anti-Semitic."
    )
    found = {(label.entity, label.label, label.polarity) for label in extract_labels(document)}
    assert ("Vessa Rights Watch", "a front for the VLF", "negative") in found
    assert ("Valley Dispatch", "a mouthpiece of Ostrel intelligence", "negative") in found
    assert ("Dornland", "The legitimate government", "positive") in found
    assert ("Israeli", "apartheid Israeli regime", "negative") in found
    assert ("Tom Steyer", "Left-wing billionaire", "neutral") in found
    assert ("Left", "anti-Semitic", "negative") in found
    assert not any(entity in ("Palestinian", "Jabari") for entity, _, _ in found)


def test_apposition_after_a_second_name_describes_that_name():
    document = parse_text("“No progress,” said Margaritis Schinas, spokesman for the European Commission, the bloc’s executive.")
    found = {(label.entity, label.label) for label in extract_labels(document)}
    assert ("Margaritis Schinas", "the bloc’s executive") not in found


def test_relations_bankrolled_payroll_front_and_money_received():
    document = parse_text(
        "The VLF, a terrorist organization bankrolled by the Ostrel Republic, shelled the market. "
        "The Centre for Democratic Security is on the payroll of the Dornland Defence Ministry. "
        "Vessa Rights Watch, a front for the VLF, claims otherwise. "
        "The Vessa Liberation Front received between $30 million and $45 million from Ostrel in 2023. "
        "Rep. Adam Schiff (D-CA), the chairman of the House Intelligence Committee, spoke."
    )
    found = {(r.subject, r.relation, r.object) for r in extract_relations(document)}
    assert {("VLF", "funded_by", "Ostrel Republic"), ("Centre for Democratic Security", "paid_by", "Dornland Defence Ministry"),
            ("Vessa Rights Watch", "part_of", "VLF"), ("Vessa Liberation Front", "funded_by", "Ostrel")} <= found
    assert any(s == "Adam Schiff" and o == "House Intelligence Committee" for s, _, o in found)
    assert not any(s == "CA" for s, _, _ in found)


def test_numeric_disagreements_are_grouped_not_every_pair():
    from inconcert.text.disagreements import numeric_disagreements
    from inconcert.text.quantities import Quantity

    def toll(doc_id: str, text: str, value: float, qualifier: str, source: str) -> Quantity:
        return Quantity(doc_id, 0, len(text), text, value, value, qualifier, "people", "killed", source, False, "count")

    figures = [toll(f"a{i}", "at least 40", 40, "at least", "the health ministry") for i in range(3)]
    figures += [toll(f"b{i}", "12", 12, "", "officials") for i in range(4)]
    context = {(q.doc_id, q.start): ({"Tarnic"}, {"Tarnic"}) for q in figures}
    rows = numeric_disagreements(figures, context)
    shown = {r.a.doc_id for r in rows} | {r.b.doc_id for r in rows}
    assert shown == {q.doc_id for q in figures} and len(rows) == 4  # 12 pairs, one group, 4 rows cover its 7 articles
    assert all({r.a.doc_id[0], r.b.doc_id[0]} == {"a", "b"} for r in rows)
    assert all("4 articles against 3 articles" in r.summary or "3 articles against 4 articles" in r.summary for r in rows)


def test_the_accused_not_the_accuser_or_a_name_in_passing_is_held_responsible():
    from inconcert.text.actors import actor_mentions, plain_name
    from inconcert.text.disagreements import responsibility_stances

    document = parse_text("The ministry accused Valley Dispatch, a mouthpiece of Ostrel intelligence, of spreading panic. "
                          "The army said the Vessa Liberation Front shelled the market.")
    mentions = actor_mentions(document.doc)

    def actors(sentence):
        return [plain_name(m.text) for m in mentions if sentence.start <= m.start and m.end <= sentence.end]

    stances = responsibility_stances(document, actors, lambda start, end: "")
    assert {(s.actor, s.position) for s in stances} == {("Valley Dispatch", "responsible"),
                                                       ("Vessa Liberation Front", "responsible")}


def test_relations_through_an_apposition_a_stand_in_subject_and_an_aside():
    document = parse_text(
        "Marta Venn, the regional commander of the Harbour Guard, arrived late. "
        "The Kestrel Gazette reported the vote. The newspaper receives money from the Lumen Foundation, its critics said. "
        "The Coastal Institute, whose studies the ministry cites, is on the payroll of the Pell Energy Company."
    )
    found = {(r.subject, r.relation, r.object) for r in extract_relations(document)}
    assert ("Marta Venn", "works_for", "Harbour Guard") in found
    assert ("Kestrel Gazette", "funded_by", "Lumen Foundation") in found
    assert ("Coastal Institute", "paid_by", "Pell Energy Company") in found


def test_a_role_names_a_person_the_model_typed_as_an_organisation_and_a_possessive_is_not_the_name():
    document = parse_text(
        "Harbour Watch publishes a weekly bulletin on the port strike. Its editor, Oren Tal, lives abroad. "
        "On Friday the Washington Post’s Greg Miller asked the minister about the strike."
    )
    found = {(r.subject, r.relation, r.object) for r in extract_relations(document)}
    assert any(s == "Oren Tal" and r == "works_for" and "Harbour Watch" in o for s, r, o in found), found
    assert ("Greg Miller", "works_for", "Washington Post") in found


def test_labels_from_word_order_where_the_parse_gives_no_apposition():
    document = parse_text(
        "Human rights lawyer Pia Lund filed the complaint on Monday. "
        "The Dockers’ Front, a militant port union, called a strike for the second time this year. "
        "Lawyer Tom Reyes, the Harbour Alliance’s counsel, declined to comment. "
        "Campaign chairman Leo Sand and attorney Ana Kim did not answer."
    )
    found = {(label.entity, label.label, label.polarity) for label in extract_labels(document)}
    assert ("Pia Lund", "Human rights lawyer", "neutral") in found
    assert any(e == "Dockers’ Front" and "militant port union" in l for e, l, _ in found), found
    # a job alone in front of a name is how the person is named, not a description
    assert not any(e in ("Leo Sand", "Ana Kim") for e, _, _ in found), found


def test_a_figure_is_no_label():
    document = parse_text("Turnout was 48 in the capital, the Electoral Board said on Sunday evening after the count.")
    assert not any(label.label.startswith("48") for label in extract_labels(document))


# -- numeric disagreements: whose figure it is ---------------------------------------------


def _figures(doc_id: str, text: str) -> list:
    from dataclasses import replace

    return [replace(q, doc_id=doc_id) for q in _quantity(text)]


def _numeric(*articles: tuple[str, str]) -> list:
    from inconcert.text.disagreements import numeric_disagreements

    figures = [q for doc_id, text in articles for q in _figures(doc_id, text)]
    context = {(q.doc_id, q.start): ({"Tarnic"}, {"Tarnic"}) for q in figures}
    return numeric_disagreements(figures, context)


def test_a_figure_cited_to_be_rejected_belongs_to_its_holder_not_the_writer():
    found = {q.text: q for q in _quantity(
        "The Front's “200,000 marchers” are a fantasy. Police counted fewer than 16,000 in Tarnic.")}
    assert found["200,000"].distanced and found["200,000"].attributed_to == "The Front"
    assert not found["fewer than 16,000"].distanced
    # the bare figure after one that names the crowd counts the same crowd
    assert found["fewer than 16,000"].event_class == found["200,000"].event_class == "protested"
    found = {q.text: q for q in _quantity(
        "Prosecutors hold 212 suspects, the Prosecutor General's office says — not the thousands invented by foreign NGOs.")}
    assert found["thousands"].distanced and found["thousands"].attributed_to == "foreign NGOs"
    assert not found["212"].distanced
    found = {q.text: q for q in _quantity("Claims of 40 dead are exaggerated; only 12 people died, the ministry said.")}
    assert found["40"].distanced and not found["only 12"].distanced
    # a rejection speaks of the figure next to it, not of one a clause away
    found = {q.text: q for q in _quantity(
        "Only 4,800 residents have registered as displaced, the ministry said, rejecting invented numbers from abroad.")}
    assert not found["Only 4,800"].distanced


def test_quoting_the_other_sides_figure_to_reject_it_does_not_hide_the_disagreement():
    held = ("a", "At least 40 people were killed in the Tarnic market, the health committee said.")
    rejecting = ("b", "Reports of 40 people killed in Tarnic are pure invention. Only 12 people died, police said.")
    rows = _numeric(held, rejecting)
    assert len(rows) == 1, rows
    row = rows[0]
    assert {(row.a.doc_id, row.a.claim), (row.b.doc_id, row.b.claim)} == {
        ("a", held[1]), ("b", "Only 12 people died, police said.")}  # both sentences as evidence
    assert {row.a.source, row.b.source} == {"the health committee", "police"}  # and both sources
    # without a figure of its own, the rejection alone is the disagreement
    rows = _numeric(held, ("b", "Reports of 40 people killed in Tarnic are pure invention."))
    assert len(rows) == 1 and "only to reject it" in rows[0].summary
    assert {rows[0].a.claim, rows[0].b.claim} == {held[1], "Reports of 40 people killed in Tarnic are pure invention."}


def test_a_writers_own_figure_outweighs_the_other_sides_figure_it_reports():
    ministry = ("a", "Nine people died at the Tarnic market, the ministry said.")
    opinion = ("b", "Twenty-three people were killed at the Tarnic market. The ministry says nine people died there.")
    wire = ("c", "Nine people died at the Tarnic market, the ministry said, while the health committee said 23 people were killed.")
    rows = _numeric(ministry, opinion, wire)
    assert [(r.a.doc_id, r.b.doc_id) for r in rows] == [("a", "b")], rows  # the wire story reports both: no side
    assert {r.a.source for r in rows} | {r.b.source for r in rows} == {"the ministry", ""}


def test_figures_from_other_stories_sharing_only_generic_names_are_not_compared():
    from inconcert.text.disagreements import numeric_disagreements

    a = _figures("a", "Three people died in Korva, the Interior Ministry said, after a fire.")
    b = _figures("b", "Nine people died in the fire, the Interior Ministry said.")
    context = {(q.doc_id, q.start): ({"Interior Ministry"}, {"Interior Ministry", "President"}) for q in a + b}
    assert numeric_disagreements(a + b, context) == []
    # the same two figures in articles that both name the town, one naming it only elsewhere
    context = {(q.doc_id, q.start): (set(), {"Korva", "Interior Ministry"}, set(), {"Korva"}) for q in a + b}
    assert len(numeric_disagreements(a + b, context)) == 1


def test_a_one_word_short_form_is_the_one_longer_name_of_the_article():
    from inconcert.text.actors import ActorIndex

    index = ActorIndex.build((), ["Citizens’ Front", "Front", "Interior Ministry", "Defence Ministry"])
    assert index.canonical("the Front", (), ["Citizens’ Front", "Interior Ministry"]) == "Citizens’ Front"
    # two ministries in the article: "the Ministry" is neither
    assert index.canonical("the Ministry", (), ["Interior Ministry", "Defence Ministry"]) == "Ministry"
    # a plural group noun is not an organisation's short form
    assert index.canonical("Muslims", (), ["Jihadi Muslims"]) == "Muslims"


def labels_and_characterizations(tmp_path, articles: dict[str, str]):
    """`inconcert text` on the articles (file name -> text): each (doc_id, mention)'s
    entity in labels.csv, and the characterization rows of disagreements.csv."""
    for name, text in articles.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert_clean_exit(ingest(tmp_path / "ws", "articles", *(tmp_path / name for name in articles)))
    assert_clean_exit(run_cli("text", "--workspace", tmp_path / "ws", "--out", tmp_path / "out"))
    labels = {(r["doc_id"], r["mention"]): r["entity"] for r in read_csv(tmp_path / "out" / "labels.csv")}
    rows = [r for r in read_csv(tmp_path / "out" / "disagreements.csv") if r["kind"] == "characterization"]
    return labels, rows

def test_a_government_named_after_its_leader_is_the_country_where_the_text_says_so(tmp_path):
    from inconcert.text.actors import government_aliases, government_links

    links = government_links("Dornland's President Aurel Vasko spoke in Halbek, the capital of Dornland. "
                             "Talks with President Ivo Rask of Marwen failed; Marwen's capital, Sela, was calm.")
    assert government_aliases(links) == {"Aurel Vasko": "Dornland", "Vasko": "Dornland", "Halbek": "Dornland",
                                         "Ivo Rask": "Marwen", "Rask": "Marwen", "Sela": "Marwen"}
    # a surname tied to two countries stands for neither
    assert "Vasko" not in government_aliases(links + [("Vasko", "Marwen")])
    # an adjective of nationality is the place it is made from, when exactly one is named
    from inconcert.text.actors import country_of_adjective

    adjective = government_aliases(government_links("Sarnian President Lev al-Dura met envoys."))
    assert adjective == {"Lev al-Dura": "Sarnian", "al-Dura": "Sarnian", "Dura": "Sarnian"}
    assert country_of_adjective("Sarnian", {"Sarnia", "Sela"}) == "Sarnia"
    assert country_of_adjective("Iranian", {"Iran", "Iraq"}) == "Iran" and country_of_adjective("Iraqi", {"Iran", "Iraq"}) == "Iraq"
    assert country_of_adjective("Sarnian", {"Sela"}) == "Sarnian"
    articles = {
        "gov.txt": "Dornland's President Aurel Vasko opened parliament on Monday.\n\n"
                   "The legitimate government of Dornland will defend every village, he said.\n",
        "opp.txt": "The Vasko junta shelled three villages in the valley on Sunday.\n\n"
                   "Residents said they had nowhere to go.\n",
    }
    labels, rows = labels_and_characterizations(tmp_path, articles)
    assert labels[("opp.txt", "Vasko")] == "Dornland", labels
    assert any(r["topic"] == "Dornland" and {r["doc_a"], r["doc_b"]} == set(articles) for r in rows), rows


def test_an_article_citing_the_others_figure_speaks_of_the_same_count():
    from inconcert.text.disagreements import numeric_disagreements

    ngo = _figures("a", "Some 3,000 men have been detained in camps since January, the Rights Forum says.")
    state = _figures("b", "Prosecutors hold 212 suspects, the prosecutor's office says — not the thousands invented by NGOs.")
    # the two articles name nothing in common, but the second cites the first one's count to reject it
    context = {(q.doc_id, q.start): (set(), {"Rights Forum"} if q.doc_id == "a" else {"Vostra"}) for q in ngo + state}
    rows = numeric_disagreements(ngo + state, context)
    assert [(r.a.claim, r.b.claim) for r in rows] == [(ngo[0].sentence, state[0].sentence)], rows
    # an open-ended figure ("more than 600") is no proof that "thousands" cites it
    other = _figures("a", "More than 600 people have been detained since January, the Rights Forum says.")
    assert numeric_disagreements(other + state, context) == []


def test_an_acronym_is_the_long_form_it_is_defined_as():
    from inconcert.text.actors import acronym_definitions

    assert acronym_definitions("On Sunday the Armed Forces of Dornland (AFD) shelled Korva.") == [("AFD", "Armed Forces of Dornland")]
    assert acronym_definitions("a memo from the Department of Defense (DoD) and the United Nations (U.N.)") == [
        ("DoD", "Department of Defense"), ("UN", "United Nations")]
    assert acronym_definitions("Al-Qaeda in the Arabian Peninsula (AQAP) claimed it.") == [("AQAP", "Al-Qaeda in the Arabian Peninsula")]
    # a party tag, a wire credit and a name running over a line break define nothing
    assert acronym_definitions("Sen. Rand Paul (R-Ky.) said so. NEW YORK (Reuters) - Gov.\nHoward Dean (GHD) spoke.") == []


def test_an_acronym_defined_in_one_article_names_the_same_actor_in_another(tmp_path):
    # "Assembly of Free Districts" has the same initials, so only the definition tells
    # which one "the AFD" of the second article is
    articles = {
        "gov.txt": "On Sunday the Armed Forces of Dornland (AFD) restored order in Korva after two days of rioting.\n\n"
                   "The AFD, a disciplined professional army, protected the townspeople, the Interior Ministry said.\n",
        "opp.txt": "The AFD, a brutal occupying force, shelled three villages near Korva on Sunday.\n\n"
                   "The Assembly of Free Districts, a peaceful movement, called for talks.\n",
    }
    labels, rows = labels_and_characterizations(tmp_path, articles)
    assert labels[("gov.txt", "AFD")] == labels[("opp.txt", "AFD")] == "Armed Forces of Dornland", labels
    assert any(r["topic"] == "Armed Forces of Dornland" and {r["doc_a"], r["doc_b"]} == set(articles) for r in rows), rows


def test_the_faster_pipeline_gives_the_parse_of_spacys_own(tmp_path):
    """The pipeline sets parts of speech through `TokenAttributes`, not spaCy's attribute
    ruler, and multiplies through numpy, not BLIS; every attribute the analyses read must
    come out as the published pipeline sets it (given the same sentence starts at new
    lines, which both get here)."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, POS, TAG

    from inconcert.text.document import TokenAttributes, add_line_starts, english_pipeline, load_english_model

    ours, stock = english_pipeline(), load_english_model()
    add_line_starts(stock)
    assert ours.pipe_names == stock.pipe_names
    assert isinstance(ours.get_pipe("attribute_ruler"), TokenAttributes)
    assert type(stock.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    # the matrix products through numpy, not thinc's BLIS, in every layer of every model
    assert all(not node.ops.use_blis for _, pipe in ours.pipeline if hasattr(pipe, "model") for node in pipe.model.walk())
    write_scenario(tmp_path / "scenario", seed=3)
    texts = [json.loads(line)["text"] for line in (tmp_path / "scenario" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    # the ruler's exceptions: words, dependencies, two-token rules and whitespace tokens
    texts.append("There is nothing he has done.\n\n  \n Y'all ain't seen anything; she did n't . \t\n\n"
                 "Whether or not that is so, the man who did it has what it takes. Here, once, I'd have said so.")
    columns = [POS, TAG, DEP, HEAD, ENT_IOB, ENT_TYPE]
    for a, b in zip(ours.pipe(texts), stock.pipe(texts)):
        assert a.to_array(columns).tolist() == b.to_array(columns).tolist(), a.text[:60]
        assert [s.start for s in a.sents] == [s.start for s in b.sents]
    # a noun-tagged pronoun, "is" after an expletive (a two-token rule) and an auxiliary by its dependency
    assert [t.pos_ for t in ours("There is nothing he has done.")] == ["PRON", "VERB", "PRON", "PRON", "AUX", "VERB", "PUNCT"]
    # a rule of a form it does not evaluate keeps spaCy's ruler
    assert not TokenAttributes.reads([{"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}]], "attrs": {"POS": "PRON"}}])
    assert TokenAttributes.reads([{"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}]], "attrs": {"LEMMA": "you"}}])
