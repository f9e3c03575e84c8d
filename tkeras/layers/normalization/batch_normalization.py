"""BatchNormalization with Keras' training/inference semantics.

Training (`training=True` and the layer trainable) normalizes with the batch's mean and *biased*
variance and moves the statistics as `moving = moving * momentum + batch * (1 - momentum)`, using the
biased batch variance as Keras 3 does (tf.keras' fused kernel adds Bessel's correction to its input
and removes it from its output, which nets out the same). Torch's `F.batch_norm` would update with
the unbiased variance, so the update is written out here. Inference, and a frozen layer
(`trainable=False`, as Keras 2.1+ and fine-tuning recipes expect), use the moving statistics.
Weights in Keras' order: gamma, beta, moving_mean, moving_variance (then, with `renorm=True`,
moving_stddev, renorm_mean, renorm_stddev: batch renormalization, see _renorm.py).

tf-keras 2's `virtual_batch_size` (ghost batch normalization) and `adjustment` change the training
step only: see _virtual_batches.py. Neither is a Keras 3 argument; `virtual_batch_size` is written to
the config only when set (as tf-keras does), `adjustment` never (it is a function).

`synchronized=True` (and tf-keras 2's SyncBatchNormalization) computes the training moments over the
global batch when torch.distributed runs several processes, as tf-keras does across replicas; Keras 3
on torch ignores the flag, which leaves each rank normalising its own slice of the batch.
"""
import torch

from tkeras import initializers
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.layers.layer import InputSpec, Layer
from tkeras.layers.normalization import _renorm, _virtual_batches
from tkeras.layers.normalization._axes import broadcast_shape, normalize_axes, param_shape
from tkeras.layers.normalization._gamma_beta import GammaBeta
from tkeras.layers.normalization._statistics import LOW_PRECISION as _LOW_PRECISION


def _ranks():
    """Processes in the torch.distributed group (1 without one): where `synchronized` has effect."""
    distributed = torch.distributed
    return distributed.get_world_size() if distributed.is_available() and distributed.is_initialized() else 1


class BatchNormalization(GammaBeta, Layer):
    _casts_integer_inputs = True  # float arithmetic (see Layer)

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized=False, **kwargs):
        # Keras 1 spellings; `mode` other than 0 (per-sample modes) no longer exists in Keras.
        mode = kwargs.pop("mode", 0)
        if mode != 0:
            raise ValueError(f"BatchNormalization: Keras 1 mode={mode!r} is not supported (only mode=0, the "
                             f"feature-wise normalization every later Keras uses)")
        beta_initializer = kwargs.pop("beta_init", beta_initializer)
        gamma_initializer = kwargs.pop("gamma_init", gamma_initializer)
        # tf.keras performance switch with no meaning here (but refused where tf-keras refuses it).
        fused = kwargs.pop("fused", None)
        # tf-keras 2 only: ghost batches and the training-time adjustment (see _virtual_batches.py).
        virtual_batch_size = kwargs.pop("virtual_batch_size", None)
        adjustment = kwargs.pop("adjustment", None)
        renorm = bool(kwargs.pop("renorm", False))
        renorm_clipping = kwargs.pop("renorm_clipping", None)
        renorm_momentum = kwargs.pop("renorm_momentum", 0.99)
        super().__init__(**kwargs)
        _virtual_batches.check_options(self.name, virtual_batch_size, adjustment, fused)
        self.virtual_batch_size = None if virtual_batch_size is None else int(virtual_batch_size)
        self.adjustment = adjustment
        # Batch renormalization (tf-keras 2, Keras 3): see _renorm.py. Without it the clipping is kept as
        # given (unchecked, unused), as Keras writes it to the config.
        self.renorm = renorm
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        if renorm:
            if fused:
                raise ValueError(f"BatchNormalization {self.name!r}: `fused=True` cannot be combined with "
                                 f"`renorm=True` (tf-keras' fused kernel has no renorm)")
            self.renorm_clipping = _renorm.checked_clipping(self.name, renorm_clipping)
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self._set_gamma_beta_options(beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                     beta_constraint, gamma_constraint)
        self.supports_masking = True

    @property
    def adjustment(self):
        return self._adjustment

    @adjustment.setter
    def adjustment(self, value):
        self._adjustment = value
        # The one flag the training step reads: ghost batches or an adjustment take their own path.
        self._special_training = value is not None or getattr(self, "virtual_batch_size", None) is not None

    def build(self, input_shape):
        ndim = len(input_shape)
        ghost = self.virtual_batch_size is not None
        if ghost:
            self.axis = _virtual_batches.config_axis(self.axis, ndim)
        self._axes = normalize_axes(self.axis, ndim, self)
        sizes = param_shape(input_shape, self._axes, self)
        shape = _virtual_batches.weight_shape(ndim, self._axes, sizes) if ghost else sizes
        self._add_gamma_beta(shape, self.scale, self.center)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape,
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer, trainable=False)
        if self.renorm:
            _renorm.add_weights(self, shape)
        self._reduce = tuple(i for i in range(ndim) if i not in self._axes)
        self._bshape = broadcast_shape(ndim, self._axes, sizes)
        # channels_last: parameters broadcast as they are (ghost-batch weights have an extra dimension)
        self._trailing = self._axes == [ndim - 1] and not ghost
        self.input_spec = InputSpec(ndim=ndim, axes={a: input_shape[a] for a in self._axes})
        self.built = True

    def _update_moving_statistics(self, mean, variance):
        keep = self.momentum
        with torch.no_grad():
            if active_stateless_scope() is not None:  # keras.StatelessScope: recorded there, not applied
                for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
                    moving.assign(moving.detach() * keep + batch.detach().to(moving.dtype) * (1.0 - keep))
                return
            self.moving_mean.mul_(keep).add_(mean.detach().to(self.moving_mean.dtype), alpha=1.0 - keep)
            self.moving_variance.mul_(keep).add_(variance.detach().to(self.moving_variance.dtype),
                                                 alpha=1.0 - keep)

    def _shaped(self, value):
        return value if self._trailing else value.reshape(self._bshape)

    def call(self, inputs, training=None, mask=None):
        x = inputs.float() if inputs.dtype in _LOW_PRECISION else inputs
        if training and self.trainable:
            if self._special_training:  # virtual_batch_size or adjustment (tf-keras 2)
                outputs = _virtual_batches.train(self, x, mask)
                return outputs.to(inputs.dtype) if outputs.dtype != inputs.dtype else outputs
            mean, variance = self._batch_moments(x, mask)
            if self.renorm:
                inv, shift = _renorm.scale_and_shift(self, mean, variance)
                outputs = torch.addcmul(self._shaped(shift), x, self._shaped(inv))
                return outputs.to(inputs.dtype) if outputs.dtype != inputs.dtype else outputs
            self._update_moving_statistics(mean, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        inv = torch.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * self.gamma
        shift = -mean * inv
        if self.beta is not None:
            shift = shift + self.beta
        outputs = torch.addcmul(self._shaped(shift), x, self._shaped(inv))
        return outputs.to(inputs.dtype) if outputs.dtype != inputs.dtype else outputs

    def _batch_moments(self, x, mask):
        if self.synchronized and _ranks() > 1:
            return self._global_moments(x, mask)
        if mask is None:
            variance, mean = torch.var_mean(x, dim=self._reduce, correction=0)
            return mean, variance
        # Keras: only the unmasked steps count (mask has one dim less than the input).
        weights = mask.to(device=x.device, dtype=x.dtype).unsqueeze(-1)
        count = torch.sum(weights.expand(*x.shape[:-1], 1), dim=self._reduce, keepdim=True)
        mean = torch.sum(x * weights, dim=self._reduce, keepdim=True) / count
        variance = torch.sum(weights * (x - mean) ** 2, dim=self._reduce, keepdim=True) / count
        return mean.reshape(self.moving_mean.shape), variance.reshape(self.moving_variance.shape)

    def _global_moments(self, x, mask):
        """The moments of the global batch, every rank's rows together, as tf-keras' synchronized
        BatchNormalization computes them across replicas. torch's differentiable all-reduce carries the
        gradient back to every rank's rows (each rank must run the step, even with no rows of its own:
        the data-parallel loop sees to that)."""
        from torch.distributed.nn.functional import all_reduce
        if mask is None:
            total = x.sum(dim=self._reduce)
            count = torch.full_like(total, x.numel() / max(total.numel(), 1))
        else:
            weights = mask.to(device=x.device, dtype=x.dtype).unsqueeze(-1).expand_as(x)
            total, count = (x * weights).sum(dim=self._reduce), weights.sum(dim=self._reduce)
        summed = all_reduce(torch.cat([total.reshape(-1), count.reshape(-1)]))
        total, count = summed[:total.numel()].reshape(total.shape), summed[total.numel():].reshape(total.shape)
        mean = total / count
        squares = (x - self._shaped(mean)) ** 2
        if mask is not None:
            squares = squares * weights
        variance = all_reduce(squares.sum(dim=self._reduce)) / count
        return mean.reshape(self.moving_mean.shape), variance.reshape(self.moving_variance.shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            **self._gamma_beta_initializer_config(),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            **self._gamma_beta_penalty_config(),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        if self.virtual_batch_size is not None:
            config["virtual_batch_size"] = self.virtual_batch_size
        if self.adjustment is not None:
            _virtual_batches.warn_adjustment_not_saved(self.name)
        return config
