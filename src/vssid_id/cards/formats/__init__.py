"""One module per card format: its record model, payload parser and serializer.

* :mod:`vssid_id.cards.formats.cccd` — the CCCD (2021) and Căn cước (2024) identity cards;
* :mod:`vssid_id.cards.formats.bhyt` — the BHYT health-insurance card;
* :mod:`vssid_id.cards.formats.base` — what both records share.
"""
