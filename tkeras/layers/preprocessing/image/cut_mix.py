"""`CutMix`: paste a rectangle of another image of the batch into each image, and mix the labels
in proportion to the areas (Yun et al., 2019)."""
import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _boxes


class CutMix(aug.AugmentationLayer):
    """Per batch, draw alpha from `factor` and per image a mix weight from Beta(alpha, alpha); a box
    with sides sqrt(1 - weight) of the image's comes from the image at the same place in a shuffled
    order of the batch. Labels (a dict input's "labels", one-hot or soft) become
    weight * own + (1 - weight) * other's, the weight recomputed from the box's area, so each row
    still sums to 1. A single image, or inference, passes through.

    Args:
        factor: f in [0, 1] for alpha in (0, f), or (lower, upper).
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    # Keras 3.15.1 refuses bounding boxes in training too (which boxes survive a pasted patch is
    # left open): the inherited `move_boxes` raises NotImplementedError.
    boxes_unchanged = False

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = aug.keras_factor(type(self).__name__, "factor", factor, (0, 1))

    def draw(self, images):
        n, _, height, width = images.shape
        device = images.device
        alpha = float(self.uniform((), *self.factor, device="cpu")) + 1e-6
        ratio = torch.sqrt(1.0 - self.beta((n,), alpha, alpha, device).to(torch.float64 if device.type == "cpu"
                                                                          else torch.float32))
        x0, x1 = _boxes.place(self, ratio, width, device)
        y0, y1 = _boxes.place(self, ratio, height, device)
        return {"corners": torch.stack([x0, x1, y0, y1], dim=1), "permutation": self.permutation(n, device),
                "size": (height, width)}

    def transform(self, images, params):
        inside = _boxes.mask(params["corners"].to(images.device), images.shape[2], images.shape[3])
        return torch.where(inside, images[params["permutation"].to(images.device)], images)

    def transform_masks(self, masks, params):
        return self.transform(masks, params)

    def labels_transform(self, labels, params):
        corners = params["corners"]
        # the image keeps 1 - (box area) / (image area) of itself
        height, width = params["size"]
        area = (corners[:, 1] - corners[:, 0]) * (corners[:, 3] - corners[:, 2])
        weight = (1.0 - area / (width * height)).to(labels.device, labels.dtype).reshape(-1, 1)
        return weight * labels + (1.0 - weight) * labels[params["permutation"].to(labels.device)]

    def get_config(self):
        return aug.keras_config(self, {"factor": self.factor, "seed": self.seed})
