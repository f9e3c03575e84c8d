"""`keras.losses`: loss classes, loss functions, and `get/serialize/deserialize` by Keras name.

`get('binary_crossentropy')` gives the function and `get('BinaryCrossentropy')` an instance, as in
Keras 3; the short and legacy names of Keras 1/2 ('mse', 'kld', 'logcosh', 'huber_loss', ...) work
too. Unknown names raise a ValueError that lists the valid ones and suggests the closest.
"""
from tkeras.losses._registry import Registry
from tkeras.losses.circle import Circle, circle
from tkeras.losses.crossentropy import (
    BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy, SparseCategoricalCrossentropy, binary_crossentropy,
    binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    categorical_generalized_cross_entropy, sparse_categorical_crossentropy,
)
from tkeras.losses.ctc import CTC, ctc
from tkeras.losses.hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge
from tkeras.losses.loss import Loss, LossFunctionWrapper, reduce_weighted_values
from tkeras.losses.probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from tkeras.losses.reduction import Reduction
from tkeras.losses.regression import (
    CosineSimilarity, Huber, LogCosh, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
    MeanSquaredLogarithmicError, cosine_similarity, huber, log_cosh, mean_absolute_error,
    mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error,
)
from tkeras.losses.segmentation import Dice, Tversky, dice, tversky

# Keras 1/2 spellings, still found in old scripts and saved configs.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
huber_loss = huber
bce = BCE = binary_crossentropy
cosine_proximity = cosine_similarity

_CLASSES = (
    Loss, LossFunctionWrapper, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, KLDivergence,
    Poisson, Hinge, SquaredHinge, CategoricalHinge, Dice, Tversky, Circle, CTC, CategoricalGeneralizedCrossEntropy,
)
_FUNCTIONS = (
    binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    sparse_categorical_crossentropy, mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, cosine_similarity, huber, log_cosh, kl_divergence, poisson, hinge,
    squared_hinge, categorical_hinge, dice, tversky, circle, ctc, categorical_generalized_cross_entropy,
)
_ALIASES = {
    "mse": mse, "MSE": mse, "mae": mae, "MAE": mae, "mape": mape, "MAPE": mape, "msle": msle, "MSLE": msle,
    "kld": kld, "KLD": kld, "kullback_leibler_divergence": kld, "logcosh": logcosh, "huber_loss": huber,
    "bce": bce, "BCE": bce, "cosine_proximity": cosine_similarity, "cosine": cosine_similarity,
}

_REGISTRY = Registry("loss", "keras.losses",
                     {**{c.__name__: c for c in _CLASSES}, **{f.__name__: f for f in _FUNCTIONS}, **_ALIASES},
                     base_class=Loss)


def get(identifier):
    """A loss from a name, a config dict, a Loss instance/class or a function."""
    return _REGISTRY.get(identifier)


def serialize(loss):
    return _REGISTRY.serialize(loss)


def deserialize(config, custom_objects=None):
    return _REGISTRY.deserialize(config, custom_objects)
