"""Atomic file writing (reports, baselines, config files).

CI systems pick up report files (SARIF, JUnit) as soon as they exist; a half-written file from a
crash or a full disk would be read as a corrupt report. So we write to a temporary file in the
same directory (same filesystem, so the rename is atomic) and ``os.replace`` it into place. On
any failure the temporary file is removed and the target is left untouched.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from checker.errors import UsageError


def _new_file_mode(target: Path) -> int:
    """Keep an existing file's permissions; otherwise what ``open()`` would give (0666 & ~umask).

    mkstemp creates files 0600, which would make a report unreadable to e.g. a web server.
    """
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, writer: Callable[[TextIO], None], *, encoding: str = "utf-8") -> None:
    """Call ``writer`` with a text stream and move the result to ``path`` only if it succeeds.

    ``OSError`` (missing directory, full disk, permissions) becomes :class:`UsageError`, one
    clear line; any other exception from ``writer`` propagates unchanged. Either way no
    temporary file is left behind and an existing ``path`` is untouched.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a directory")
    if not directory.is_dir():
        raise UsageError(f"cannot write {path}: directory {directory} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as fh:
            writer(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically."""

    def write(fh: TextIO) -> None:
        fh.write(text)

    atomic_write(path, write, encoding=encoding)
