"""The word lists the text analyses match, in one place so that a reader can see (and
change) exactly which words make a label negative, a verb a reporting verb, or a noun a
death toll. Everything is matched on lower-cased word forms.
"""

from __future__ import annotations

# -- attribution ----------------------------------------------------------------------------

REPORTING_VERBS = frozenset(
    """say says said saying tell tells told report reports reported reporting write writes wrote written
    estimate estimates estimated conclude concludes concluded state states stated claim claims claimed
    announce announces announced confirm confirms confirmed allege alleges alleged argue argues argued
    add adds added note notes noted warn warns warned insist insists insisted declare declares declared
    assert asserts asserted explain explains explained admit admits admitted acknowledge acknowledges
    acknowledged deny denies denied suggest suggests suggested find finds found show shows showed shown
    reveal reveals revealed testify testifies testified tweet tweets tweeted post posts posted stress
    stresses stressed emphasise emphasised emphasize emphasized maintain maintains maintained predict
    predicts predicted accuse accuses accused charge charges charged recount recounts recounted
    counted recorded put puts""".split()
)
# "put" reports a figure only with one of these as its object ("officials put the toll at 12").
FIGURE_NOUNS = frozenset("toll number figure figures total count tally estimate cost losses loss bill".split())
# Bodies whose reported results are findings ("a UN commission found", "a poll showed").
FINDING_BODIES = frozenset(
    """report study survey poll polls commission inquiry investigation panel committee audit census
    review analysis assessment probe tribunal court investigators researchers""".split()
)
REPORT_NOUNS = frozenset(
    "report study survey poll investigation inquiry analysis statement assessment review audit census memo paper article".split()
)
BLOCK_QUOTE_VERBS = frozenset(
    "writes wrote said says notes noted explains explained states stated argues argued puts put observes observed adds added declared declares".split()
)

# -- hedging -----------------------------------------------------------------------------------

HEDGE_WORDS = frozenset(
    """reportedly allegedly purportedly apparently possibly probably likely unconfirmed unverified
    may might could believed thought suspected rumoured rumored claimed estimated perhaps
    approximately roughly""".split()
)
APPROXIMATE_QUALIFIERS = frozenset(
    ["about", "around", "approximately", "roughly", "nearly", "almost", "some", "an estimated", "estimated",
     "close to", "or so", "circa", "an approximate"]
)

# -- quantities -----------------------------------------------------------------------------

# Events a figure can count, each word mapped to one class so that "40 were killed" and "a
# death toll of 12" are about the same thing.
EVENT_CLASSES = {
    "killed": """kill kills killed killing killings dead death deaths died die dies dying fatalities fatality
        toll slain murdered massacred lives perished""",
    "wounded": "wounded wounding injured injuries injury hurt maimed",
    "displaced": "displaced fled fleeing refugees evacuated homeless uprooted",
    "arrested": "arrested arrests detained detention detentions jailed imprisoned prisoners detainees",
    "missing": "missing disappeared abducted kidnapped",
    "protested": "protesters demonstrators marched rallied protested protest march rally joined",
    "destroyed": "destroyed damaged wrecked razed demolished",
}
EVENT_CLASS_OF = {word: event for event, words in EVENT_CLASSES.items() for word in words.split()}
# Nouns that stand for "the people counted" in a casualty figure.
PERSON_NOUNS = frozenset("people persons person victims individuals toll dead lives bodies".split())

# -- labels -----------------------------------------------------------------------------------

NEGATIVE_LABEL_WORDS = frozenset(
    """terrorist terrorists terror terrorism extremist extremists extremism jihadist jihadists radical radicals
    regime junta gang gangs thug thugs criminal criminals mafia puppet puppets propaganda propagandist
    fascist fascists nazi nazis neo-nazi illegal illegitimate banned outlawed occupying occupation occupier
    occupiers invader invaders aggressor aggressors authoritarian dictator dictatorship dictatorial despot
    tyrant tyranny corrupt rogue brutal murderous bloodthirsty warmonger warmongers hostile enemy enemies
    traitor traitors liar liars racist racists bigot bigots cult conspiracy fake discredited notorious
    so-called self-proclaimed self-styled hardline hardliner hardliners military-backed militia militias
    insurgent insurgents separatist separatists mercenary mercenaries killers killer butcher butchers
    oppressive repressive genocidal apartheid extremist-linked terror-linked hate hateful cabal clique
    lackey lackeys stooge stooges henchmen thugs collaborator collaborators crooked sham fraudulent""".split()
)
POSITIVE_LABEL_WORDS = frozenset(
    """elected democratic democratically legitimate lawful peaceful respected renowned trusted reputable
    grassroots pro-democracy reformist reformer reformers moderate heroic hero heroes brave courageous
    humanitarian freedom liberation defender defenders champion champions award-winning independent
    internationally-recognised internationally-recognized recognised recognized law-abiding
    non-violent nonviolent popular beloved esteemed distinguished honest principled""".split()
)
# Words that make a name-calling noun only in front of an actor's name ("the Assad regime").
CHARACTERISING_HEADS = frozenset(
    """regime junta gang militia cult mafia cabal clique government movement group organization organisation
    party rebels insurgents terrorists extremists forces army network outlet broadcaster mouthpiece
    propaganda machine administration""".split()
)
