"""The order in which a layer lists its own weights, as Keras 3 lists them.

Keras 3 files each weight under "trainable" or "non-trainable" once, when the layer starts tracking it,
and keeps that split afterwards: `layer.weights` (hence `get_weights` / `set_weights` and the keys
"0", "1", ... in a weights file) is the weights made trainable in creation order, then those made
non-trainable, however their `trainable` flags change later (LoRA freezing the kernel, a user writing
`layer.kernel.trainable = False`). `trainable_weights` / `non_trainable_weights` pick from that list by
the current flags.

`Layer._track_weight` records the flag a weight had when tracked as `_keras_tracked_trainable`; weights
appended to `_own_weights` some other way (a wrapped torch module's parameters, a kernel shared with a
wrapped layer) fall back to their current flag.
"""


def tracked_trainable(variable):
    flag = variable.__dict__.get("_keras_tracked_trainable")
    return variable._keras_trainable if flag is None else flag


def own_in_keras_order(own):
    """`own` (a layer's `_own_weights`, creation order) listed trainable-when-tracked first."""
    first, last = [], []
    for variable in own:
        (first if tracked_trainable(variable) else last).append(variable)
    return first + last if last else list(own)


def legacy_order(layer):
    """The order of a layer's arrays in a Keras 2 HDF5 file (tf-keras and Keras 3 both write it):
    `trainable_weights` then `non_trainable_weights`, by the current flags. For a nested model it
    differs from `weights`, which goes sublayer by sublayer."""
    seen, result = set(), []
    for variable in list(layer.trainable_weights) + list(layer.non_trainable_weights):
        if id(variable) not in seen:
            seen.add(id(variable))
            result.append(variable)
    return result
