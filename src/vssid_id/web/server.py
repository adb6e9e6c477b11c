"""``vssid-serve``: run the page and the API on 127.0.0.1 (uvicorn).

Needs the ``web`` extra; without it, says how to install it and exits with
69 (EX_UNAVAILABLE of sysexits.h). The web stack is imported only after the
arguments are read, so ``--help`` is instant. A bad option value (``--threads
-1``, ``--time-limit nan``, a port out of range …) is refused with a one-line
message and exit 64 (EX_USAGE).
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from .. import __version__

if TYPE_CHECKING:  # pragma: no cover
    import uvicorn

EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: the web extra is not installed
EXIT_USAGE = 64

#: Upper bounds of the options: beyond them a value is a typo, not a choice.
MAX_THREADS = 256
MAX_PENDING = 100_000
MAX_TIME_LIMIT = 3600.0

_EPILOG = """\
The page is at http://HOST:PORT/ and the API is described at /openapi.json.
Listens on 127.0.0.1 (this machine only) unless --host says otherwise; to use
a phone's camera over the network the page must be served over HTTPS (put a
TLS proxy in front), or the page falls back to the phone's file picker.

Host header: requests are answered only when they name this server by an IP
address, by "localhost" or by --host; name any other host the server is reached
by (a proxy's public name, the machine's name on the network) with --allow-host
(DNS rebinding: a hostile page whose name points at this machine must not reach
the API). Cross-origin: no page on another origin may read the API's answers
unless it is named with --allow-origin.

Connections: request line and headers within 10 s, no gap over 10 s while the
body arrives and the whole body within 60 s (else 408), idle keep-alive
connections closed after 5 s.

Logging: one line per request (method, path, status, milliseconds); never a
query string, a body, card data or a path the app does not serve.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vssid-serve",
        description="Serve the BHXH registration form (fills itself from the cards' QR codes) and a JSON API.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--threads", type=int, default=None,
                        help=f"decoding threads, 1-{MAX_THREADS} (default: one per core)")
    parser.add_argument("--max-pending", type=int, default=None,
                        help="decodes in flight before new ones get 503 (default: 4 per thread)")
    parser.add_argument("--time-limit", type=float, default=15.0,
                        help=f"seconds a request may take before it gets 504, over 0 and at most "
                             f"{MAX_TIME_LIMIT:g} (default 15)")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="also answer requests whose Host header is NAME (repeatable; '*' for any)")
    parser.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                        help="let pages of ORIGIN (e.g. https://example.org) read the API's answers (CORS; "
                             "repeatable; none by default)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def check_options(args: argparse.Namespace) -> str | None:
    """The first bad option value as a message, or ``None``."""
    if not 0 <= args.port <= 65535:
        return f"--port must be 0-65535, not {args.port}"
    if args.threads is not None and not 1 <= args.threads <= MAX_THREADS:
        return f"--threads must be 1-{MAX_THREADS}, not {args.threads}"
    if args.max_pending is not None and not 1 <= args.max_pending <= MAX_PENDING:
        return f"--max-pending must be 1-{MAX_PENDING}, not {args.max_pending}"
    if not (math.isfinite(args.time_limit) and 0 < args.time_limit <= MAX_TIME_LIMIT):
        return f"--time-limit must be a number of seconds over 0 and at most {MAX_TIME_LIMIT:g}, not {args.time_limit}"
    for origin in args.allow_origin:
        scheme, sep, rest = origin.partition("://")
        if scheme not in ("http", "https") or not sep or not rest or "/" in rest:
            return f"--allow-origin takes an origin such as https://example.org, not {origin!r}"
    return None


def allowed_hosts(host: str, extra: list[str]) -> list[str]:
    """The Host names the server answers to: loopback names, the address it listens on, ``extra``.

    Any IP address is accepted besides (see :func:`vssid_id.web.app.host_allowed`): a DNS
    rebinding attack needs a name.
    """
    names = ["localhost", *extra]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host:
            names.append(host)
    return names


LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"},
                 "none": {"class": "logging.NullHandler"}},
    "loggers": {
        "vssid_id.web": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # python-multipart logs bytes of the body it skips ("Consuming a byte ... in the end
        # state") and the part headers it does not know: card data. Its lines go nowhere.
        "python_multipart": {"handlers": ["none"], "level": "CRITICAL", "propagate": False},
        "multipart": {"handlers": ["none"], "level": "CRITICAL", "propagate": False},
    },
}


def server_config(args: argparse.Namespace, **overrides: Any) -> uvicorn.Config:
    """The uvicorn configuration of ``vssid-serve`` for parsed (and checked) ``args``."""
    import uvicorn

    from .app import create_app
    from .connections import Timeouts, protocol_class

    app = create_app(threads=args.threads, max_pending=args.max_pending, time_limit=args.time_limit,
                     allowed_hosts=allowed_hosts(args.host, args.allow_host), cors_origins=args.allow_origin)
    # access_log=False: uvicorn's access log holds the query string and the client's address.
    # http=: the h11 protocol with read timeouts and lingering close (.connections), whatever
    # else is installed (uvicorn would pick httptools, which has neither).
    options: dict[str, Any] = dict(
        host=args.host, port=args.port, access_log=False, log_config=LOG_CONFIG, server_header=False,
        http=protocol_class(Timeouts()), timeout_keep_alive=5, lifespan="on",
    )
    options.update(overrides)
    return uvicorn.Config(app, **options)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = check_options(args)
    if problem is not None:
        print(f"vssid-serve: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        import h11  # noqa: F401
        import python_multipart  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        print("vssid-serve needs the web extra: pip install 'vssid_id[web]'", file=sys.stderr)
        return EXIT_UNAVAILABLE
    uvicorn.Server(server_config(args)).run()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
