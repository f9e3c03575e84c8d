"""Public instance attributes of Keras optimizers that the update code does not itself need.

Read-only views over the state the optimizer already keeps (slot lists by role), plus tf-keras 2's
constant `jit_compile` flag. Nothing here runs during an update.
"""


def _slot_list(optimizer, name):
    """The slot Variables called `name` (one per built model variable that has one), build order."""
    slots = getattr(optimizer, "_slots", None) or {}
    return [slot for slot in slots.get(name, ()) if slot is not None]


# SGD, Lion and Muon expose their `momentum` slots as `optimizer.momentums` (empty before build, and for
# SGD without momentum); Muon its Adam velocities as `adam_velocities`.
momentums = property(lambda self: _slot_list(self, "momentum"), doc="The momentum slot Variables, build order.")
adam_velocities = property(lambda self: _slot_list(self, "velocity"),
                           doc="The velocity slots of the variables Muon updates with Adam, build order.")


class OptimizerAttributesMixin:
    # tf-keras 2 compiles the update with XLA only on accelerators; on the CPU its flag reads False.
    # tkeras has no separate compiled update path, so the flag is False (an instance may set it).
    jit_compile = False
