"""`MixUp`: blend each image with another image of the batch, and its label likewise (Zhang et al.,
2018), which smooths the decision boundaries a classifier learns."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _image_ops as ops


class MixUp(aug.AugmentationLayer):
    """Per image, draw a weight w from Beta(alpha, alpha) and a partner from a shuffled order of the
    batch; output w * image + (1 - w) * partner, and the same for a dict input's "labels" (one-hot
    or soft: rows still sum to 1) and "segmentation_masks"; "bounding_boxes" of an image gain those of
    its partner. Identity at inference.

    Args:
        alpha: the Beta distribution's concentration; small values keep most images nearly whole.
        data_format: 'channels_last' (default) or 'channels_first'.
        seed: an integer for reproducible draws.
    """

    boxes_unchanged = False  # the partner's boxes join each image's (see move_boxes)

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if not isinstance(alpha, numbers.Real) or isinstance(alpha, bool) or alpha <= 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number, received {alpha!r}")
        self.alpha = alpha

    def draw(self, images):
        n, device = images.shape[0], images.device
        return {"weight": self.beta((n,), self.alpha, self.alpha, device), "permutation": self.permutation(n, device)}

    def _mix(self, values, params):
        params = _own_keys(params)
        weight = params["weight"].to(values.device, values.dtype).reshape((-1,) + (1,) * (values.dim() - 1))
        return weight * values + (1.0 - weight) * values[params["permutation"].to(values.device)]

    def transform(self, images, params):
        return self._mix(images, params)

    def labels_transform(self, labels, params):
        return self._mix(labels if labels.is_floating_point() else labels.to(torch.float32), params)

    def transform_masks(self, masks, params):
        return self._mix(masks if masks.is_floating_point() else masks.to(torch.float32), params)

    def move_boxes(self, bounding_boxes, params, height, width):
        """Each image keeps its boxes and gains its partner's after them (N, 2B, 4), both visible in
        the blend; "labels" likewise become (N, 2B). Keras 3.15.1 joins the labels along the batch
        axis instead ((2N, B), out of step with the boxes); tkeras keeps them per image."""
        order = torch.as_tensor(_own_keys(params)["permutation"]).long()
        mixed = dict(bounding_boxes)
        for key in ("boxes", "labels"):
            values = torch.as_tensor(bounding_boxes[key])
            mixed[key] = torch.cat([values, values[order.to(values.device)]], dim=1)
        return mixed, height, width

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """The boxes joined as in a call (no geometry involved, so no image size is needed)."""
        self._box_format()
        if not training:
            return bounding_boxes
        return self.move_boxes(ops._dense_boxes("MixUp", bounding_boxes), transformation, None, None)[0]

    def get_config(self):
        return aug.keras_config(self, {"alpha": self.alpha, "seed": self.seed})


def _own_keys(params):
    """A transformation with tkeras' keys, also when it comes with Keras' ("mix_weight",
    "permutation_order")."""
    if "mix_weight" in params or "permutation_order" in params:
        return {"weight": torch.as_tensor(params["mix_weight"]),
                "permutation": torch.as_tensor(params["permutation_order"]).long()}
    return params
