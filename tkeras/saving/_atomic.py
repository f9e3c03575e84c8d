"""Atomic file writes: write a temporary file in the target's folder, then `os.replace` it.

A save interrupted at any moment (an exception, `kill -9`, a full disk) leaves the previous file
whole: readers see either the old complete file or the new complete one, never half of one. The
temporary file lives in the same folder so that the final rename never crosses file systems.
"""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_path(filepath):
    """Yields a temporary path to write; on success it replaces `filepath` in one step."""
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(filepath) + ".", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
