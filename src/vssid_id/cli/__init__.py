"""``vssid-scan``: the command line. An interface: calls the wings, holds no card rule.

* :mod:`.scan` — the console script (:func:`main`), its options and exit codes;
* :mod:`.output` — text and JSON Lines output, masked by default.
"""

from .scan import main

__all__ = ["main"]
