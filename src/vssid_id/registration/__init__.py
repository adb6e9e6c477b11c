"""Records → the registration: the wing that merges the two cards into the declaration's fields.

* :mod:`.merge` — :func:`prefill`: both cards → one :class:`Registration`, with its
  conflicts and notes;
* :mod:`.addresses` — an address under the administrative units in force since
  1 July 2025 (its data loads on first use only);
* :mod:`.offices` — :func:`office_for`: the receiving social-insurance office (34 since July 2025);
* :mod:`.masking` — :func:`mask_registration`.

Imports the cards wing (:mod:`vssid_id.cards`) and nothing above it.
``vssid_id.registration.prefill`` is a public path.
"""

from .masking import mask_registration
from .merge import Conflict, Note, Registration, prefill
from .offices import OFFICES, Office, office_for

__all__ = ["Conflict", "Note", "Registration", "prefill", "mask_registration", "Office", "OFFICES", "office_for"]
