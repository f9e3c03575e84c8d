"""tf-keras 2 names that only make sense on TensorFlow's machinery, refused with what to use instead.

They exist so that a tf-keras script importing them fails at the point of use with a sentence that
says why and what to do, rather than with an AttributeError: TensorFlow checkpoints read by a sidecar
job, `steps_per_execution` tuning of traced functions.
"""


def _refused(name, why, instead):
    def __init__(self, *args, **kwargs):
        raise NotImplementedError(f"{name}: {why}, which tkeras does not have. {instead}")

    return type(name, (), {"__init__": __init__, "__doc__": f"Refused in tkeras: {why}. {instead}",
                           "__module__": __name__})


SidecarEvaluator = _refused(
    "SidecarEvaluator", "it evaluates the TensorFlow checkpoints a training job writes",
    "Save checkpoints with keras.callbacks.ModelCheckpoint(save_weights_only=True) and evaluate them with "
    "model.load_weights(path) followed by model.evaluate(...).")
SidecarEvaluatorModelExport = _refused(
    "SidecarEvaluatorModelExport", "it exports the best model seen by a SidecarEvaluator",
    "Use keras.callbacks.ModelCheckpoint(filepath, save_best_only=True) in the evaluating process.")
StepsPerExecutionTuner = _refused(
    "StepsPerExecutionTuner", "it tunes `steps_per_execution` of TensorFlow's traced training function",
    "tkeras runs each step eagerly on torch kernels; there is nothing to tune, so drop the tuner.")
