"""The `is_adapted` flag shared by the built-in adapt layers (Normalization, Discretization, the lookups,
TextVectorization).

As in tf-keras 2.21 the flag turns True only when `adapt()` completes and False again on
`reset_state()`; statistics or a vocabulary given to the constructor (or `set_vocabulary`) do not set
it, nor does `update_state` + `finalize_state` called by hand. `make_adapt_function` is tf-keras 2's
per-batch step of `adapt`.
"""


class AdaptStateMixin:
    _is_adapted = False  # instance attribute once adapt()/reset_state() ran

    @property
    def is_adapted(self):
        """Whether `adapt()` has fitted this layer's state (since the last `reset_state()`)."""
        return self._is_adapted

    def make_adapt_function(self):
        """tf-keras 2's adapt step: a function of an iterator that feeds its next batch to `update_state`
        (`steps_per_execution` batches per call when the layer was compiled with more than one). Calling
        it repeatedly and then `finalize_state()` is what `adapt()` does."""
        steps = max(int(getattr(self, "_steps_per_execution", 1) or 1), 1)

        def adapt_step(iterator):
            for _ in range(steps):
                self.update_state(next(iterator))
        return adapt_step
