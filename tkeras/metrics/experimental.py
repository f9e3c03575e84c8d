"""tf-keras 2's `keras.metrics.experimental` namespace."""
from tkeras.metrics.py_metric import PyMetric

__all__ = ["PyMetric"]
