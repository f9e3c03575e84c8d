"""Memory a training step frees stays in the process for the next step, instead of going back to the OS.

torch takes CPU tensors from malloc. With glibc's defaults, blocks above a threshold (which grows with
use, up to 32 MB) are fresh mmap()s, unmapped again when freed, and a free heap top larger than twice
that threshold is returned to the system. A training loop frees most of what a step allocated
(activations, gradients, oneDNN's LSTM workspace: 64 MB a step for seed 001) and allocates it again
the next step, so every step touches fresh pages and the kernel zero-fills each one on its first
touch. Measured on the 2-core CPU (minor faults and epoch seconds, before -> with this module):
seed 001's Reuters LSTM 275,000 faults an epoch of 3,000 samples -> 3 (1.70-1.78 s -> 1.14-1.16 s),
seed 002's CNN-BiLSTM 200,000 faults -> 1 (1.19-1.23 s -> 0.92-1.02 s for 1,024 samples), the MNIST
MLP 24,000 -> 13 (0.68-0.70 s -> 0.49-0.54 s for 30,000 samples). jemalloc and tcmalloc avoid this by
keeping freed memory; TensorFlow and JAX keep theirs in their own allocators.

So, from the first loop (fit, evaluate, predict, train_on_batch & co.) or the first optimizer update
of a custom training loop, glibc is asked (mallopt) to keep up to 256 MB of free heap top and to map
only blocks of 32 MB or more (glibc's largest threshold); and while a loop runs, to serve every
allocation from its heap, however large (after the loop mmap is allowed again). Memory the heap
keeps is reused by the next step or the next loop; what it holds at most is about the loop's own
peak, as with jemalloc or tcmalloc.

Only with glibc, and not where the user chose for themselves (any MALLOC_* variable, GLIBC_TUNABLES
naming malloc, another allocator in LD_PRELOAD); TKERAS_KEEP_FREED_MEMORY=0 turns it off.
"""
import contextlib
import ctypes
import os
import sys

# mallopt parameters (glibc's malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_MMAP_MAX = -4

KEEP_FREE_TOP = 256 << 20  # bytes of free heap top kept instead of trimmed (seed 001 needs >64 MB)
MMAP_THRESHOLD = 32 << 20  # glibc's largest dynamic threshold: what a long-running process reaches
DEFAULT_MMAP_MAX = 65536  # glibc's default number of simultaneous mmap()ed blocks

_STATE = {"libc": None, "depth": 0}


@contextlib.contextmanager
def keeping_freed_memory():
    """For the duration of a loop: every allocation from the heap; nested loops join the outer one."""
    libc = configure()
    if libc is None:
        yield
        return
    _STATE["depth"] += 1
    if _STATE["depth"] == 1:
        libc.mallopt(M_MMAP_MAX, 0)
    try:
        yield
    finally:
        _STATE["depth"] -= 1
        if _STATE["depth"] == 0:
            libc.mallopt(M_MMAP_MAX, DEFAULT_MMAP_MAX)


def configure():
    """Make the process-wide settings (once). Returns glibc, or None where this module stays out."""
    if _STATE["libc"] is None:
        _STATE["libc"] = _apply_settings() or False
    return _STATE["libc"] or None


def _apply_settings():
    if not sys.platform.startswith("linux") or not wanted(os.environ):
        return None
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version  # noqa: B018 - present in glibc only (musl's mallopt does nothing)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    if not (mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) and mallopt(M_TRIM_THRESHOLD, KEEP_FREE_TOP)):
        return None
    return libc


def wanted(environ):
    """False where the user turned this off or tuned the allocator themselves."""
    if environ.get("TKERAS_KEEP_FREED_MEMORY", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if any(name.startswith("MALLOC_") for name in environ) or "malloc" in environ.get("GLIBC_TUNABLES", ""):
        return False
    return not any(name in environ.get("LD_PRELOAD", "") for name in ("jemalloc", "tcmalloc", "mimalloc"))
