"""keras.wrappers: Keras models as scikit-learn estimators (scikit-learn optional)."""
from tkeras.wrappers.sklearn_wrapper import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
