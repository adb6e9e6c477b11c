"""Images → QR payloads: load an image, find and read its QR codes.

* :mod:`.loading` — :func:`~.loading.load_image`: bytes, paths, Pillow and numpy
  images to one bounded RGB array (HEIC included);
* :mod:`.backends` — one adapter per QR reader (zxing-cpp, WeChat, OpenCV, zbar);
* :mod:`.decoder` — :func:`~.decoder.decode`: the ladder of steps, the time budget;
* :mod:`.camera` — live frames from a camera.

This wing knows nothing of cards: what counts as a good read is the
``accept(text)`` callback the caller passes to :func:`~.decoder.decode`.
Imports :mod:`vssid_id.errors` and :mod:`vssid_id.encoding` only.
"""
