"""`keras.metrics`: stateful metrics, metric functions, and `get/serialize/deserialize` by Keras name.

As in Keras 3, `get` turns a class name or its snake_case form ('BinaryAccuracy', 'binary_accuracy',
'mse') into a metric instance; the functions stay importable by name (`metrics.binary_accuracy`).
What 'accuracy'/'acc' means in `compile` depends on the loss: see `resolve_accuracy`.
"""
from tkeras.backend.naming import to_snake_case
from tkeras.losses import (
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    categorical_hinge, hinge, huber, kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_error, mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge,
)
from tkeras.losses._registry import Registry
from tkeras.metrics.accuracy import (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy, accuracy, binary_accuracy, categorical_accuracy, resolve_accuracy,
    sparse_categorical_accuracy, sparse_top_k_categorical_accuracy, top_k_categorical_accuracy,
)
from tkeras.metrics.at_threshold import (
    PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
)
from tkeras.metrics.auc import AUC
from tkeras.metrics.confusion import FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives
from tkeras.metrics.correlation import (
    ConcordanceCorrelation, PearsonCorrelation, concordance_correlation, pearson_correlation,
)
from tkeras.metrics.f_score import F1Score, FBetaScore
from tkeras.metrics import keras1_functions
from tkeras.metrics.iou import BinaryIoU, IoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from tkeras.metrics.metric import Metric
from tkeras.metrics.r2_score import R2Score
from tkeras.metrics.reduction import Mean, MeanMetricWrapper, MeanTensor, Sum
from tkeras.metrics import experimental  # tf-keras 2's metrics.experimental.PyMetric
from tkeras.metrics.regression import (
    BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence,
    LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanRelativeError, MeanSquaredError,
    MeanSquaredLogarithmicError, Poisson, RootMeanSquaredError, SparseCategoricalCrossentropy, SquaredHinge,
    cosine_similarity,
)

# Keras 1/2 spellings of the functions.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
acc = accuracy
cosine_proximity = cosine_similarity

_CLASSES = (
    Metric, Mean, Sum, MeanMetricWrapper, Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy, AUC, Precision, Recall, TruePositives, FalsePositives,
    TrueNegatives, FalseNegatives, MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, RootMeanSquaredError, LogCoshError, CosineSimilarity, Hinge, SquaredHinge,
    CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, R2Score, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
    SpecificityAtSensitivity, PearsonCorrelation, ConcordanceCorrelation, F1Score, FBetaScore, IoU, BinaryIoU,
    MeanIoU, OneHotIoU, OneHotMeanIoU, MeanRelativeError, MeanTensor,
)
_FUNCTIONS = (
    accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, log_cosh, cosine_similarity, hinge, squared_hinge, categorical_hinge,
    kl_divergence, poisson, binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    binary_focal_crossentropy, categorical_focal_crossentropy, huber, pearson_correlation, concordance_correlation,
    keras1_functions.fmeasure, keras1_functions.fbeta_score,
)
_ALIASES = {
    "mse": MeanSquaredError, "MSE": MeanSquaredError, "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy, "kld": KLDivergence, "KLD": KLDivergence,
    "kullback_leibler_divergence": KLDivergence, "logcosh": LogCoshError, "log_cosh": LogCoshError,
    "cosine_proximity": CosineSimilarity, "cosine": CosineSimilarity, "rmse": RootMeanSquaredError,
    # Keras 1's batch-wise functions by name ('precision'/'recall' stay the classes, as in Keras 2 and 3).
    "fmeasure": keras1_functions.fmeasure, "fbeta_score": keras1_functions.fbeta_score,
}

_REGISTRY = Registry(
    "metric", "keras.metrics",
    {**{c.__name__: c for c in _CLASSES}, **{to_snake_case(c.__name__): c for c in _CLASSES}, **_ALIASES},
    base_class=Metric, functions={f.__name__: f for f in _FUNCTIONS})


def get(identifier):
    """A metric from a name, a config dict, a Metric instance/class or a function f(y_true, y_pred)."""
    return _REGISTRY.get(identifier)


def serialize(metric):
    return _REGISTRY.serialize(metric)


def deserialize(config, custom_objects=None):
    return _REGISTRY.deserialize(config, custom_objects)
