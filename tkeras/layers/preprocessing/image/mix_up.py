"""`MixUp`: blend each image with another image of the batch, and its label likewise (Zhang et al.,
2018), which smooths the decision boundaries a classifier learns."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug


class MixUp(aug.AugmentationLayer):
    """Per image, draw a weight w from Beta(alpha, alpha) and a partner from a shuffled order of the
    batch; output w * image + (1 - w) * partner, and the same for a dict input's "labels" (one-hot
    or soft: rows still sum to 1) and "segmentation_masks". Identity at inference.

    Args:
        alpha: the Beta distribution's concentration; small values keep most images nearly whole.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    boxes_unchanged = False  # pixels move in ways tkeras does not follow with boxes (see move_boxes)

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not isinstance(alpha, numbers.Real) or isinstance(alpha, bool) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number, received {alpha!r}")
        self.alpha = alpha

    def draw(self, images):
        n, device = images.shape[0], images.device
        return {"weight": self.beta((n,), self.alpha, self.alpha, device), "permutation": self.permutation(n, device)}

    def _mix(self, values, params):
        weight = params["weight"].to(values.device, values.dtype).reshape((-1,) + (1,) * (values.dim() - 1))
        return weight * values + (1.0 - weight) * values[params["permutation"].to(values.device)]

    def transform(self, images, params):
        return self._mix(images, params)

    def labels_transform(self, labels, params):
        return self._mix(labels if labels.is_floating_point() else labels.to(torch.float32), params)

    def transform_masks(self, masks, params):
        return self._mix(masks if masks.is_floating_point() else masks.to(torch.float32), params)

    def get_config(self):
        return aug.keras_config(self, {"alpha": self.alpha, "seed": self.seed})
