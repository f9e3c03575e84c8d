"""OrbaxCheckpoint (Keras 3.15): refused with the alternative named.

Keras' version writes Orbax checkpoint directories through the `orbax-checkpoint` package, which is
built on JAX; Keras itself fails at construction when Orbax is missing. tkeras has no Orbax writer,
so it fails the same way, at construction, pointing at ModelCheckpoint/BackupAndRestore. The status
methods Keras' callback offers answer for the single-host, synchronous case (reachable from subclasses).
"""
from tkeras.callbacks.callback import Callback


class OrbaxCheckpoint(Callback):
    def __init__(self, directory, monitor="val_loss", verbose=0, save_best_only=False, mode="auto",
                 save_freq="epoch", initial_value_threshold=None, max_to_keep=1, save_on_background=True,
                 save_weights_only=False):
        raise ImportError(
            f"OrbaxCheckpoint({directory!r}) writes Orbax (JAX) checkpoint directories, which tkeras does not "
            f"support. Use keras.callbacks.ModelCheckpoint('{directory}/ckpt-{{epoch:02d}}.keras', "
            f"monitor={monitor!r}, save_best_only={save_best_only}) for model files, or BackupAndRestore "
            f"to resume an interrupted fit.")

    def is_multihost_enabled(self):
        """Whether checkpoints are coordinated across hosts (Orbax on JAX): never in tkeras."""
        return False

    def is_primary_host(self):
        """Whether this process writes for the group of hosts: a single host always does."""
        return True

    def wait_until_finished(self):
        """Block until background checkpoint writes end: tkeras starts none, so it returns at once."""
        return None
