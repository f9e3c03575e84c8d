"""Optimizer state from tf-keras 2 `.h5` files, matched to tkeras' optimizer variables by name.

tf-keras 2 names each stored array after the optimizer, the slot and the model variable, in one of two
layouts: its current optimizers write `iteration:0`, then `Adam/m/dense/kernel:0` (slot before the
variable path); the legacy ones (`tf.keras.optimizers.legacy`, and every Keras 2.0-2.10 file) write
`Adam/iter:0`, then `Adam/dense/kernel/m:0` (slot after), with all of one slot before the next slot. Neither
stores the learning rate (it lives in the optimizer's config). tkeras names a slot variable
`<variable path with / as _>_<Keras 3 slot name>` and orders slots its own way, so the arrays are matched
by (variable path, slot) rather than by position: by position, a legacy Adam file's `m` of every variable
would land on tkeras' interleaved `momentum, velocity` pairs.
"""
import re

# tf-keras 2's slot names -> Keras 3's (what tkeras' slot variables end with).
_SLOTS = {"m": "momentum", "v": "velocity", "vhat": "velocity_hat", "u": "norm", "rms": "velocity",
          "mg": "average_gradient", "momentum": "momentum", "velocity": "velocity",
          "average_gradient": "average_gradient", "accumulator": "accumulator", "linear": "linear",
          "accumulated_grad": "accumulated_grad", "accumulated_delta_var": "accumulated_delta_var",
          "accum_grad": "accumulated_grad", "accum_var": "accumulated_delta_var"}
# A legacy Adamax kept its exponentially weighted infinity norm in a slot named `v`.
_SLOTS_BY_OPTIMIZER = {"Adamax": {"v": "norm"}}
_ITERATION = re.compile(r"^(?:[^/]+/)?(?:iter|iteration|iterations)(?::\d+)?$")


def _keys(optimizer_class, names):
    """The file's names after the iteration count -> `<path with _>_<slot>` keys, or None if one does not
    read as a tf-keras 2 slot name."""
    slots = {**_SLOTS, **_SLOTS_BY_OPTIMIZER.get(optimizer_class, {})}
    keys = []
    for name in names:
        parts = re.sub(r":\d+$", "", name).split("/")
        if len(parts) >= 4 and parts[1] in slots and parts[-1] not in slots:  # Adam/m/dense/kernel
            slot, path = parts[1], parts[2:]
        elif len(parts) >= 3 and parts[-1] in slots:  # Adam/dense/kernel/m (legacy)
            slot, path = parts[-1], parts[1:-1]
        else:
            return None
        keys.append("_".join(path) + "_" + slots[slot])
    return keys


def match(optimizer, variables, names):
    """(variables, file indices) pairing each of `variables` with the stored array of the same model
    variable and slot, leaving out the learning rate, which tf-keras 2 does not store; None when the
    names are not tf-keras 2's or do not cover the optimizer's state one to one."""
    if len(names) < 2 or not _ITERATION.match(names[0]):
        return None
    keys = _keys(type(optimizer).__name__, names[1:])
    if keys is None or len(set(keys)) != len(keys):
        return None
    index_of = {key: i + 1 for i, key in enumerate(keys)}
    chosen, indices = [], []
    for position, variable in enumerate(variables):
        name = str(getattr(variable, "name", ""))
        if position == 0:
            chosen.append(variable)
            indices.append(0)
            continue
        if name == "learning_rate":
            continue
        index = index_of.get(name)
        if index is None:  # a path with a prefix tkeras adds (a nested model's name): the unique suffix
            found = [i for key, i in index_of.items() if name.endswith("_" + key)]
            index = found[0] if len(found) == 1 else None
        if index is None:
            return None
        chosen.append(variable)
        indices.append(index)
    if sorted(indices) != list(range(len(names))):
        return None
    return chosen, indices
