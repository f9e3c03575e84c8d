"""`AugMix`: mix several short random chains of augmentations with the original image (Hendrycks et
al., 2020), which keeps the result close to the data while varying it, for robust classifiers."""
import numbers

import torch

from tkeras.layers.preprocessing.image import _augmentation as aug
from tkeras.layers.preprocessing.image import _operations

_GEOMETRY_AND_TONE = ("random_shear", "random_translation", "random_rotation", "random_posterization",
                      "solarization", "auto_contrast", "equalization")
_COLOUR = ("random_brightness", "random_color_degeneration", "random_contrast", "random_sharpness")


class AugMix(aug.AugmentationLayer):
    """Per batch: `num_chains` chains, each of up to `chain_depth` operations picked at random (a
    pick may be "nothing"), applied to the whole batch; the chains' results are averaged with
    Dirichlet(alpha) weights and blended with the original by a Beta(alpha, alpha) weight, then
    clipped to `value_range`. Identity at inference.

    Args:
        value_range: the (low, high) range of the pixels, (0, 255) by default.
        num_chains: how many chains to mix.
        chain_depth: the number of picks per chain.
        factor: f in [0, 1] for (0, f), or (lower, upper): the strength every operation uses.
        alpha: the concentration of the Dirichlet and Beta weights.
        all_ops: also use brightness, colour degeneration, contrast and sharpness (AugMix's paper
            leaves them out, as they overlap with common test-time corruptions).
        interpolation: 'bilinear' (default) or 'nearest', for the geometric operations.
        seed: an integer for reproducible draws.
        data_format: 'channels_last' (default) or 'channels_first'.
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.value_range = aug.value_range_of(name, value_range, sort=False)
        for argument, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
                raise ValueError(f"{name}: `{argument}` must be a positive integer, received {value!r}")
        if not isinstance(alpha, numbers.Real) or isinstance(alpha, bool) or alpha <= 0:
            raise ValueError(f"{name}: `alpha` must be a positive number, received {alpha!r}")
        self.num_chains, self.chain_depth, self.alpha = int(num_chains), int(chain_depth), alpha
        self.factor = aug.keras_factor(name, "factor", factor, (0, 1))
        self.all_ops = bool(all_ops)
        self.interpolation = aug.check_interpolation(name, interpolation)
        self._operations = _GEOMETRY_AND_TONE + (_COLOUR if self.all_ops else ())
        for operation in self._operations:
            setattr(self, operation, _operations.build(operation, self.factor, self.value_range, interpolation, seed,
                                                       kwargs.get("dtype")))

    def draw(self, images):
        device = images.device
        chain_weights = self.gamma((self.num_chains,), self.alpha, device)
        picks = torch.randint(0, len(self._operations) + 1, (self.num_chains, self.chain_depth),
                              generator=self._draw_generator("cpu")).tolist()
        chains = []
        for chain in picks:  # a pick past the list is "nothing"
            layers = [getattr(self, self._operations[p]) for p in chain if p < len(self._operations)]
            chains.append([(layer, _operations.draw(layer, images)) for layer in layers])
        return {"chain_weights": chain_weights / chain_weights.sum(),
                "original_weight": self.beta((), self.alpha, self.alpha, device), "chains": chains}

    def _mix(self, values, params, apply):
        mixed = torch.zeros_like(values)
        weights = params["chain_weights"].to(values.device, values.dtype)
        for weight, chain in zip(weights, params["chains"]):
            augmented = values
            for layer, step in chain:
                augmented = apply(layer, augmented, step)
            mixed = mixed + augmented * weight
        keep = params["original_weight"].to(values.device, values.dtype)
        return keep * values + (1 - keep) * mixed

    def transform(self, images, params):
        return torch.clamp(self._mix(images, params, _operations.apply), *sorted(self.value_range))

    def transform_masks(self, masks, params):
        floating = masks if masks.is_floating_point() else masks.to(torch.float32)
        return self._mix(floating, params, _operations.apply_to_masks)

    def get_config(self):
        return aug.keras_config(self, {"value_range": self.value_range, "num_chains": self.num_chains,
                                       "chain_depth": self.chain_depth, "factor": self.factor, "alpha": self.alpha,
                                       "all_ops": self.all_ops, "interpolation": self.interpolation,
                                       "seed": self.seed})
