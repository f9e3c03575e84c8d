"""GroupNormalization: per-sample statistics over groups of channels (Wu & He, 2018), Keras' epsilon 1e-3.

Keras splits the channel axis into `groups` contiguous blocks and takes the biased mean and variance
of each block over every non-batch axis. That is exactly what torch's fused `F.group_norm` computes
once the channel axis sits at position 1, so the layer moves the axis there and back; any single
non-batch axis can be moved, so no second, hand-written path is needed. Both moves are views, and a
moved 4-D or 5-D channels-last input already has the strides of torch's channels_last kernels.
`gamma` and `beta` hold one value per channel, as in Keras, so `.keras` files cross unchanged.
`groups=-1` means one group per channel (instance normalization); `groups=1` normalizes over all
non-batch axes with per-channel gamma/beta. Masks pass through unused, as in Keras.
"""
import torch.nn.functional as F

from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.normalization import _statistics
from tkeras.layers.normalization._gamma_beta import GammaBeta


class GroupNormalization(GammaBeta, Layer):
    """Normalize each sample over groups of channels.

    Args:
        groups: number of channel groups; must divide the size of `axis`. -1 gives one group per
            channel (instance normalization). Default 32.
        axis: the channel axis (a single int, not the batch axis). Default -1 (channels last);
            use 1 for channels-first inputs.
        epsilon: added to the variance before the square root. Default 1e-3.
        center, scale: learn a per-channel offset `beta` / factor `gamma`.
        beta_*/gamma_*: initializer, regularizer and constraint of those weights.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"GroupNormalization layer {self.name!r}: groups must be a positive integer, or -1 "
                             f"for instance normalization; received groups={groups!r}")
        if isinstance(axis, bool) or not isinstance(axis, int):
            # Keras documents a list here but only ever indexes the shape with it: one channel axis.
            raise TypeError(f"GroupNormalization layer {self.name!r}: axis must be one int, the channel axis "
                            f"(e.g. -1 for channels-last, 1 for channels-first); received axis={axis!r}")
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._set_gamma_beta_options(beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                     beta_constraint, gamma_constraint)
        self.supports_masking = True
        # Half-precision inputs are normalized in float32 with float32 weights, and full-precision
        # inputs are not rounded to half precision first, so the layer stays out of autocast.
        self.autocast = False

    def build(self, input_shape):
        ndim = len(input_shape)
        where = f"GroupNormalization layer {self.name!r}"
        if not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError(f"{where}: axis={self.axis} must name a non-batch axis of the input, which has "
                             f"{ndim} dimensions (shape {tuple(input_shape)})")
        self._channel_axis = self.axis % ndim
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(f"{where}: axis {self.axis} of the input must have a known size, received input "
                             f"shape {tuple(input_shape)}")
        # groups=-1 is resolved here, not written back, so get_config still says what the user asked for.
        self._groups = channels if self.groups == -1 else self.groups
        if channels % self._groups != 0:
            divisors = [d for d in range(1, channels + 1) if channels % d == 0]
            raise ValueError(f"{where}: groups={self.groups} must divide the {channels} channels on axis "
                             f"{self.axis} (input shape {tuple(input_shape)}); use one of {divisors}, or -1 for "
                             f"one group per channel")
        self.input_spec = InputSpec(ndim=ndim, axes={self._channel_axis: channels})
        self._add_gamma_beta((channels,), self.scale, self.center)
        self.built = True

    def call(self, inputs):
        # Half precision overflows in the variance, so statistics are taken in float32 (Keras does too).
        x = _statistics.for_statistics(inputs, self.torch_dtype)
        gamma = None if self.gamma is None else self.gamma.to(x.dtype)
        beta = None if self.beta is None else self.beta.to(x.dtype)
        channels_first = x.movedim(self._channel_axis, 1)  # (N, C, *spatial), a view
        outputs = F.group_norm(channels_first, self._groups, gamma, beta, self.epsilon)
        outputs = outputs.movedim(1, self._channel_axis)
        return _statistics.to_compute_dtype(outputs, self)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **self._gamma_beta_initializer_config(),
            **self._gamma_beta_penalty_config(),
        })
        return config
