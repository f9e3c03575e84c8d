"""tkeras.callbacks: the Callback base class and the callbacks Keras ships."""
import types

from tkeras.callbacks.callback import Callback
from tkeras.callbacks.callback_list import CallbackList
from tkeras.callbacks.history import History
from tkeras.callbacks.progbar_logger import ProgbarLogger
from tkeras.callbacks.backup_and_restore import BackupAndRestore
from tkeras.callbacks.base_logger import BaseLogger
from tkeras.callbacks.csv_logger import CSVLogger
from tkeras.callbacks.early_stopping import EarlyStopping
from tkeras.callbacks.lambda_callback import LambdaCallback
from tkeras.callbacks.learning_rate_scheduler import LearningRateScheduler
from tkeras.callbacks.model_checkpoint import ModelCheckpoint
from tkeras.callbacks.monitor_callback import MonitorCallback
from tkeras.callbacks.orbax_checkpoint import OrbaxCheckpoint
from tkeras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from tkeras.callbacks.remote_monitor import RemoteMonitor
from tkeras.callbacks.swap_ema_weights import SwapEMAWeights
from tkeras.callbacks.tensorboard import TensorBoard
from tkeras.callbacks.terminate_on_nan import TerminateOnNaN
from tkeras.utils.tensorflow_only import SidecarEvaluatorModelExport, UpdateEmbeddingCallback

# tf-keras 2.8-2.10 spelled BackupAndRestore under `callbacks.experimental`.
experimental = types.SimpleNamespace(BackupAndRestore=BackupAndRestore, UpdateEmbeddingCallback=UpdateEmbeddingCallback)
