"""BackupAndRestore: survive an interrupted `fit` by backing the training state up every epoch (or every
`save_freq` batches).

The backup is one HDF5 file written atomically (`backup_dir/latest.weights.h5`): the model's weights
and the optimizer's state in the Keras 3 layout, the epoch it completed, and the random number
generator states (torch, NumPy, Python) at that moment. A re-run of the same `fit` restores all of
it and continues from the next epoch, with the same shuffles and dropout masks, so it ends with the
same weights as a run that was never interrupted. The backup is deleted when training completes.
"""
import json
import os
import random

import numpy as np
import torch

from tkeras.callbacks.callback import Callback


class BackupAndRestore(Callback):
    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True, double_checkpoint=False):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir must be a folder path, received an empty value")
        every_n_batches = isinstance(save_freq, int) and not isinstance(save_freq, bool) and save_freq > 0
        if save_freq != "epoch" and save_freq is not False and not every_n_batches:
            raise ValueError(f"BackupAndRestore: invalid save_freq={save_freq!r}; expected 'epoch' or a positive "
                             f"integer (back up every that many batches)")
        self._batches_since_backup = 0
        self._current_epoch = 0
        self.save_before_preemption = False  # tf-keras 2: backups on a preemption signal, which tkeras never gets
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self.double_checkpoint = double_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._previous_path = os.path.join(self.backup_dir, "previous.weights.h5")

    def on_train_begin(self, logs=None):
        path = self._weights_path if os.path.exists(self._weights_path) else (
            self._previous_path if self.double_checkpoint and os.path.exists(self._previous_path) else None)
        if path is None:
            return
        import h5py  # on first use: keeps `import tkeras` light
        from tkeras.saving import weights_store
        with h5py.File(path, "r") as h5:
            weights_store.read_model(h5, self.model, path, load_optimizer=True)
            epoch = int(h5.attrs["tkeras_completed_epoch"])
            _restore_rng(h5["tkeras_rng"])
        self.model._initial_epoch = epoch + 1

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        """With an integer save_freq, as Keras 3: a backup every save_freq batches; a run resumed from it
        starts the epoch it was in again."""
        if self.save_freq in ("epoch", False):
            return
        self._batches_since_backup += 1
        if self._batches_since_backup >= self.save_freq:
            self._batches_since_backup = 0
            self._back_up(completed_epoch=self._current_epoch - 1)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._back_up(completed_epoch=epoch)

    def _back_up(self, completed_epoch):
        import h5py
        from tkeras.saving import weights_store
        from tkeras.saving._atomic import atomic_path
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._weights_path):
            os.replace(self._weights_path, self._previous_path)
        with atomic_path(self._weights_path) as tmp:
            with h5py.File(tmp, "w") as h5:
                weights_store.write_model(h5, self.model, include_optimizer=True)
                h5.attrs["tkeras_completed_epoch"] = int(completed_epoch)
                _save_rng(h5.create_group("tkeras_rng"))

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            for path in (self._weights_path, self._previous_path):
                if os.path.exists(path):
                    os.remove(path)


def _save_rng(group):
    group.create_dataset("torch", data=torch.get_rng_state().numpy())
    name, keys, position, has_gauss, cached = np.random.get_state()
    group.create_dataset("numpy_keys", data=keys)
    group.attrs["numpy"] = json.dumps([name, int(position), int(has_gauss), float(cached)])
    version, internal, gauss = random.getstate()
    group.create_dataset("python", data=np.asarray(internal, dtype=np.int64))
    group.attrs["python"] = json.dumps([version, gauss])
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        for index, state in enumerate(torch.cuda.get_rng_state_all()):
            group.create_dataset(f"cuda_{index}", data=state.numpy())


def _restore_rng(group):
    torch.set_rng_state(torch.from_numpy(np.asarray(group["torch"][()], dtype=np.uint8)))
    name, position, has_gauss, cached = json.loads(group.attrs["numpy"])
    np.random.set_state((name, np.asarray(group["numpy_keys"][()], dtype=np.uint32), position, has_gauss, cached))
    version, gauss = json.loads(group.attrs["python"])
    random.setstate((version, tuple(int(v) for v in group["python"][()]), gauss))
    if torch.cuda.is_available():
        states = [torch.from_numpy(np.asarray(group[k][()], dtype=np.uint8))
                  for k in sorted(k for k in group.keys() if k.startswith("cuda_"))]
        if states:
            torch.cuda.set_rng_state_all(states)
