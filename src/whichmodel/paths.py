"""Where whichmodel keeps its files, and how it opens the files it reads: one definition shared by the
catalog loader, the catalog cache, scope files and the Hub snapshot (stdlib only)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

ENV_CACHE_DIR = "WHICHMODEL_CACHE_DIR"
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # the largest catalog, scope or snapshot file whichmodel reads


def cache_dir() -> Path:
    """``WHICHMODEL_CACHE_DIR`` when set, else the platformdirs user cache dir for whichmodel."""
    env = os.environ.get(ENV_CACHE_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("whichmodel", appauthor=False))


class NotRegularFile(OSError):
    """The path names a pipe, socket, device or folder: reading it could block or never end."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(f"is {kind}, not a regular file")
        self.kind = kind
        self.path = str(path)


class FileTooLarge(OSError):
    def __init__(self, path: Path | str, size: int | None, limit: int) -> None:
        what = f"is {size:,} bytes" if size is not None else "is larger"
        super().__init__(f"{what}, more than the {limit:,} a document may have")
        self.size = size
        self.limit = limit
        self.path = str(path)


class NotPrivate(OSError):
    """A cache file (or its folder) another user could have written: not trusted."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def is_private(st: os.stat_result) -> bool:
    """Owned by this user and not writable by group or others (always true where there are no uids)."""
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return not st.st_mode & 0o022


def private_dir(folder: Path) -> bool:
    """True when ``folder`` is a real directory (not a symlink) that only this user can write.

    The catalog cache is used only in such a folder: in a shared one (``/opt/whichmodel-cache`` with mode
    1777, a squatted ``XDG_CACHE_HOME``) another user could plant or swap files.
    """
    try:
        st = os.lstat(folder)
    except (OSError, ValueError):
        return False
    return stat.S_ISDIR(st.st_mode) and is_private(st)


def read_bounded(
    path: Path, limit: int = MAX_DOCUMENT_BYTES, *, nofollow: bool = False, private: bool = False
) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; raises OSError otherwise.

    The file is opened first (non-blocking, so a FIFO without a writer does not hang) and every check is
    made on the open descriptor (``fstat``), so the file checked is the file read: no stat/open race.
    ``nofollow``: refuse a symbolic link (``O_NOFOLLOW``). ``private``: refuse a file another user owns
    or can write (:class:`NotPrivate`). Raises :class:`NotRegularFile` for pipes, devices, sockets and
    folders and :class:`FileTooLarge` past ``limit``.
    """
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    )
    if nofollow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except ValueError as exc:  # a NUL byte in the path
        raise OSError(f"invalid path ({exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(path, _kind(st.st_mode))
        if private and not is_private(st):
            raise NotPrivate(f"{path} belongs to another user or others can write it")
        if st.st_size > limit:
            raise FileTooLarge(path, st.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while True:  # the size may change while reading: never read past the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLarge(path, None, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


class DocumentError(Exception):
    """A file could not be read as a document. ``line`` is 1-based or None."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        message = " ".join(message.split())  # always one line: it ends up in `file:line: field: message`
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line


def read_bytes(path: Path) -> bytes:
    """The file's bytes, bounded; a pipe, socket, device or folder is refused before reading (it could block)."""
    try:
        return read_bounded(path, MAX_DOCUMENT_BYTES)
    except FileTooLarge as exc:
        raise DocumentError(path, str(exc)) from None
    except NotRegularFile as exc:
        hint = "; save it to a file first" if exc.kind != "a directory" else ""
        raise DocumentError(path, f"{exc}{hint}") from None
    except FileNotFoundError:
        raise DocumentError(path, "does not exist") from None
    except PermissionError:
        raise DocumentError(path, "cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise DocumentError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise DocumentError(path, f"cannot be read ({exc.strerror or exc})") from None
