"""Cards: what a card holds, payload text ↔ typed record. The lowest wing.

* :mod:`.formats` — one module per card format (record model, payload parser, serializer);
* :mod:`.parsing` — :func:`~.parsing.parse`: a payload to the record of its card;
* :mod:`.codes` — stdnum-style validators of the numbers on the cards
  (public as :mod:`vssid_id.codes`);
* :mod:`.fields`, :mod:`.records` — the pydantic field types and the record union
  (public as :mod:`vssid_id.fields` and :mod:`vssid_id.records`);
* :mod:`.text`, :mod:`.dates`, :mod:`.typed_hex`, :mod:`.gender`, :mod:`.trusted` —
  the rules the parsers share: card text, dates, the BHYT card's hex names;
* :mod:`.tables` — the official code tables, each with its legal source;
* :mod:`.expiry` — when an identity card expires, by the law it was issued under;
* :mod:`.masking` — personal data masked for printing;
* :mod:`.synthetic` — generated cards for tests, fixtures and benchmarks.

Imports :mod:`vssid_id.errors` and :mod:`vssid_id.encoding` only: no image
library, no other wing.
"""
