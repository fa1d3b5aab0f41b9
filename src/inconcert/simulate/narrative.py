"""The planted narrative: six invented outlets covering one invented story for four days.

On Tuesday 5 March 2024 a blast hits the Old Grain Market in Dalmora. Three outlets (camp
A) report that "at least 40 people were killed, according to the health ministry" and
call the Tavrin Movement "a terrorist organization"; two (camp B) report that "officials
put the death toll at 12" and call it "the leading opposition group"; a wire service
gives both figures. Three outlets recycle: they publish, hours later, paragraphs copied
from an earlier article of their own camp with small edits (a word swapped, a word
inserted, punctuation changed). The figures and labels inside a copied paragraph are
never edited, so a recycled paragraph carries its source's figure along, which is how a
single claim comes to look corroborated.

Original paragraphs are drawn from phrase pools and no sentence is used twice, so the
only long passages two articles share are the planted copies; the short stock phrases
of each camp (its figure and its labels) recur by design, as talking points do.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from inconcert.simulate.lexicon import CITY, COUNCIL, GROUP, MARKET, PROVINCE

DAYS = (dt.date(2024, 3, 5), dt.date(2024, 3, 6), dt.date(2024, 3, 7), dt.date(2024, 3, 8))


@dataclass(frozen=True)
class Figure:
    """A casualty claim as an outlet words it."""

    phrase: str
    value: int
    qualifier: str
    attributed_to: str


@dataclass(frozen=True)
class Stance:
    """How a camp tells the story: its death-toll clause and its labels for each actor."""

    toll: str
    figures: tuple[Figure, ...]
    labels: dict[str, tuple[str, str]]  # actor -> (label, polarity)
    blame_follow_ups: tuple[str, ...]
    council_follow_ups: tuple[str, ...]


_FORTY = Figure("at least 40 people were killed, according to the health ministry", 40, "at least", "the health ministry")
_TWELVE = Figure("officials put the death toll at 12", 12, "", "officials")
_FORTY_SAID = Figure("at least 40 people were killed, the health ministry said", 40, "at least", "the health ministry")
_TWELVE_LOCAL = Figure("local officials put the death toll at 12", 12, "", "local officials")

STANCES = {
    "A": Stance(
        toll=_FORTY.phrase,
        figures=(_FORTY,),
        labels={GROUP: ("a terrorist organization", "negative"), COUNCIL: ("the elected government", "positive")},
        blame_follow_ups=(
            f"The group has carried out attacks in {PROVINCE} before, officials said.",
            "Its leaders have long called for armed struggle, according to the interior ministry.",
            "Security sources said the group had planned the attack for weeks.",
        ),
        council_follow_ups=(
            "Its spokeswoman, Lina Corvel, said order would be restored within days.",
            "Ministers said the measures were needed to protect ordinary citizens.",
            "The decision was welcomed by business leaders in the capital.",
        ),
    ),
    "B": Stance(
        toll=_TWELVE.phrase,
        figures=(_TWELVE,),
        labels={GROUP: ("the leading opposition group", "neutral"), COUNCIL: ("the military-backed council", "negative")},
        blame_follow_ups=(
            "The group denied any role and called for an independent inquiry.",
            "Its spokesman, Dario Mensk, said the accusation was politically motivated.",
            "No evidence linking the group to the blast has been made public.",
        ),
        council_follow_ups=(
            "Critics said the curfew would punish the victims rather than the attackers.",
            "Rights groups warned against mass arrests of opposition supporters.",
            "Opposition lawmakers said the measures had been prepared long before the attack.",
        ),
    ),
    "W": Stance(
        toll=f"{_FORTY_SAID.phrase}, while {_TWELVE_LOCAL.phrase}",
        figures=(_FORTY_SAID, _TWELVE_LOCAL),
        labels={GROUP: ("an opposition group", "neutral"), COUNCIL: ("the governing council", "neutral")},
        blame_follow_ups=(
            "The group denied involvement.",
            "Neither side has offered public evidence for its account.",
            "The claims could not be independently verified.",
        ),
        council_follow_ups=(
            "The measures take effect immediately.",
            "It gave no date for lifting them.",
            "A government statement gave no further details.",
        ),
    ),
}


@dataclass(frozen=True)
class Outlet:
    name: str
    key: str
    domain: str
    section: str
    camp: str
    utc_offset: int
    recycles_from: tuple[str, ...] = ()


OUTLETS = (
    Outlet("The Meridian Herald", "meridianherald", "www.meridianherald.example", "world", "A", 2),
    Outlet("Coastline Daily", "coastlinedaily", "www.coastlinedaily.example", "international", "B", -5),
    Outlet("Civic Wire", "civicwire", "civicwire.example", "wire", "W", 0),
    Outlet("Valen Times", "valentimes", "valentimes.example", "news", "A", 1, ("The Meridian Herald",)),
    Outlet("Northgate Observer", "northgateobserver", "northgateobserver.example", "region", "B", 3, ("Coastline Daily",)),
    Outlet("Harbor Dispatch", "harbordispatch", "harbordispatch.example", "politics", "A", 0, ("Valen Times", "The Meridian Herald")),
)

# -- phrase pools ----------------------------------------------------------------------------

LEDES = (
    (
        f"An explosion tore through {MARKET} in {CITY} {{when}}",
        f"A powerful blast hit the crowded stalls of {MARKET} in {CITY} {{when}}",
        f"A bomb went off near the eastern gate of {MARKET} in {CITY} {{when}}",
        f"Shoppers fled as an explosion shook {MARKET} in {CITY} {{when}}",
        f"A car bomb detonated beside the grain halls of {CITY} {{when}}",
        f"Terror struck the heart of {CITY}'s trading district {{when}}",
        f"Smoke rose over the old quarter of {CITY} after a blast {{when}}",
    ),
    (
        f"Thousands of mourners gathered in {CITY} on Wednesday to bury the victims of the attack on {MARKET}",
        f"{CITY} held its first funerals on Wednesday after the bombing of {MARKET}",
        f"Families in {CITY} buried their dead on Wednesday, a day after the blast at {MARKET}",
        f"Shops stayed shut across {CITY} on Wednesday as the city mourned the attack on {MARKET}",
        f"Black flags hung from balconies in {CITY} on Wednesday after the market bombing",
        f"Grieving relatives queued outside the city morgue in {CITY} on Wednesday",
        f"Church bells and calls to prayer rang out together in {CITY} on Wednesday for the dead of the market",
    ),
    (
        f"Investigators in {CITY} said on Thursday they had identified the van used in the attack on {MARKET}",
        f"Police in {PROVINCE} announced arrests on Thursday over the bombing of {MARKET}",
        f"Forensic teams returned to {MARKET} on Thursday as the inquiry into Tuesday's blast widened",
        f"Prosecutors in {CITY} opened a formal case on Thursday into the attack on {MARKET}",
        f"Detectives searched homes in three districts of {CITY} on Thursday after the market bombing",
        f"The hunt for the market bombers moved to the hills outside {CITY} on Thursday",
        "Security camera footage from the grain halls was handed to prosecutors on Thursday",
    ),
    (
        f"Protesters marched through {CITY} on Friday, three days after the attack on {MARKET}",
        f"Foreign governments called for calm in {PROVINCE} on Friday after the bombing of {MARKET}",
        f"Rival rallies filled the streets of {CITY} on Friday as anger over the attack on {MARKET} grew",
        f"Diplomats urged restraint on Friday as tension rose in {PROVINCE} after Tuesday's blast",
        f"Crowds waving flags gathered outside the parliament in {CITY} on Friday",
        f"Envoys from neighbouring states arrived in {CITY} on Friday to discuss the crisis",
        f"Students staged a sit-in at {CITY} university on Friday over the response to the bombing",
    ),
)
WHEN = ("on Tuesday morning", "shortly before noon on Tuesday", "at the height of Tuesday's trading",
        "on Tuesday as traders were opening their stalls")
TOLL_JOINS = ("{clause}, and {toll}.", "{clause}; {toll}.", "{clause} \u2014 {toll}.")

SCENE = (
    ("{who} described {sight} {where}.",
     {"who": ("Witnesses", "Traders", "Residents", "Stallholders", "Neighbours", "Bus drivers"),
      "sight": ("a column of black smoke", "shattered glass and overturned carts", "panicked crowds running for the exits",
                "burning awnings", "sirens that went on for hours", "a deafening bang followed by silence"),
      "where": ("near the spice stalls", "along the main arcade", "by the eastern gate", "around the fish hall",
                "outside the old customs house", "in the covered lanes")}),
    ("{vehicles} carried the wounded to {hospital} {timing}.",
     {"vehicles": ("Ambulances", "Volunteers", "Rescue crews", "Passing drivers", "Taxi drivers"),
      "hospital": ("the Central Hospital", "St. Alder Hospital", "a field clinic set up in a school",
                   "hospitals across the city", "the university clinic"),
      "timing": ("for most of the afternoon", "within minutes", "late into the night", "as the smoke cleared",
                 "while police sealed the area")}),
    ("{authority} {closed} {what} {until}.",
     {"authority": ("Police", "The city administration", "Civil defence teams", "Soldiers"),
      "closed": ("sealed off", "closed", "cordoned off", "evacuated"),
      "what": ("the surrounding streets", "the market district", "two nearby schools", "the tram stop by the market",
               "the old bridge"),
      "until": ("until further notice", "for the rest of the day", "overnight", "while experts searched the site")}),
)
VOICES_QUOTES = (
    "We heard one blast and then everyone was running", "My brother sold bread there every morning",
    "Nobody warned us and nobody came for an hour", "We want to know who did this and why",
    "The city will not be the same", "I have worked here for thirty years and never seen anything like it",
    "People were helping strangers in the street", "We only want to go back to work",
    "My children ask me every night if it is safe", "They must find the people responsible",
)
SPEAKERS = (
    ("Hanna Voss", "a spice trader"), ("Karim Dalvi", "a taxi driver"), ("Teodor Ruskan", "a nurse at the Central Hospital"),
    ("Mira Elstad", "a local teacher"), ("Yusuf Benar", "a shop owner"), ("Lidia Kormak", "a resident of the north quarter"),
    ("Ansel Vire", "a fruit seller"), ("Sanna Okoro", "a student"),
)
SAID = ("said", "told reporters", "said on the phone", "said outside the hospital")
BLAME = (
    "{who} blamed the {actor}, {label}, for the {deed}.",
    "{who} held the {actor}, {label}, responsible for the {deed}.",
    "{who} pointed at the {actor}, {label}, as the force behind the {deed}.",
)
BLAMERS = ("Officials", "Government ministers", "The interior ministry", "Security officials", "The police chief")
DEEDS = ("attack", "bombing", "blast")
COUNCIL_ACTS = (
    "The {actor}, {label}, {act}.",
    "On {day}, the {actor}, {label}, {act}.",
)
ACTS = (
    "declared three days of mourning", f"imposed a night curfew on {CITY}", "ordered an inquiry into the attack",
    "promised to rebuild the market within a year", f"sent extra troops to {PROVINCE}",
    "banned public gatherings in the capital", "froze the accounts of several charities",
)
DAY_NAMES = ("Tuesday", "Wednesday", "Thursday", "Friday")
# Background sentences, each usable from a given day on; these recur across outlets as
# wire boilerplate does, one sentence at a time.
CONTEXT = (
    (0, f"{PROVINCE} has seen years of tension between the {COUNCIL} and its opponents."),
    (0, f"{MARKET[0].upper() + MARKET[1:]} is the oldest trading hall in {CITY} and draws thousands of shoppers a day."),
    (0, f"The {GROUP} was founded in 2011 by students from {CITY} university."),
    (0, f"{CITY}, a port city of about 800,000 people, had been calm since the last elections."),
    (0, "The blast came a week before a planned round of talks between the government and its critics."),
    (0, "Dozens of people were wounded, according to rescue workers."),
    (0, "About 60 stalls were destroyed, the traders' association said."),
    (0, "The United Coastal League said it was following events closely."),
    (1, f"Flights to {CITY} resumed on Wednesday evening."),
    (1, "Schools in the district will remain closed this week."),
    (2, "Police said on Thursday they had detained five suspects."),
    (3, "Several thousand people joined the march, organisers said."),
)
TITLES = {
    "A": (
        ("Terror at the market: {city} counts its dead", "Bomb rips through {city} market",
         "Massacre at {city}'s Old Grain Market"),
        ("{city} mourns victims of terror attack", "Grief and anger as {city} buries its dead",
         "A city in mourning after the market massacre"),
        ("Suspects held over {city} market bombing", "Net closes on {city} bombers", "Police close in on market attackers"),
        ("World condemns terror in {province}", "Allies stand with {province} after attack",
         "Thousands rally against terror in {city}"),
    ),
    "B": (
        ("Blast at {city} market, government blames opposition", "Explosion in {city}: questions over official account"),
        ("Funerals in {city} as questions grow", "{city} buries dead amid doubts over the toll"),
        ("Arrests in {province} raise fears of crackdown", "Opposition supporters detained after {city} blast"),
        ("Protests in {city} as council tightens grip", "Curfew and anger in {city}"),
    ),
    "W": (
        ("Explosion hits market in {city}",),
        ("{city} buries dead after market blast",),
        ("Inquiry widens into {city} market blast",),
        ("Calls for calm in {province} after blast",),
    ),
}
# Small edits a recycling outlet makes to a copied paragraph.
EDIT_SWAPS = {
    "said": "stated", "blast": "explosion", "attack": "assault", "residents": "locals", "wounded": "injured",
    "police": "officers", "crowded": "busy", "powerful": "huge", "gathered": "assembled", "announced": "reported",
    "funerals": "burials", "families": "relatives", "thousands": "crowds", "streets": "roads", "shut": "closed",
    "carried": "took", "described": "recalled", "opened": "launched", "urged": "called for",
    "evacuated": "cleared", "sealed": "closed", "cordoned": "fenced", "reporters": "journalists",
    "tension": "friction", "founded": "formed", "calm": "quiet", "planned": "scheduled", "following": "watching",
    "destroyed": "wrecked", "resumed": "restarted", "remain": "stay", "detained": "arrested", "joined": "attended",
    "draws": "attracts", "shook": "rocked", "tore": "ripped", "hit": "rocked", "detonated": "exploded",
    "struck": "gripped", "rose": "billowed", "held": "staged", "buried": "interred", "stayed": "remained",
    "hung": "flew", "queued": "waited", "rang": "sounded", "identified": "traced", "returned": "came back",
    "searched": "raided", "moved": "shifted", "handed": "given", "marched": "paraded", "called": "appealed",
    "filled": "packed", "arrived": "landed", "staged": "mounted", "closed": "blocked", "seen": "known",
}
# Words a recycler slips in, each before the word it fits.
EDIT_INSERTS = {
    "wounded": "badly", "streets": "nearby", "market": "busy", "talks": "fresh", "crowds": "large",
    "families": "grieving", "police": "local", "area": "whole", "shoppers": "terrified", "victims": "innocent",
    "inquiry": "formal", "arrests": "new",
    "lanes": "narrow", "fled": "quickly", "described": "vividly", "carried": "quickly", "relatives": "tearful",
    "mourners": "silent", "protesters": "young", "footage": "grainy", "homes": "several",
}


@dataclass
class Paragraph:
    text: str
    passage_id: str | None = None  # set when the paragraph is, or was copied from, a recycled passage


@dataclass
class Article:
    doc_id: str
    outlet: Outlet
    day: int
    published: dt.datetime  # UTC
    title: str
    url: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def span_of(self, index: int) -> tuple[int, int]:
        """Character offsets of a paragraph in `text`."""
        start = sum(len(p.text) + 2 for p in self.paragraphs[:index])
        return start, start + len(self.paragraphs[index].text)


@dataclass
class Reuse:
    """One paragraph copied from an earlier article and lightly edited."""

    passage_id: str
    source: Article
    source_index: int
    copy: Article
    copy_index: int
    edits: list[str]


@dataclass
class Narrative:
    articles: list[Article]
    reuse: list[Reuse]


class ProseWriter:
    """Draws sentences from the pools, never the same sentence twice across the corpus and
    never the same opening clause twice on one day."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.used_clauses: set[tuple[int, str]] = set()

    def unique(self, make: Callable[[], str]) -> str:
        for _ in range(50):
            sentence = make()
            if sentence not in self.used:
                self.used.add(sentence)
                return sentence
        raise RuntimeError("phrase pools exhausted")

    def lede(self, day: int, stance: Stance) -> str:
        rng = self.rng
        fresh = [clause for clause in LEDES[day] if (day, clause) not in self.used_clauses]
        clause = rng.choice(fresh)
        self.used_clauses.add((day, clause))
        return self.unique(lambda: rng.choice(TOLL_JOINS).format(clause=clause.format(when=rng.choice(WHEN)), toll=stance.toll))

    def scene(self) -> str:
        rng = self.rng

        def make() -> str:
            template, slots = rng.choice(SCENE)
            return template.format(**{name: rng.choice(options) for name, options in slots.items()})

        return self.unique(make)

    def voices(self, count: int) -> list[str]:
        """Quotes from `count` different people."""
        rng = self.rng
        speakers = rng.sample(SPEAKERS, count)
        return [
            self.unique(lambda: f"\u201c{rng.choice(VOICES_QUOTES)},\u201d {name}, {role}, {rng.choice(SAID)}.")
            for name, role in speakers
        ]

    def blame(self, stance: Stance) -> str:
        rng = self.rng
        label = stance.labels[GROUP][0]
        return self.unique(
            lambda: rng.choice(BLAME).format(who=rng.choice(BLAMERS), actor=GROUP, label=label, deed=rng.choice(DEEDS))
        )

    def council(self, day: int, stance: Stance) -> str:
        rng = self.rng
        label = stance.labels[COUNCIL][0]
        return self.unique(
            lambda: rng.choice(COUNCIL_ACTS).format(actor=COUNCIL, label=label, act=rng.choice(ACTS), day=DAY_NAMES[day])
        )

    def follow_up(self, options: tuple[str, ...]) -> str:
        """Stock sentences of a camp may repeat; they are its talking points."""
        return self.rng.choice(options)

    def context(self, day: int) -> str:
        return self.rng.choice([sentence for first_day, sentence in CONTEXT if first_day <= day])

    def title(self, camp: str, day: int) -> str:
        return self.unique(lambda: self.rng.choice(TITLES[camp][day]).format(city=CITY, province=PROVINCE))


def original_paragraphs(writer: ProseWriter, day: int, stance: Stance) -> list[Paragraph]:
    """An article's own five paragraphs: lede with the toll, blame, voices, the council, context."""
    rng = writer.rng
    return [
        Paragraph(" ".join([writer.lede(day, stance)] + [writer.scene() for _ in range(rng.choice((1, 2)))])),
        Paragraph(f"{writer.blame(stance)} {writer.follow_up(stance.blame_follow_ups)}"),
        Paragraph(" ".join(writer.voices(rng.choice((1, 2))) + [writer.scene()])),
        Paragraph(f"{writer.council(day, stance)} {writer.follow_up(stance.council_follow_ups)}"),
        Paragraph(f"{writer.context(day)} {writer.scene()}"),
    ]


# Paragraphs a recycler may copy: the lede (with its toll), the voices, the context. Never
# the label paragraphs, which each outlet words in its own camp's terms anyway.
COPYABLE = (0, 2, 4)


def protected_spans(text: str, stance: Stance) -> list[tuple[int, int]]:
    phrases = [stance.toll] + [f"{actor}, {label}" for actor, (label, _) in stance.labels.items()]
    return [(m.start(), m.end()) for phrase in phrases for m in re.finditer(re.escape(phrase), text)]


Word = tuple[int, int, str]  # start, end, the word with its punctuation
_PUNCTUATION = ".,;\u201c\u201d"


def edit_passage(rng: random.Random, text: str, stance: Stance) -> tuple[str, list[str]]:
    """Two to four small edits (a word swapped, a word inserted, punctuation changed) that
    leave the toll and the labels as they were."""
    edits: list[str] = []
    wanted = rng.randint(2, 4)
    for _ in range(20):
        if len(edits) == wanted:
            break
        edit = rng.choice((swap_word, insert_word, repunctuate))(rng, text, free_words(text, stance))
        if edit is not None:
            text, description = edit
            edits.append(description)
    return text, edits


def free_words(text: str, stance: Stance) -> list[Word]:
    """Words an edit may touch: not the first, and not inside the toll or a label."""
    protected = protected_spans(text, stance)
    words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", text)]
    return [w for w in words[1:] if not any(s < w[1] and w[0] < e for s, e in protected)]


def swap_word(rng: random.Random, text: str, free: list[Word]) -> tuple[str, str] | None:
    swappable = [w for w in free if w[2].strip(_PUNCTUATION).lower() in EDIT_SWAPS]
    if not swappable:
        return None
    start, end, word = rng.choice(swappable)
    core = word.strip(_PUNCTUATION)
    replacement = EDIT_SWAPS[core.lower()]
    if core[0].isupper():
        replacement = replacement[0].upper() + replacement[1:]
    return text[:start] + word.replace(core, replacement) + text[end:], f"swap {core} -> {replacement}"


def insert_word(rng: random.Random, text: str, free: list[Word]) -> tuple[str, str] | None:
    insertable = [w for w in free if _can_insert_before(text, w)]
    if not insertable:
        return None
    start, end, word = rng.choice(insertable)
    core = word.strip(_PUNCTUATION)
    filler = EDIT_INSERTS[core]
    return text[:start] + word.replace(core, f"{filler} {core}") + text[end:], f"insert {filler} before {core}"


def repunctuate(rng: random.Random, text: str, free: list[Word]) -> tuple[str, str] | None:
    commas = [w for w in free if w[2].endswith(",") and _clause_follows(text, w[1])]
    if not commas:
        return None
    start, end, word = rng.choice(commas)
    return text[:end - 1] + " \u2014" + text[end:], f"punctuation after {word[:-1]}: ',' -> ' \u2014'"


def _clause_follows(text: str, end: int) -> bool:
    """A comma before `and`, `the` or `while` can become a dash without garbling the sentence."""
    return re.match(r" (and|the|while) ", text[end:]) is not None


def _can_insert_before(text: str, word: Word) -> bool:
    start, _, raw = word
    filler = EDIT_INSERTS.get(raw.strip(_PUNCTUATION).lower())
    return filler is not None and raw[0].islower() and not text[:start].lower().endswith(f"{filler} ")


def publication_time(rng: random.Random, outlet: Outlet, day: int) -> dt.datetime:
    """Originals appear in the morning (the first day, after the blast); recyclers hours after their source."""
    if day == 0:
        return dt.datetime(2024, 3, 5, 12) + dt.timedelta(minutes=rng.randrange(0, 180))
    return dt.datetime.combine(DAYS[day], dt.time(6)) + dt.timedelta(minutes=rng.randrange(0, 150))


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def new_article(writer: ProseWriter, outlet: Outlet, day: int, published: dt.datetime) -> Article:
    title = writer.title(outlet.camp, day)
    url = f"https://{outlet.domain}/{outlet.section}/{DAYS[day]:%Y/%m/%d}/{slugify(title)}"
    return Article(f"{outlet.key}-{DAYS[day]:%Y%m%d}", outlet, day, published, title, url)


def write_narrative(rng: random.Random) -> Narrative:
    """Four days of coverage; each day the recyclers publish after, and copy from, their sources."""
    writer = ProseWriter(rng)
    articles: list[Article] = []
    reuse: list[Reuse] = []
    by_outlet_day: dict[tuple[str, int], Article] = {}
    for day in range(len(DAYS)):
        for outlet in OUTLETS:
            stance = STANCES[outlet.camp]
            sources = [by_outlet_day[(name, day)] for name in outlet.recycles_from]
            published = publication_time(rng, outlet, day)
            if sources:
                published = max(s.published for s in sources) + dt.timedelta(minutes=rng.randrange(120, 480))
            article = new_article(writer, outlet, day, published)
            article.paragraphs = original_paragraphs(writer, day, stance)
            for source in sources:
                reuse.extend(recycle(rng, source, article, stance, len(reuse)))
            articles.append(article)
            by_outlet_day[(outlet.name, day)] = article
    return Narrative(sorted(articles, key=lambda a: a.published), reuse)


def recycle(rng: random.Random, source: Article, copy: Article, stance: Stance, numbered_so_far: int) -> list[Reuse]:
    """Copy one or two of the source's paragraphs into the same places of the copy, each
    with at least one edit."""
    taken = [i for i in COPYABLE if copy.paragraphs[i].passage_id is None]
    chosen = sorted(rng.sample(taken, min(len(taken), rng.choice((1, 2)))))
    reuses = []
    for index in chosen:
        original = source.paragraphs[index]
        passage_id = original.passage_id or f"P{numbered_so_far + len(reuses) + 1:02d}"
        text, edits = edit_passage(rng, original.text, stance)
        if not edits:  # nothing left to change by hand: this recycler leaves the paragraph alone
            continue
        copy.paragraphs[index] = Paragraph(text, passage_id)
        original.passage_id = passage_id
        reuses.append(Reuse(passage_id, source, index, copy, index, edits))
    return reuses
