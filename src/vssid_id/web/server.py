"""``vssid-serve``: run the page and the API on 127.0.0.1 (uvicorn).

Needs the ``web`` extra; without it, says how to install it and exits with
69 (EX_UNAVAILABLE of sysexits.h). The web stack is imported only after the
arguments are read, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__

EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: the web extra is not installed
EXIT_USAGE = 64

_EPILOG = """\
The page is at http://HOST:PORT/ and the API is described at /openapi.json.
Listens on 127.0.0.1 (this machine only) unless --host says otherwise; to use
a phone's camera over the network the page must be served over HTTPS (put a
TLS proxy in front), or the page falls back to the phone's file picker.

Logging: one line per request (method, path, status, milliseconds); never a
query string, a body or card data.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vssid-serve",
        description="Serve the BHXH registration form (fills itself from the cards' QR codes) and a JSON API.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--threads", type=int, default=None,
                        help="decoding threads (default: one per core)")
    parser.add_argument("--max-pending", type=int, default=None,
                        help="decodes in flight before new ones get 503 (default: 4 per thread)")
    parser.add_argument("--time-limit", type=float, default=15.0,
                        help="seconds a request may take before it gets 504 (default 15)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        import python_multipart  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        print("vssid-serve needs the web extra: pip install 'vssid_id[web]'", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if not 0 <= args.port <= 65535:
        print(f"vssid-serve: --port must be 0-65535, not {args.port}", file=sys.stderr)
        return EXIT_USAGE

    from .app import create_app

    app = create_app(threads=args.threads, max_pending=args.max_pending, time_limit=args.time_limit)
    log_config = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                                "stream": "ext://sys.stderr"}},
        "loggers": {
            "vssid_id.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }
    # access_log=False: uvicorn's access log holds the query string and the client's address.
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_config=log_config,
                server_header=False)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
