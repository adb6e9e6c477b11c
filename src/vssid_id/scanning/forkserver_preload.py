"""Imported by the batch's fork server only (:func:`vssid_id.scanning.batch._context` preloads it): a worker
that cannot start because its batch has already ended leaves quietly.

A worker forked by the server reads its start-up data (the pool's queues and
semaphores) from the parent. When Ctrl-C ends the parent in between, the
semaphores are gone and the read fails (``FileNotFoundError`` in
``SemLock._rebuild``); the server's child then printed that traceback under
the parent's "interrupted". Whatever reaches :data:`sys.excepthook` in a child
of the server failed before the worker ran (a worker's own errors are handled
by the pool), and a parent still running reports it as a crashed worker: an
``OSError`` or ``EOFError`` there (the parent, its pipes or its semaphores
gone) is not printed. Any other exception is printed as usual.
"""

from __future__ import annotations

import sys
from types import TracebackType

__all__: list[str] = []


def _quiet_when_the_parent_is_gone(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, (OSError, EOFError)):
        return
    sys.__excepthook__(kind, error, traceback)


sys.excepthook = _quiet_when_the_parent_is_gone
