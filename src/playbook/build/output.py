"""Atomic output: a build is written aside and swapped in whole.

The new tree is written to a staging folder next to `build/`. Only when
every file is written does it replace `build/`: with one atomic exchange of
the two folders where Linux offers it (renameat2 RENAME_EXCHANGE), else
with two renames. A build that fails or is killed leaves the previous
`build/` untouched; leftovers of a killed build are cleaned up by the next.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

_STAGING = ".playbook-staging-"
_RETIRED = ".playbook-retired-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _libc_renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    return function


_renameat2 = _libc_renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step; False when the system cannot."""
    if _renameat2 is None:
        return False
    result = _renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def clean_leftovers(target: Path) -> None:
    """Remove staging and retired folders a killed build left next to `target`."""
    parent = target.parent
    if not parent.is_dir():
        return
    retired = sorted(parent.glob(f"{_RETIRED}*"))
    if retired and not target.exists():
        log.info("restoring the previous build from %s", retired[0].name)
        os.rename(retired[0], target)  # a build was killed between two renames
    for entry in parent.iterdir():
        if entry.name.startswith((_STAGING, _RETIRED)) and entry.is_dir():
            log.info("removing leftover %s", entry.name)
            shutil.rmtree(entry, ignore_errors=True)


def new_staging(target: Path) -> Path:
    """A fresh, empty staging folder beside `target` (same file system)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f"{_STAGING}{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return staging


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """A staging folder to fill; published over `target` only if all goes well."""
    staging = new_staging(target)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, target)


def publish(staging: Path, target: Path) -> None:
    """Replace `target` with `staging` so readers see the old or the new tree."""
    if not target.exists():
        os.rename(staging, target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous build
        return
    retired = target.parent / f"{_RETIRED}{os.getpid()}"
    os.rename(target, retired)
    os.rename(staging, target)
    shutil.rmtree(retired, ignore_errors=True)
