"""``vssid-serve``: the registration form in a browser and a JSON API.

Install with the ``web`` extra (``pip install 'vssid_id[web]'``) and run
``vssid-serve``; the page is at http://127.0.0.1:8000/ and the API is described
at ``/openapi.json`` (README.md, section "vssid-serve").

Modules: :mod:`.app` (the Starlette application, :func:`~.app.create_app`),
:mod:`.bodies` (request bodies read under a byte cap, multipart parsed in
memory as it streams in), :mod:`.workers` (decoding off the event loop,
bounded by count, pixels and time; payload work apart), :mod:`.connections`
(read timeouts and the lingering close of the HTTP connections),
:mod:`.openapi` (the API description), :mod:`.server` (the console script).

Importing this package imports nothing from the web stack, so the console
script can say how to install the extra when it is missing.
"""
