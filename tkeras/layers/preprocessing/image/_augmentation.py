"""The base of Keras 3's newer augmentation layers (AugMix, CutMix, RandomHue, Solarization, ...).

What these layers share beyond `RandomImageLayer`: Keras' rules for `factor` and `value_range`
(which differ from layer to layer, and which a config must reproduce value for value), inputs given
as a dict of images with their labels and segmentation masks (one draw of random parameters serves
everything in the dict, as CutMix and MixUp need to mix labels as they mix pixels), the
draw/transform split (`draw` makes the random parameters of one batch, `transform` applies them,
so tests can hand in parameters real Keras used) and the few distributions beyond uniform.
"""
import numbers

import torch

from tkeras.backend import config
from tkeras.backend.context import CALL_CONTEXT
from tkeras.layers.preprocessing.image import _image_ops as ops
from tkeras.saving.config_compat import in_keras_order


# -- arguments ------------------------------------------------------------------------------------
def _number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def keras_factor(layer_name, argument, factor, bounds):
    """Keras' `_set_factor`: a number f means (max(-|f|, low), |f|), a pair is sorted; values (as
    given, so a config reads like Keras') checked against `bounds` = (low, high)."""
    low, high = bounds
    if isinstance(factor, (list, tuple)) and len(factor) == 2 and all(_number(f) for f in factor):
        if factor[0] > high or factor[1] < low:
            raise ValueError(f"{layer_name}: `{argument}` must lie in [{low}, {high}], received {factor!r}")
        return tuple(sorted(factor))
    if _number(factor):
        if factor < low or factor > high:
            raise ValueError(f"{layer_name}: `{argument}` must be a number in [{low}, {high}] or a (lower, upper) "
                             f"pair, received {factor!r}")
        return (max(-abs(factor), low), abs(factor))
    raise ValueError(f"{layer_name}: `{argument}` must be a number in [{low}, {high}] or a (lower, upper) pair, "
                     f"received {factor!r}")


def value_range_of(layer_name, value_range, sort=True):
    """`value_range` as Keras keeps it: sorted into a list by some layers, as given by others."""
    if not isinstance(value_range, (list, tuple)) or len(value_range) != 2 or not all(_number(v) for v in value_range):
        raise ValueError(f"{layer_name}: `value_range` must be a list of two numbers (low, high), such as (0, 255) "
                         f"or (0, 1), received {value_range!r}")
    return sorted(value_range) if sort else value_range


def check_interpolation(layer_name, interpolation, choices=("bilinear", "nearest")):
    return ops.check_choice(layer_name, "interpolation", interpolation, choices)


# -- pixel scales ---------------------------------------------------------------------------------
def rescale(images, source, target):
    """Map pixel values linearly from the `source` (low, high) range to the `target` one."""
    if float(source[0]) == float(target[0]) and float(source[1]) == float(target[1]):
        return images
    unit = (images - source[0]) / (source[1] - source[0])
    return unit * (target[1] - target[0]) + target[0]


# -- the layer base -------------------------------------------------------------------------------
class AugmentationLayer(ops.RandomImageLayer):
    """Images (N, C, H, W inside), or a dict with "images" and optionally "bounding_boxes", "labels"
    and "segmentation_masks", through one draw of random parameters.

    Subclasses implement `draw(images)` (the random parameters of one batch, or None) and
    `transform(images, params)`; `labels_transform` and `transform_masks` default to passing
    through, as for every layer that does not move or mix images. Layers that Keras applies also
    at inference (AutoContrast, CLAHE) set `applies_at_inference`.
    """

    applies_at_inference = False
    boxes_unchanged = True  # most of these layers change colours only; those that move pixels say so

    def call(self, inputs, training=True):
        if not training and CALL_CONTEXT.training is None:
            training = True  # nobody asked for inference: Keras' call default applies
        active = bool(training) or self.applies_at_inference
        if isinstance(inputs, dict):
            return self._call_dict(inputs, active)
        images, layout = ops.to_nchw(type(self).__name__, inputs, self.data_format, self._dtype())
        if active:
            images = self.transform(images, self.draw(images))
        return ops.from_nchw(images, layout)

    def _dtype(self):
        return config.standardize_dtype(self.compute_dtype)

    def transform(self, images, params):
        raise NotImplementedError

    # -- randomness beyond `uniform` --------------------------------------------------------------
    def coin(self, n, probability_range, device):
        """Per image, whether to augment it: a probability drawn from `probability_range`, then a
        uniform draw below it (Keras' two-step rule, so a factor f augments f / 2 of the images)."""
        probability = self.uniform((n,), *probability_range, device=device)
        return self.uniform((n,), 0.0, 1.0, device=device) < probability

    def permutation(self, n, device):
        return torch.randperm(n, generator=self._draw_generator(device), device=device)

    def sub_seed(self):
        """An integer seed for an op that takes one, drawn from this layer's stream (None without a seed)."""
        if self.seed is None:
            return None
        return int(torch.randint(0, 2 ** 31 - 1, (), generator=self._draw_generator("cpu")))

    def gamma(self, shape, alpha, device):
        return _gamma_draws(shape, alpha, device, self.sub_seed())

    def beta(self, shape, alpha, beta, device):
        """One draw from the layer's stream for both gammas, as Keras' beta takes one seed (its
        SeedGenerator counter moves as Keras' does: CutMix by 5 a call, MixUp by 2)."""
        seed = self.sub_seed()
        x = _gamma_draws(shape, alpha, device, seed)
        y = _gamma_draws(shape, beta, device, None if seed is None else seed + 1)
        return x / (x + y)


def _gamma_draws(shape, alpha, device, seed):
    from tkeras.ops import random
    return torch.as_tensor(random.gamma(shape, float(alpha), dtype="float32", seed=seed)).to(device)


def keras_config(layer, entries):
    """`layer`'s config as Keras 3.15.1 writes it: the Layer keys, `data_format`, then `entries` in
    their given order (tuples as lists, as after a JSON round trip); no `seed` unless listed."""
    config_ = ops.RandomImageLayer.get_config(layer)
    config_.pop("seed", None)
    config_.update((key, ops.plain(value)) for key, value in entries.items())
    return in_keras_order(config_, ("name", "trainable", "dtype", "data_format") + tuple(entries))
