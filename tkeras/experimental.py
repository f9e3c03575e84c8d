"""tf-keras 2's `keras.experimental`: the cosine learning-rate schedules (now in
`keras.optimizers.schedules`), the premade LinearModel and WideDeepModel, and two TensorFlow-only
names that say what replaces them.
"""
from tkeras.models.linear_model import LinearModel
from tkeras.models.wide_deep_model import WideDeepModel
from tkeras.optimizers.schedules import CosineDecay, CosineDecayRestarts


class SequenceFeatures:
    """tf-keras 2's SequenceFeatures layer (TensorFlow feature columns); not available in tkeras."""

    def __init__(self, feature_columns, trainable=True, name=None, **kwargs):
        raise NotImplementedError(
            "keras.experimental.SequenceFeatures (TensorFlow feature columns, tf-keras 2) is not supported in tkeras; "
            "preprocess sequence features with keras.layers (StringLookup, IntegerLookup, Embedding) or "
            "keras.utils.FeatureSpace instead")


class SidecarEvaluator:
    """tf-keras 2's SidecarEvaluator (evaluates TensorFlow checkpoints in a side job); not available in tkeras."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(
            "keras.experimental.SidecarEvaluator (tf-keras 2, evaluating TensorFlow checkpoints in a side job) is not "
            "supported in tkeras; save with keras.callbacks.ModelCheckpoint and run model.evaluate on the saved "
            "files in a separate process instead")


__all__ = ["CosineDecay", "CosineDecayRestarts", "LinearModel", "SequenceFeatures", "SidecarEvaluator",
           "WideDeepModel"]
