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
    counted recorded put puts respond responds responded reply replies replied remind reminds reminded
    inform informs informed blame blames blamed document documents documented detail details detailed
    dispute disputes disputed learn learns learned learnt contend contends contended dismiss dismisses dismissed
    reject rejects rejected""".split()
)
# "put" reports a figure only with one of these as its object ("officials put the toll at 12").
FIGURE_NOUNS = frozenset("toll number figure figures total count tally estimate cost losses loss bill crowd turnout damage casualties".split())
# Bodies whose reported results are findings ("a UN commission found", "a poll showed").
FINDING_BODIES = frozenset(
    """report study survey poll polls commission inquiry investigation panel committee audit census
    review analysis assessment probe tribunal court investigators researchers reports studies surveys records
    documents accounts figures data statistics findings""".split()
)
REPORT_NOUNS = frozenset(
    "report study survey poll investigation inquiry analysis statement assessment review audit census memo paper article".split()
)
BLOCK_QUOTE_VERBS = frozenset(
    """writes wrote said says notes noted explains explained states stated argues argued puts put observes observed adds added
    declared declares continued continues responded responds replied replies tweeted tweets posted posts warned warns
    concluded concludes""".split()
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
        toll slain murdered massacred lives perished buried""",
    "wounded": "wounded wounding injured injuries injury hurt maimed",
    "displaced": "displaced fled fleeing refugees evacuated homeless uprooted",
    "arrested": "arrested arrests detained detention detentions jailed imprisoned prisoners detainees suspects",
    "missing": "missing disappeared abducted kidnapped",
    "protested": """protesters demonstrators marched rallied protested protest march rally joined marchers crowd crowds
        turnout gathered attended participants brought mobilised mobilized""",
    "destroyed": "destroyed damaged wrecked razed demolished",
}
# Verbs that make a sum of money a sum given or received, the one money figure compared
# across articles ("has sent the group more than $120 million" against "has received less
# than $3 million"); a price or a cost is not compared.
MONEY_TRANSFER_WORDS = frozenset(
    """sent send sends sending received receive receives receiving recieved got gets given gave give gives donated
    transferred paid pays channelled channeled funnelled funneled provided funded financed poured pumped""".split()
)
EVENT_CLASS_OF = {word: event for event, words in EVENT_CLASSES.items() for word in words.split()}
# Verbs that name an event only with the counted people as their subject: "2,500 residents
# have left the valley" were displaced; "the blast left 9 dead" and "were left injured" were not.
SUBJECT_EVENT_CLASS_OF = {"left": "displaced", "leave": "displaced", "leaving": "displaced", "moved": "displaced"}
# Nouns that stand for "the people counted" in a casualty figure: "40 civilians were killed"
# and "12 people died" count the same thing, whoever the article says they were.
PERSON_NOUNS = frozenset(
    """people persons person victims individuals toll dead lives bodies civilians civilian residents inhabitants
    villagers citizens men women children kids boys girls adults soldiers troops servicemen fighters militants
    combatants insurgents rebels gunmen terrorists militiamen officers policemen police guards workers
    protesters protestors demonstrators marchers activists journalists reporters students patients refugees
    migrants prisoners detainees hostages passengers pilgrims worshippers mourners families members supporters
    opponents members staff employees doctors nurses teachers farmers miners suspects policemen""".split()
)

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
    lackey lackeys stooge stooges henchmen thugs collaborator collaborators crooked sham fraudulent
    mouthpiece mouthpieces shill shills apologist apologists propagandists anti-semitic antisemitic bigoted
    warlord warlords butchers murderers proxy proxies mob mobs rioters foreign-funded foreign-backed
    foreign-controlled smuggler smugglers extortionist extortionists convicted gangster gangsters bandit bandits
    looter looters""".split()
)
# Phrases that make a label negative though none of their words does alone ("a front for
# the VLF"; "front" alone is also part of names such as "Popular Front").
NEGATIVE_LABEL_PHRASES = ("front for", "front group", "front organization", "front organisation", "on the payroll",
                          "in the pay of")
POSITIVE_LABEL_WORDS = frozenset(
    """elected democratic democratically legitimate lawful peaceful respected renowned trusted reputable
    grassroots pro-democracy reformist reformer reformers moderate heroic hero heroes brave courageous
    humanitarian freedom liberation defender defenders champion champions award-winning independent
    internationally-recognised internationally-recognized recognised recognized law-abiding
    non-violent nonviolent popular beloved esteemed distinguished honest principled patriot patriots patriotic
    fearless respected acclaimed constitutional self-defence self-defense volunteer volunteers resistance""".split()
)
# Nouns that name a role, not a judgement ("its spokesman", "a reporter"): labels headed by
# one are kept in labels.csv but never compared as characterisations.
ROLE_NOUNS = frozenset(
    """spokesman spokeswoman spokesperson leader director head chief chairman chairwoman chair president secretary
    minister official officer reporter correspondent editor journalist analyst researcher author founder member
    members commander lawyer adviser advisor aide envoy ambassador deputy employee candidate wife husband son
    daughter mother father brother sister""".split()
)
# Words that make a name-calling noun only in front of an actor's name ("the Assad regime").
CHARACTERISING_HEADS = frozenset(
    """regime junta gang militia cult mafia cabal clique government movement group organization organisation
    party rebels insurgents terrorists extremists forces army network outlet broadcaster mouthpiece
    propaganda machine administration dictatorship tyranny autocracy oligarchy mob""".split()
)
