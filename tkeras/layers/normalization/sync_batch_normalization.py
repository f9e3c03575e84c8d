"""tf-keras 2's `layers.experimental.SyncBatchNormalization`: BatchNormalization whose training moments
cover every data-parallel rank's rows (see batch_normalization.py), with tf-keras' signature and config
(no `synchronized` entry: the class name says it; renorm entries only with renorm=True; after build,
the axes as positive indices)."""
from tkeras.layers.normalization.batch_normalization import BatchNormalization

_NOT_IN_TF_KERAS_CONFIG = ("synchronized", "renorm", "renorm_clipping", "renorm_momentum")


class SyncBatchNormalization(BatchNormalization):
    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        kwargs.pop("synchronized", None)
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                         moving_mean_initializer=moving_mean_initializer,
                         moving_variance_initializer=moving_variance_initializer, beta_regularizer=beta_regularizer,
                         gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                         gamma_constraint=gamma_constraint, synchronized=True, **kwargs)

    def get_config(self):
        # tf-keras writes the renorm entries only for renorm=True
        dropped = _NOT_IN_TF_KERAS_CONFIG[:1] if self.renorm else _NOT_IN_TF_KERAS_CONFIG
        config = {key: value for key, value in super().get_config().items() if key not in dropped}
        if self.built:  # tf-keras writes the axes it normalized at build time: [1] for axis=-1 on (N, C)
            config["axis"] = list(self._axes)
        return config
