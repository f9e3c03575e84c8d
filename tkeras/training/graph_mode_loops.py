"""What a script sees of tf-keras 2's TF1-style loops once it called `tf.compat.v1.disable_eager_execution()`.

tkeras keeps running eagerly, but that switch changed what tf-keras 2 prints, and TF 2.x notebooks that
turned eager execution off (to make a predict() called once per game step faster) recorded it: fit
announces "Train on 8955 samples, validate on 2985 samples" and its bar counts samples ("8955/8955 [===]
- 2s 237us/sample"); evaluate and predict draw no bar at all, whatever `verbose` says, so an agent that
predicts once per step does not flood the output with one bar per call. Like TensorFlow's switch it is
process-wide; `enable_eager_execution()` / `enable_v2_behavior()` turn it back off.
"""
from tkeras.utils import io_utils

_graph_mode = {"requested": False}


def request_graph_mode(requested):
    _graph_mode["requested"] = bool(requested)


def graph_mode_requested():
    return _graph_mode["requested"]


def start_fit(train_batches, validation_batches):
    """Prints the line tf-keras 2's graph loop opens a fit with ("Train on 30 samples, validate on 10
    samples"; "Train on 3 steps" for a dataset or a fixed number of steps) and returns the extra params
    fit gives its callbacks: on arrays iterated whole, tf-keras 2's `samples`/`batch_size`, from which
    the default progress bar counts samples."""
    if not _counts_samples(train_batches):
        if train_batches.steps:
            message = f"Train on {train_batches.steps} steps"
            if validation_batches is not None and validation_batches.steps:
                message += f", validate on {validation_batches.steps} steps"
            io_utils.print_msg(message)
        return {}
    message = f"Train on {train_batches.num_samples} samples"
    validation_samples = getattr(validation_batches, "num_samples", None)
    if validation_samples:
        message += f", validate on {validation_samples} samples"
    io_utils.print_msg(message)
    return {"samples": train_batches.num_samples, "batch_size": train_batches.batch_size}


def _counts_samples(train_batches):
    """tf-keras 2's graph loop counts samples for in-memory arrays iterated whole (no steps_per_epoch);
    datasets, generators and a fixed number of steps keep a bar of steps."""
    return getattr(train_batches, "num_samples", None) is not None and train_batches.steps == getattr(
        train_batches, "num_batches", None)
