"""Public Model attributes about compilation and distribution that the training loop does not read.

Keras 3's `compiled` and `steps_per_execution`; tf-keras 2's `autotune_steps_per_execution`,
`distribute_reduction_method`, `distribute_strategy` and the always-empty `state_updates`. tkeras runs
one step per call whatever `steps_per_execution` says (compile records it for get_compile_config and
for code that reads it back).
"""


class TrainerAttributes:
    steps_per_execution = 1  # until compile() records the value it was given
    autotune_steps_per_execution = False  # tf-keras 2 tunes steps_per_execution only under TensorFlow
    _distribute_reduction_method = None

    @property
    def compiled(self):
        """Whether compile() has been called."""
        return bool(getattr(self, "_compiled", False))

    @property
    def distribute_reduction_method(self):
        """How tf-keras 2 reduces per-replica results ("auto" unless set); tkeras' data-parallel fit
        averages the replicas' losses and sums their metric states whatever this says."""
        return self._distribute_reduction_method or "auto"

    @distribute_reduction_method.setter
    def distribute_reduction_method(self, value):
        self._distribute_reduction_method = value

    @property
    def distribute_strategy(self):
        """The active strategy (a one-device one unless a distribution is set)."""
        from tkeras.distribute.strategy_compat import get_strategy
        return get_strategy()

    @property
    def state_updates(self):
        """Keras 1/2 update ops of stateful layers; tkeras layers update their state in place: empty."""
        return []
