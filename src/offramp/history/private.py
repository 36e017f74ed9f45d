"""Keeping the run history private to the user who records it.

The store holds the full text of every scenario analysed, which may be confidential, so its
folder is created 0700 and its file 0600 whatever the umask (SQLite creates the ``-wal`` and
``-shm`` side files with the permissions of the database file). An existing store of ours
that is readable by others is tightened; a folder we did not create (``OFFRAMP_HOME=/tmp``,
say) is left alone, since changing a shared folder's mode is not the history's business.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(folder: Path) -> None:
    """Create ``folder`` and each missing parent 0700 whatever the umask (``mkdir(parents=
    True)`` makes the parents with the umask's mode: 0777 under umask 000); an existing
    folder is not changed."""
    missing: list[Path] = []
    here = folder
    while not here.is_dir():
        missing.append(here)
        if here.parent == here:
            break
        here = here.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another process: not ours to change
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask


def private_file(path: Path) -> None:
    """Create ``path`` 0600 if it is missing; tighten it (and its side files) to 0600 if it is
    ours and readable or writable by others."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    except OSError:
        return  # let SQLite report why it cannot open the file
    try:
        st = os.fstat(fd)
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        try:
            st = side.lstat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and st.st_mode & 0o077:
            os.chmod(side, FILE_MODE)
