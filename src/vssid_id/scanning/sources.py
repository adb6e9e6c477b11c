"""Where a batch's inputs come from: local paths, directories, globs and URLs, listed lazily.

The rules, for ``vssid-scan`` and :func:`vssid_id.scan_many` alike:

* **A local path** is a file, or a directory searched recursively for image
  files (by suffix, :data:`~vssid_id.scanning.batch.IMAGE_SUFFIXES`), in path
  order. A directory is walked one folder at a time (``os.scandir``, each
  folder's entries sorted), so a tree of millions of files is never listed
  whole in memory; symbolic links to folders are not followed (as
  :func:`os.walk`).
* **A glob** (``scans/2019/**/*.jpg``; ``*``, ``?`` or ``[`` in a name that
  does not exist) stands for its matches, sorted; each match is then taken as
  if it had been given (a directory among them is searched).
* **A URL** (``s3://bucket/prefix/``, ``gs://…``, ``https://…``, ``memory://…``)
  is listed and read through `fsspec <https://filesystem-spec.readthedocs.io>`_,
  with the storage's own package as the user's choice (``s3fs``, ``gcsfs``, …;
  fsspec says which one is missing). A prefix is listed with fsspec's
  ``find`` (object stores answer it with one paginated listing): the names
  are held, never the images. ``file://`` URLs are local paths and follow the
  local rules. Each image is read by the process that scans it
  (:func:`read_url`), streamed with the same byte cap as a local file.
* Problems found while listing (a missing path, an unreadable folder, a URL
  whose storage package is missing) become items that carry their error
  entry, in their place in the batch.

Names are reported as given (a URL keeps its scheme).
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .batch import IMAGE_SUFFIXES, Entry, WorkItem, _os_message, _strip_name, exception_name, input_error

__all__ = ["is_url", "iter_inputs", "read_url"]

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: str) -> bool:
    """Whether ``text`` names a resource by URL (``scheme://…``) rather than a local path.

    >>> is_url("s3://bucket/scans/"), is_url("scans/a.jpg"), is_url("C:/scans")
    (True, False, False)
    """
    return _URL.match(text) is not None


def _is_image_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_SUFFIXES


# --- local -----------------------------------------------------------------------------


def _walk(root: str) -> Iterator[tuple[str, Entry | None]]:
    """The image files under ``root`` in path order, one folder listed at a time; unreadable folders in place."""
    found = False

    def visit(folder: str) -> Iterator[tuple[str, Entry | None]]:
        nonlocal found
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            message = "directory " + _os_message(error).replace("no such file", "disappeared while being read")
            found = True
            yield folder, input_error(message)
            return
        for entry in entries:
            try:
                is_folder = entry.is_dir() and not entry.is_symlink()
            except OSError:
                is_folder = False
            if is_folder:
                yield from visit(entry.path)
            elif _is_image_name(entry.name) and not (entry.is_symlink() and os.path.isdir(entry.path)):
                found = True
                yield entry.path, None

    yield from visit(root)
    if not found:
        yield root, input_error("directory holds no image files")


def _local(item: str) -> Iterator[tuple[str, Entry | None]]:
    """``(name, entry or None)`` for each image of a local argument: a directory, a file, or a glob."""
    if os.path.isdir(item):
        yield from _walk(item)
    elif os.path.lexists(item):
        yield item, None
    elif glob.has_magic(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            yield item, input_error("no file matches this pattern")
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(match)
            else:
                yield match, None
    else:
        yield item, input_error("no such file")


def _file_url_path(url: str) -> str:
    """``file:///scans/a.jpg`` → ``/scans/a.jpg`` (``file://localhost/…`` too)."""
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError("a file:// URL names a file on this machine (file:///path)")
    return url2pathname(unquote(parts.path))


# --- remote (fsspec) --------------------------------------------------------------------


def _filesystem(url: str) -> tuple[Any, str]:
    """fsspec's file system and path for ``url``; ImportError names the package to install."""
    try:
        import fsspec.core
    except ImportError:
        raise ImportError("URLs are read through fsspec: pip install 'vssid_id[dask]' (or fsspec)") from None
    fs, path = fsspec.core.url_to_fs(url)
    return fs, str(path)


_MAGIC = re.compile(r"[*?[]")


def _namer(url: str, path: str, fs: Any) -> Callable[[str], str]:
    """Listed path → the name reported: the URL as the user spelt it, with the listed rest appended."""
    magic_url, magic_path = _MAGIC.search(url.split("://", 1)[1]), _MAGIC.search(path)
    fixed_url = url if magic_url is None else url[: url.index("://") + 3 + magic_url.start()].rsplit("/", 1)[0]
    fixed_path = path if magic_path is None else path[: magic_path.start()].rsplit("/", 1)[0]
    fixed_url, fixed_path = fixed_url.rstrip("/"), fixed_path.rstrip("/")

    def name(listed: str) -> str:
        if fixed_path and listed.startswith(fixed_path + "/"):
            return fixed_url + "/" + listed[len(fixed_path) + 1 :]
        return str(fs.unstrip_protocol(listed))

    return name


def _remote(url: str) -> Iterator[tuple[str, Entry | None]]:
    """``(url, entry or None)`` for each image under a URL: an object, a prefix (listed by ``find``) or a glob."""
    scheme = url.split("://", 1)[0]
    try:
        fs, path = _filesystem(url)
    except (ImportError, ValueError) as error:  # fsspec or the storage's package missing; a scheme unknown
        yield url, input_error(f"{scheme}:// cannot be read here: {error}", type(error).__name__)
        return
    try:
        if _MAGIC.search(path):
            names = sorted(fs.glob(path))
            if not names:
                yield url, input_error("no object matches this pattern")
                return
        elif fs.isdir(path):
            names = [name for name in fs.find(path) if _is_image_name(name)]
            if not names:
                yield url, input_error("directory holds no image files")
                return
        elif fs.exists(path):
            yield url, None
            return
        else:
            yield url, input_error("no such file")
            return
    except OSError as error:
        yield url, input_error(_os_message(error))
        return
    except Exception as error:  # a storage package's own error (credentials, a bad bucket name, …)
        yield url, input_error(f"cannot be listed ({exception_name(error)})")
        return
    name = _namer(url, path, fs)
    for listed in names:
        yield name(listed), None


def read_url(url: str, max_bytes: int) -> bytes:
    """The bytes of the object at ``url``, streamed through fsspec with the byte cap of a local file.

    Raises :class:`~vssid_id.errors.ImageTooLarge` past ``max_bytes`` (at
    most ``max_bytes + 1`` bytes are read) and :class:`OSError` when the
    object cannot be read, whatever the storage package raised (its type
    named, its text not repeated).
    """
    from ..images.loading import read_limited

    try:
        fs, path = _filesystem(url)
        with fs.open(path, "rb") as stream:
            return read_limited(stream, max_bytes, url)
    except (OSError, ValueError):  # ours (ImageError is a ValueError) and the OS's
        raise
    except ImportError as error:
        raise OSError(5, str(error)) from None
    except Exception as error:
        raise OSError(5, exception_name(error)) from None


# --- together ---------------------------------------------------------------------------


def iter_inputs(inputs: Iterable[str], read_stdin: Callable[[], bytes]) -> Iterator[WorkItem]:
    """One work item per image, lazily: directories searched, globs matched, URLs listed, ``-`` read (once).

    Problems found here become items that carry their error entry, in their place.
    """
    from ..errors import VssidError

    index = 0

    def item(name: str, **what: Any) -> WorkItem:
        nonlocal index
        index += 1
        return WorkItem(index, name, **what)

    for argument in inputs:
        if argument == "-":
            try:
                yield item("<stdin>", data=read_stdin())
            except VssidError as error:
                yield item("<stdin>", entry=input_error(_strip_name(error.reason, "<stdin>"), type(error).__name__))
            except OSError as error:
                yield item("<stdin>", entry=input_error(_os_message(error)))
        elif argument == "":
            yield item(argument, entry=input_error("empty file name"))
        elif argument.lower().startswith("file://"):
            try:
                local = _file_url_path(argument)
            except ValueError as error:
                yield item(argument, entry=input_error(str(error)))
                continue
            for name, entry in _local(local):
                yield item(name, path=name, entry=entry)
        elif is_url(argument):
            for name, entry in _remote(argument):
                yield item(name, url=name, entry=entry)
        else:
            for name, entry in _local(argument):
                yield item(name, path=name, entry=entry)
