"""How torch's CPU threads wait between parallel regions: asleep, unless the user chose otherwise.

torch's CPU wheels run their intra-op threads on GNU OpenMP, whose idle threads spin for a while
after every parallel region. On a machine shared with other busy processes that is the collapse the
issue tracker saw (a Reuters LSTM epoch at 25 s instead of 6 s): the spinning threads burn cores the
other processes need, and each parallel region then waits for a thread the scheduler has pushed
aside. On the 2-core project machine under load, one 6,400-sample epoch of the MNIST MLP with torch's
2 threads took 5-9 s spinning and 0.3-0.7 s with passive waiting (`bench/bench_contention.py`
measures the loaded/quiet ratio). Passive waiting costs a wake-up per parallel region; torch only
opens regions for large tensors, so on a quiet machine the price is small.

libgomp reads its settings once, when torch loads it: this module therefore runs before tkeras
imports torch (the first import of `tkeras.backend`), and does nothing when torch is already loaded.
Users choose for themselves with `OMP_WAIT_POLICY` (ACTIVE: spin, as torch does by default) or
`GOMP_SPINCOUNT`; either one set leaves the environment alone. The setting is inherited by child
processes started afterwards, as any environment variable is.
"""
import os
import sys

# Settings through which a user (or a launcher) has already chosen how OpenMP threads wait.
USER_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")


def apply_default_wait_policy(environ=None, modules=None):
    """Set OMP_WAIT_POLICY=PASSIVE when nobody chose and torch's OpenMP is not loaded yet.

    Returns whether it set the variable.
    """
    environ = os.environ if environ is None else environ
    modules = sys.modules if modules is None else modules
    if "torch" in modules or any(name in environ for name in USER_SETTINGS):
        return False
    environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True


APPLIED = apply_default_wait_policy()
