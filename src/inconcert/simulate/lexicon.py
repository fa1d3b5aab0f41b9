"""Words the synthetic world is written with: invented names, places, outlets and phrases.

Every person, place, group and outlet here is invented, so nothing the demo finds can be
read as a claim about a real actor. Domains end in `.example` (reserved by RFC 2606) so no
generated link points at a real site.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Maria", "Omar", "Lena", "Tariq", "Sofia", "Ivan", "Amira", "Jonas", "Leila", "Mateo",
    "Nadia", "Pavel", "Yasmin", "Lucas", "Farah", "Emil", "Hana", "Diego", "Zara", "Anton",
    "Mina", "Karim", "Elena", "Rafael", "Noor", "Viktor", "Ines", "Samir", "Olga", "Theo",
    "Dalia", "Felix", "Rania", "Hugo", "Selin", "Marek", "Aisha", "Bruno", "Lina", "Oskar",
    "Salma", "Nico", "Vera", "Idris", "Clara", "Milan", "Yara", "Adam", "Mei", "Kofi",
    "Ana", "Reza", "Julia", "Sami", "Irena", "Paolo", "Dina", "Arman", "Nora", "Luca",
)

# Surnames are put together from these parts, so no generated name belongs to anyone.
SURNAME_HEADS = (
    "Var", "Kel", "Dro", "Mar", "Sol", "Bren", "Tal", "Cor", "Ves", "Hal", "Lur", "Nev",
    "Ost", "Pra", "Ril", "Sav", "Tor", "Ulm", "Zel", "Fen", "Gar", "Jas", "Mor", "Quin",
)
SURNAME_TAILS = (
    "enko", "ic", "sen", "dal", "ova", "ani", "ez", "berg", "ant", "oni", "ard", "ul",
    "is", "ev", "ado", "ski", "ran", "etti", "ou", "ham",
)

HANDLE_WORDS = (
    "reads", "daily", "notes", "runs", "cooks", "writes", "talks", "fan", "tech", "music",
    "city", "news", "photo", "films", "garden", "coffee", "books", "travels", "code", "art",
)

# Local hours of the day people post at (0 = midnight); a weight per hour.
HOUR_WEIGHTS = (
    0.6, 0.35, 0.2, 0.15, 0.15, 0.25, 0.6, 1.2, 1.8, 2.0, 2.0, 2.1,
    2.3, 2.2, 2.0, 2.0, 2.1, 2.3, 2.6, 2.9, 3.0, 2.7, 2.0, 1.2,
)
UTC_OFFSETS = (0, 0, 1, 1, 2, 3, 3, -5, -3, 4)

LOCATIONS = (
    "Dalmora", "Kessaly", "Port Veradi", "Osterlund", "Valen", "the coast", "Nordhavn",
    "Amberfield", "Lake Sirrin", "Tessaro", "", "", "",
)

# -- organic posts -------------------------------------------------------------------------

TOPICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "daily": (
        ("Finally", "Honestly", "Okay so", "Today", "Not gonna lie", "Somehow"),
        ("my morning coffee", "the bus this morning", "this week", "the new neighbour", "my to-do list",
         "the laundry pile", "our street", "the queue at the bakery"),
        ("was a disaster", "made my day", "is taking forever", "deserves its own show",
         "was surprisingly calm", "needs a reset", "keeps getting longer", "was worth it"),
    ),
    "sports": (
        ("What a match", "Big night", "Can't believe it", "Huge result", "Tough loss"),
        ("for Valen United", "for the Harbor Lions", "in the cup semi-final", "for our keeper",
         "in the derby", "for the relay team"),
        ("last night", "this weekend", "after extra time", "in the final minute", "at home again"),
    ),
    "food": (
        ("Tried", "Made", "Found", "Cooked", "Ordered"),
        ("lentil soup", "a new bakery", "grilled fish", "flatbread with za'atar", "spicy noodles",
         "plum cake", "a tiny ramen place", "stuffed peppers"),
        ("and it was perfect", "for the first time", "with friends tonight", "near the river",
         "and I regret nothing", "again this week"),
    ),
    "weather": (
        ("Rain again", "Sunny at last", "Storm warning", "Fog everywhere", "Cold snap"),
        ("in Port Veradi", "over the coast", "across Kessaly", "in the old town", "by the lake"),
        ("today", "all weekend", "since dawn", "until Thursday", "and no end in sight"),
    ),
    "tech": (
        ("My laptop", "The new update", "This app", "Our wifi", "The office printer"),
        ("crashed", "froze", "finally works", "ate my notes", "needs a restart", "is slower than ever"),
        ("again", "right before the deadline", "for no reason", "after the update", "today"),
    ),
    "music": (
        ("Listening to", "Can't stop playing", "Just discovered", "Saw live"),
        ("the new Solenne album", "an old Kofi Brenic record", "the Tessaro Quartet", "a street band",
         "that radio session", "my dad's cassettes"),
        ("on repeat", "all evening", "and loved it", "twice this week", "with headphones on"),
    ),
    "local": (
        ("The council", "Our library", "The new tram line", "The market square", "The harbour"),
        ("is finally open", "needs more funding", "is closed for repairs", "got a makeover",
         "hosts a fair on Sunday", "is packed today"),
        ("in Valen", "downtown", "near the station", "this month", "again"),
    ),
}
STORY_OPENERS = (
    "Thinking of everyone in Dalmora", "Terrible news from Dalmora", "Still processing the news from the Old Grain Market",
    "Praying for the families in Dalmora", "Hard to read the reports from Kessaly", "So many questions about Dalmora",
    "The pictures from the market are awful", "Conflicting reports from Dalmora tonight",
)
STORY_TAILS = (
    "Stay safe everyone.", "We need real answers.", "Who is telling the truth?", "Heartbreaking.",
    "Please check on your friends there.", "Wait for verified facts.", "This is so sad.", "",
)
EMOJI = ("😂", "🙏", "🔥", "❤️", "😢", "👏", "🤔", "☕", "⚽", "🌧️")
AMPERSAND_PHRASES = ("Q&A tonight", "R&D budget", "salt & pepper", "rock & roll", "B&B by the sea")

ORGANIC_HASHTAGS = (
    "MondayMotivation", "Valen", "PortVeradi", "coffee", "football", "ValenUnited", "rain",
    "music", "books", "foodie", "photography", "travel", "weekend", "Kessaly", "tech",
    "HarborLions", "running", "gardening", "cinema", "jazz", "bakery", "tram", "citylife",
    "sunset", "coding", "lakeSirrin", "startup", "art", "theatre", "cycling", "recipes",
    "Dalmora", "news", "weather", "family", "students", "podcast", "nature", "history", "poetry",
)

# News sites organic accounts link to: (domain, section paths).
NEWS_DOMAINS = (
    "valenpost.example", "kessalytoday.example", "portveradi-news.example", "thecoastreport.example",
    "dailyledger.example", "morningbrief.example", "osterlundherald.example", "nordhavnpress.example",
    "citybeat.example", "amberfieldgazette.example", "theweeklylens.example", "sirrinvoice.example",
    "tessarotimes.example", "regionwatch.example", "themarketjournal.example", "civicwire.example",
    "meridianherald.example", "coastlinedaily.example", "valentimes.example", "northgateobserver.example",
)
NEWS_SECTIONS = ("world", "local", "sport", "culture", "business", "tech", "opinion")
SLUG_WORDS = (
    "council", "budget", "tram", "harbour", "festival", "strike", "election", "report", "storm",
    "market", "school", "hospital", "bridge", "museum", "cup", "final", "prices", "housing",
    "energy", "river", "port", "workers", "farmers", "students", "plan", "vote", "court", "mayor",
)

# -- the story and its actors ----------------------------------------------------------------

CITY = "Dalmora"
PROVINCE = "Kessaly"
MARKET = "the Old Grain Market"
GROUP = "Tavrin Movement"
COUNCIL = "Ruling Council"

# -- planted operations ---------------------------------------------------------------------

SEED_PROFILES = (
    ("DalmoraFirst", "Dalmora First", "Straight talk about Kessaly. Order, security, truth."),
    ("KessalyVoiceNow", "Kessaly Voice", "Independent voice for Kessaly. No fake news."),
    ("TruthDeskKS", "Truth Desk", "What the mainstream won't tell you about Dalmora."),
)
SEED_TAILS = (
    "Retweet if you agree.", "The Council is right.", "Enough is enough.", "Facts matter.",
    "Don't let them rewrite what happened.", "Kessaly deserves better.", "Think about it.", "",
)
FRINGE_DOMAIN = "dalmora-truth.example"
FRINGE_SLUGS = (
    "what-they-hide-about-the-market", "the-real-toll", "who-benefits-from-chaos", "witness-accounts-ignored",
    "timeline-of-the-attack", "media-silence",
    # pushed before the attack, in the archived past
    "tavrin-money-trail", "foreign-hands-in-kessaly", "order-must-return", "the-movement-exposed", "security-first",
)
PUSH_COMMENTS = (
    "Must read.", "Everyone needs to see this.", "Read this before they delete it!", "The truth about Dalmora.",
    "Share this.", "This explains everything.", "Finally someone says it.", "Wake up, Kessaly.",
)
COPYPASTA = (
    "The people of Dalmora deserve the truth and the Tavrin Movement must answer for the blood on its hands today",
    "No more excuses for the attackers of the Old Grain Market and no more lies from their friends abroad",
    "Every family in Dalmora wants peace and only a strong Council can bring it back to our streets",
    "They bombed a market full of children and still the so called activists defend the Tavrin Movement",
    "Kessaly will not bow to terror and we will not forget the victims of the Old Grain Market",
    "Ask yourself why the international press hides the real death toll from the attack in Dalmora",
    "The Tavrin Movement is not an opposition it is a criminal gang that murders shoppers in Dalmora",
    "Our police saved lives in Dalmora while the critics did nothing but tweet from their sofas",
    "Dalmora is rising again and nobody will divide the people of Kessaly with lies and bombs",
    "Remember the market and remember who cheered when innocent people died in Dalmora",
    # pasted before the attack, in the archived past
    "Order and security come first and every citizen of Kessaly should stand behind the Council right now",
    "Foreign money fuels the chaos in Dalmora and the media refuses to ask who pays for the Tavrin Movement",
    "Support the Council because weakness invites more attacks on innocent people in Kessaly",
    "The Council must finish the job and clear every Tavrin cell from the province of Kessaly",
)
# Word-level edits a copy-paster makes: a word replaced, a filler inserted.
COPYPASTA_SWAPS = {
    "people": "citizens", "truth": "facts", "today": "now", "must": "should", "chaos": "violence",
    "media": "press", "every": "each", "innocent": "ordinary", "attack": "bombing", "lies": "propaganda",
    "strong": "firm", "real": "true", "streets": "roads", "victims": "dead",
}
COPYPASTA_FILLERS = ("really", "again", "now", "truly", "all", "still")

CAMPAIGN_HASHTAGS = ("JusticeForDalmora", "TavrinVoices", "KessalyRising")
CAMPAIGN_SLOGANS = (
    "We will keep saying it until they listen.", "The voices of Dalmora will not be silenced.",
    "Kessaly stands together.", "Day after day, we remember.", "Justice is not negotiable.",
    "Say their names.", "The world is watching Kessaly.", "No peace without justice.",
    "Our streets, our voices.", "Remember the market.", "Keep the story alive.", "Speak up for Dalmora.",
)
CAMPAIGN_OPENERS = (
    "Again today:", "Never forget.", "Join us.", "Once more:", "Raise your voice.", "Stand up.",
    "Tonight,", "This morning,", "Friends,", "For Dalmora:",
)
PUSHER_BIOS = (
    "Teacher. Father of two. Proud Kessalian.", "Nurse, runner, tea lover.", "Retired engineer. Chess on Sundays.",
    "Small business owner in Valen.", "Student of history and politics.", "Gardener. Grandmother. Optimist.",
    "Musician and part-time barista.", "Journalism student.", "Football, family, faith.", "Local volunteer.",
)

# -- Telegram ------------------------------------------------------------------------------

TELEGRAM_HUB = "Dalmora Truth"
TELEGRAM_AMPLIFIERS = ("Kessaly Today 24", "Voice of Order", "Dalmora Live", "Truth Wave KS")
TELEGRAM_NEWS_CHANNEL = "Northgate Observer"
TELEGRAM_NOTES_CHANNEL = "Kessaly Morning Notes"
TELEGRAM_GROUP = "Dalmora Neighbours"
# What the operation says at any time, and what it says once the attack has happened.
GENERAL_LINES = (
    "Who really funds the Movement?", "Security must come first.", "The Council acts, the critics whine.",
    "They will not tell you this on TV.", "Read and share before it disappears.",
)
ATTACK_LINES = (
    "BREAKING: new details on the market attack.", "The numbers the press is hiding.", "A witness speaks.",
)
HUB_LINES = ATTACK_LINES + GENERAL_LINES
GROUP_LINES = (
    "Is the road to the market open today?", "Power is back in the north quarter.",
    "Anyone know if the pharmacy on Vell Street is open?", "Stay safe everyone.",
    "The bakery is giving bread to families who lost someone.", "Traffic is terrible near the hospital.",
    "My cousin is fine, thank you all.", "Blood donations at the school hall until 6.",
    "هل الطريق إلى السوق مفتوح اليوم؟", "سلامتكم جميعاً", "الكهرباء عادت إلى الحي الشمالي",
    "Does anyone have news from the east gate?", "Thanks for the updates 🙏", "Curfew starts at 9 tonight.",
)
NEWS_CHANNEL_LINES = (
    "Update on Dalmora:", "From our correspondent in Kessaly:", "Morning briefing:", "Read our report:",
    "Analysis:", "Latest:",
)
