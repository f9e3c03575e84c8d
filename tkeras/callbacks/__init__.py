"""tkeras.callbacks: the Callback base class and the callbacks Keras ships.

The four that every `fit` uses load with the package; the others load on first use.
"""
import types

from tkeras._lazy_exports import lazy_exports
from tkeras.callbacks.callback import Callback
from tkeras.callbacks.callback_list import CallbackList
from tkeras.callbacks.history import History
from tkeras.callbacks.progbar_logger import ProgbarLogger

_MODULES = {
    "BackupAndRestore": "backup_and_restore", "BaseLogger": "base_logger", "CSVLogger": "csv_logger",
    "EarlyStopping": "early_stopping", "LambdaCallback": "lambda_callback",
    "LearningRateScheduler": "learning_rate_scheduler", "ModelCheckpoint": "model_checkpoint",
    "MonitorCallback": "monitor_callback", "OrbaxCheckpoint": "orbax_checkpoint",
    "ReduceLROnPlateau": "reduce_lr_on_plateau", "RemoteMonitor": "remote_monitor",
    "SwapEMAWeights": "swap_ema_weights", "TensorBoard": "tensorboard", "TerminateOnNaN": "terminate_on_nan",
}
_LAZY = {name: (f"tkeras.callbacks.{module}", name) for name, module in _MODULES.items()}
_LAZY.update({"SidecarEvaluatorModelExport": ("tkeras.utils.tensorflow_only", "SidecarEvaluatorModelExport"),
              "UpdateEmbeddingCallback": ("tkeras.callbacks.update_embedding", "UpdateEmbeddingCallback")})


def _experimental():
    # tf-keras 2.8-2.10 spelled BackupAndRestore under `callbacks.experimental`.
    return types.SimpleNamespace(BackupAndRestore=__getattr__("BackupAndRestore"),
                                 UpdateEmbeddingCallback=__getattr__("UpdateEmbeddingCallback"))


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, built={"experimental": _experimental})
