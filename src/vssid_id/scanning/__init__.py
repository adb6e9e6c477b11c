"""Scanning: images and cards together, one image or a batch at a time.

* :mod:`.scanner` — :func:`~.scanner.scan`: decode an image and parse each code
  (:class:`~.scanner.ScanResult`);
* :mod:`.report` — the JSON shapes of a scan, a record and an error that the
  CLI and the API print;
* :mod:`.batch` — many inputs in worker processes, one report each, in order;
* :mod:`.sources` — where inputs come from: paths, directories, globs, URLs (fsspec), listed lazily;
* :mod:`.archive` — :func:`~.archive.scan_many`: one row per input, on the pool or a Dask cluster;
* :mod:`.parquet` — those rows into a resumable folder of Parquet files;
* :mod:`.debug_images` — the outlined image and the ladder's steps, for ``--debug-dir``.

Imports the images and cards wings; nothing above them.
"""
