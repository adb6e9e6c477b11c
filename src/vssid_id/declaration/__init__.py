"""The declaration (Tờ khai): the registration plus contact details, the receiving office, the photos, the PDF.

* :mod:`.declare` — :func:`declare` and :class:`Declaration` (with :meth:`Declaration.to_pdf`,
  :meth:`Declaration.to_form`);
* :mod:`.contact` — the mobile number, the e-mail, the contact address;
* :mod:`.photos` — re-encoding, the face check and the 4:6 crop of the portrait;
* :mod:`.pdf` — the A4 document;
* :mod:`.synthetic` — a drawn face for tests and examples.

Imports the registration, scanning, images and cards wings; the CLI and the web app import it. Heavy libraries
(OpenCV, fpdf2, phonenumbers, email-validator) load on first use only.
"""

from .declare import Declaration, declare

__all__ = ["Declaration", "declare"]
