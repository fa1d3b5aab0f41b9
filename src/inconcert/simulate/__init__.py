"""`inconcert simulate`: a seeded synthetic world with planted operations and exact ground truth.

The scenario is what the demo runs on and what detection tests are measured against: an
organic crowd with its own false-positive traps (viral bursts, popular links, trending
hashtags), a bot network, a hashtag-pushing network, the operation's Telegram channels
and six outlets recycling and contesting one story, written in the real file formats
(twarc2 pages, an io-archive CSV, a Telegram Desktop export, article JSON lines) with
`ground_truth.json` and `manifest.json` beside them. See docs/simulate.md.
"""

from inconcert.simulate.scenario import Manifest, ScenarioFile, build_world, write_scenario

__all__ = ["Manifest", "ScenarioFile", "build_world", "write_scenario"]
