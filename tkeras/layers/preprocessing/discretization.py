"""`Discretization`: continuous values -> bucket ids (or encoded buckets), boundaries given or learned.

`adapt()` learns `num_bins - 1` quantile boundaries with the same streaming summary Keras uses (each
batch is reduced to about 1/epsilon weighted points, summaries are merged and re-compressed, and the
boundaries are read off the cumulative weights), so the same data gives Keras' boundaries rather than
exact NumPy quantiles; with small data the two can differ.
"""
import numbers

import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._encoding import check_sparse, encode, encoded_shape
from tkeras.layers.preprocessing._adapt_state import AdaptStateMixin
from tkeras.layers.preprocessing._vocabulary import adapt_batches
from tkeras.layers.preprocessing._data_layer import DataLayerMethods

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


class Discretization(DataLayerMethods, AdaptStateMixin, Layer):
    """Bucket values: bin i holds `bin_boundaries[i-1] <= x < bin_boundaries[i]`.

    Args:
        bin_boundaries: sorted boundaries; `len + 1` bins.
        num_bins: the number of bins for `adapt()` to find (instead of `bin_boundaries`).
        epsilon: the error tolerance of the learned quantiles (smaller: more memory, more exact).
        output_mode: "int" (bucket ids, int32 as in Keras), or "one_hot", "multi_hot", "count" vectors.

    Example: `Discretization(bin_boundaries=[0., 1., 2.])([[-1.5, 1.0, 3.4, .5]])` -> [[0, 2, 3, 1]].
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 **kwargs):
        super().__init__(**kwargs)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Discretization: `output_mode` must be one of {OUTPUT_MODES}, received {output_mode!r}")
        if sparse and output_mode == "int":
            raise ValueError("Discretization: `sparse=True` needs an encoded output_mode, not 'int'")
        check_sparse("Discretization", sparse)
        if num_bins is not None and (isinstance(num_bins, bool) or not isinstance(num_bins, numbers.Integral)
                                     or num_bins < 0):
            raise ValueError(f"Discretization: `num_bins` must be an integer >= 0, received {num_bins!r}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Discretization: pass either `bin_boundaries` or `num_bins` (for adapt()), not both")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: pass `bin_boundaries`, or `num_bins` and then call adapt()")
        if not 0 < float(epsilon) <= 1:
            raise ValueError(f"Discretization: `epsilon` must be in (0, 1], received {epsilon!r}")
        self.bin_boundaries = None if bin_boundaries is None else _boundaries(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = float(epsilon)
        self.output_mode = output_mode
        self.sparse = False
        self._summary = None

    # -- adapt ----------------------------------------------------------------------------------
    def _check_adaptable(self, where):
        if self.num_bins is None:
            raise ValueError(f"Discretization.{where}: this layer has fixed `bin_boundaries`; create it with "
                             f"`num_bins` to learn boundaries from data")

    def update_state(self, data):
        """Add one batch to the quantile summary without changing the boundaries `call` uses;
        `finalize_state()` then computes them."""
        self._check_adaptable("update_state")
        if isinstance(data, torch.Tensor):
            data = data.detach().cpu().numpy()
        values = np.asarray(data, dtype=np.float32).ravel()
        summary = np.zeros((2, 0)) if self._summary is None else self._summary
        self._summary = _merge(summary, _summarize(values, self.epsilon), self.epsilon)

    def reset_state(self):
        """Forget the summary accumulated so far and mark the layer not adapted; the boundaries stay
        until the next `finalize_state()` / `adapt()` (as in tf-keras)."""
        self._summary = None
        self._is_adapted = False

    def adapt(self, data, batch_size=None, steps=None):
        """Learn `num_bins - 1` quantile boundaries from `data` (an array or an iterable of batches):
        `reset_state()`, `update_state(batch)` for every batch, then `finalize_state()`."""
        self._check_adaptable("adapt")
        self.reset_state()
        single = isinstance(data, (np.ndarray, torch.Tensor, list, tuple)) and not (
            isinstance(data, (list, tuple)) and data and isinstance(data[0], (np.ndarray, torch.Tensor)))
        for batch in adapt_batches(data, steps, single_batch=lambda _: single):
            self.update_state(batch)
        if self._summary is None or self._summary.shape[1] == 0:
            raise ValueError("Discretization.adapt: received no data")
        self.finalize_state()
        self._is_adapted = True

    def finalize_state(self):
        """Keras' last adapt step (`adapt` ends with it): boundaries from the summary of the data
        `update_state` saw; a no-op with fixed `bin_boundaries` or before any data."""
        if self.num_bins is None or self._summary is None or self._summary.shape[1] == 0:
            return
        self.bin_boundaries = _compress(self._summary, 1.0 / self.num_bins)[0, :-1].tolist()

    @property
    def output_dtype(self):
        """The dtype of the outputs: int32 indices for output_mode 'int', else the compute dtype."""
        return "int32" if self.output_mode == "int" else self.compute_dtype

    # -- call -----------------------------------------------------------------------------------
    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("Discretization: no bin boundaries yet; pass `bin_boundaries` or call adapt() first")
        boundaries = torch.as_tensor(self.bin_boundaries, dtype=torch.float64, device=inputs.device)
        # right=True: a value equal to a boundary starts the next bin (np.digitize's convention).
        indices = torch.bucketize(inputs.to(torch.float64), boundaries, right=True, out_int32=True)
        if self.output_mode == "int":
            return indices
        return encode(indices.long(), self.output_mode, self._depth(), config.standardize_dtype(self.compute_dtype),
                      "Discretization")

    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def _output_dtype(self, input_dtype):
        return "int32" if self.output_mode == "int" else self.dtype

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def get_config(self):
        base = super().get_config()
        # Keras 3's order and keys: the layer's own arguments, then name and dtype (no `trainable`).
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": base["name"], "dtype": base["dtype"]}

    @classmethod
    def from_config(cls, config_):
        # After adapt() both are set, which __init__ refuses: restore the learned boundaries afterwards.
        config_ = dict(config_)
        boundaries = config_.pop("bin_boundaries", None) if config_.get("num_bins") is not None else None
        layer = cls(**config_)
        if boundaries is not None:
            layer.bin_boundaries = _boundaries(boundaries)
        return layer


def _boundaries(values):
    values = [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]
    if any(b < a for a, b in zip(values, values[1:])):
        raise ValueError(f"Discretization: `bin_boundaries` must be sorted in increasing order, received {values}")
    return values


# -- Keras' streaming quantile summary: rows are (values, weights), values sorted ---------------------
def _summarize(values, epsilon):
    """Every step-th sorted value (step = max(n * epsilon, 1)), each standing for `step` values."""
    values = np.sort(values)
    step = max(values.size * epsilon, 1.0)
    picked = values[int(step) - 1::int(step)]
    return np.stack([picked, np.full(picked.shape, step, dtype=picked.dtype)])


def _merge(first, second, epsilon):
    merged = np.concatenate([first, second], axis=1)
    return _compress(merged[:, np.argsort(merged[0], kind="stable")], epsilon)


def _compress(summary, epsilon):
    """Re-sample a summary at the cumulative-weight fractions epsilon, 2 epsilon, ..., 1 (interpolated);
    summaries smaller than 1/epsilon points are kept as they are."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = summary[1].cumsum()
    values = np.interp(fractions, cumulative / cumulative[-1], summary[0])
    weights = np.diff(np.interp(fractions, cumulative / cumulative[-1], cumulative), prepend=0.0)
    return np.stack([values, weights]).astype(np.float32)
