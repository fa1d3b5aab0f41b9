"""inconcert: find accounts that act in concert and outlets that recycle talking points."""

__version__ = "0.1.0"
