"""Atomic file writes: write a temporary file in the target's folder, then `os.replace` it.

A save interrupted at any moment (an exception, `kill -9`, a full disk) leaves the previous file
whole: readers see either the old complete file or the new complete one, never half of one. The
temporary file lives in the same folder so that the final rename never crosses file systems.

A killed writer cannot remove its temporary file, so each name says whose it is:
`.<target>.partial-<host>-<pid>-<random>.tmp`. The next write to the same target removes the
partial files of writers on this host that no longer run (a live writer's file is left alone, so
two processes saving side by side do not break each other's saves).
"""
import contextlib
import errno
import os
import re
import socket
import stat
import tempfile
import time

_LEGACY_TMP_AGE_S = 3600  # temporaries of tkeras before the names above carried a pid


def _host():
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40] or "host"


def _prefix(basename):
    return f".{basename}.partial-"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError, OSError):
        return True  # another user's process, or a pid we cannot judge: leave its file
    return True


def remove_stale_partials(filepath):
    """Delete the temporaries that killed writers left beside `filepath`; returns how many."""
    folder = os.path.dirname(os.path.abspath(filepath))
    basename = os.path.basename(filepath)
    ours = re.compile(re.escape(_prefix(basename)) + r"(?P<host>[^-]+)-(?P<pid>\d+)-[^.]+\.tmp$")
    legacy = re.compile(re.escape(f".{basename}.") + r"[A-Za-z0-9_]{8}\.tmp$")
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    host = _host()
    for name in names:
        match = ours.match(name)
        path = os.path.join(folder, name)
        stale = False
        if match:
            stale = match["host"] == host and not _alive(int(match["pid"]))
        elif legacy.match(name):
            with contextlib.suppress(OSError):
                stale = time.time() - os.path.getmtime(path) > _LEGACY_TMP_AGE_S
        else:
            continue
        if stale:
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += 1
    return removed


def _mode_for(filepath):
    """The permissions a plain `open(filepath, "w")` would leave, as Keras' files get them: an existing
    file keeps its own, a new one gets 0o666 less the umask (mkstemp's temporaries are 0o600, which would
    hide a saved model from the other users of a shared folder)."""
    try:
        return stat.S_IMODE(os.stat(filepath).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(filepath):
    """Yields a temporary path to write; on success it replaces `filepath` in one step."""
    filepath = os.fspath(filepath)
    if os.path.isdir(filepath):
        # Typically a SavedModel folder that TensorFlow wrote under a bare name; replacing it would
        # lose the user's files, and os.replace would only fail after the whole save was written.
        raise IsADirectoryError(
            errno.EISDIR, f"{filepath!r} is a folder (a TensorFlow SavedModel?); tkeras saves to one file "
            f"and does not replace a folder: give a file name such as {filepath.rstrip('/') + '.keras'!r}, "
            f"or remove the folder first", filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    remove_stale_partials(filepath)
    prefix = f"{_prefix(os.path.basename(filepath))}{_host()}-{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, _mode_for(filepath))
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
