"""`inconcert signals`: account and time signals that back up or rule out coordination.

Creation bursts (accounts made in a flurry), volume bursts of hashtags, links and domains
(and who carried them), bot-likeness from profile and behaviour, and pairs of accounts
whose activity is synchronised beyond chance. See docs/signals.md.
"""

from inconcert.signals.analysis import SignalsParams, SignalsSummary, run_signals

__all__ = ["SignalsParams", "SignalsSummary", "run_signals"]
