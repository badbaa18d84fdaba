"""Atomic output: write to a hidden temp file beside the target, fsync, then rename over it.

Readers of ``path`` see either the old file or the complete new one, never a half-written one.
A process killed mid-write (SIGKILL, power loss) leaves only a hidden ``.NAME.PID.*.tmp`` file,
which the next successful write of the same target removes once its writer is dead.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+\.tmp$")


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temp file in the target's folder; on success fsync and rename it over ``path``.

    An exception (or a crash) leaves any existing ``path`` untouched. The new file gets the
    permissions of the file it replaces, else the usual ones (0666 minus the umask). If ``path``
    is a symlink, its target is replaced.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "graph.json"
    >>> with atomic_open(out) as fh:
    ...     _ = fh.write("{}")
    >>> out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('{}', ['graph.json'])
    """
    if mode not in ("w", "wt", "wb"):
        raise ValueError(f"atomic_open writes whole files: mode {mode!r} must be 'w' or 'wb'")
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, _mode_for(path))
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            fd = -1  # owned by fh now
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    remove_stale_temps(path)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Delete temp files left beside ``path`` by writers that were killed; return what was removed.

    A temp file is stale when the process id in its name is no longer running. Best effort:
    errors are ignored, and a live writer's temp file is never touched.
    """
    path = Path(path)
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            m = _TEMP.match(entry.name)
            if m and m["name"] == path.name and not _alive(int(m["pid"])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists but belongs to someone else
        return True
    return True


def _mode_for(path: Path) -> int:
    """Permission bits for the new file: those of the file it replaces, else 0666 minus the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # The only portable way to read the umask is to set it; do so once (not thread-safe to repeat).
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


_UMASK: int | None = None


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
