"""The `is_adapted` flag shared by the built-in adapt layers (Normalization, Discretization, the lookups,
TextVectorization).

As in tf-keras 2.21 the flag turns True only when `adapt()` completes and False again on
`reset_state()`; statistics or a vocabulary given to the constructor (or `set_vocabulary`) do not set
it, nor does `update_state` + `finalize_state` called by hand.
"""


class AdaptStateMixin:
    _is_adapted = False  # instance attribute once adapt()/reset_state() ran

    @property
    def is_adapted(self):
        """Whether `adapt()` has fitted this layer's state (since the last `reset_state()`)."""
        return self._is_adapted
