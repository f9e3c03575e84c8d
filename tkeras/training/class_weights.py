"""`fit(class_weight={class: weight})` turned into sample weights: a weight per sample, or per element for
targets of rank 3 and more (segmentation masks), multiplied with any sample weights given too."""
import torch

from tkeras.utils import tree


class ClassWeights:
    """`fit(class_weight={class: weight})` as per-sample weights, for whole arrays or batch by batch.

    A target's class is the argmax of a one-hot row, else its (rounded) index; a class the dict does not
    name weighs 1, as in Keras. Targets of rank 3 and more (segmentation masks, (batch, h, w, 1)) get one
    weight per element, the target's shape less its last axis, as tf-keras 2 gives them."""

    def __init__(self, class_weight):
        if not isinstance(class_weight, dict) or not class_weight:
            raise ValueError(f"class_weight must be a dict mapping class indices to weights, e.g. {{0: 1.0, 1: 5.0}}; "
                             f"received {class_weight!r:.120}")
        table = torch.ones(max(int(k) for k in class_weight) + 1, dtype=torch.float32)
        for k, v in class_weight.items():
            table[int(k)] = float(v)
        self._tables = {table.device: table}

    def of(self, y):
        if not isinstance(y, torch.Tensor) or tree.flatten(y)[0] is not y:
            raise ValueError("`class_weight` is only supported for models with a single output (one array of "
                             f"targets y); received y of type {type(y).__name__}")
        labels = y
        if labels.dim() > 1:
            labels = labels.argmax(dim=-1) if labels.shape[-1] > 1 else labels.squeeze(-1)
        labels = labels.round().long() if labels.is_floating_point() else labels.long()
        table = self._tables.get(labels.device)
        if table is None:
            table = self._tables[labels.device] = next(iter(self._tables.values())).to(labels.device)
        known = (labels >= 0) & (labels < table.shape[0])
        return torch.where(known, table[labels.clamp(0, table.shape[0] - 1)], torch.ones((), device=labels.device))

    def combined(self, y, sample_weight):
        """Class weights times any sample weights (tf-keras 2 multiplies them; Keras 3 refuses both at once)."""
        weights = self.of(y)
        if sample_weight is None:
            return weights
        if sample_weight.dim() > weights.dim():
            weights = weights.reshape(weights.shape + (1,) * (sample_weight.dim() - weights.dim()))
        elif weights.dim() > sample_weight.dim():  # per-sample weights over per-pixel class weights
            sample_weight = sample_weight.reshape(sample_weight.shape + (1,) * (weights.dim() - sample_weight.dim()))
        return sample_weight * weights.to(sample_weight.dtype)
