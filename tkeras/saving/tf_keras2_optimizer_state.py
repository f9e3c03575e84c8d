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
        if parts[1:] == [_NADAM_CACHE]:  # legacy Nadam's schedule product
            keys.append("u_product")
            continue
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
        if index is None:  # a model name in one path and not the other (a nested model, a Sequential): the
            # one whose path ends the other's, if only one does
            found = [i for key, i in index_of.items() if name.endswith("_" + key) or key.endswith("_" + name)]
            index = found[0] if len(found) == 1 else None
        if index is None:
            return None
        chosen.append(variable)
        indices.append(index)
    if sorted(indices) != list(range(len(names))):
        return None
    return chosen, indices


# -- writing -----------------------------------------------------------------------------------------
# tf-keras 2 rebuilds an `.h5` file's optimizer as its legacy class (the config tkeras writes has no
# `is_legacy_optimizer`, which Keras 3 refuses) and restores it by position, all or nothing: the iteration
# count, then each slot of every variable before the next slot (Ftrl: both slots of a variable together),
# no learning rate. Keras 3.15.1 gains nothing from its own layout in an `.h5` file: it builds the loaded
# optimizer without the model's variables and so restores only the first two arrays (iteration count and
# learning rate, which the config holds too). Keras 3 slot name -> the legacy class's, in creation order.
_LEGACY_SLOT_ORDER = {
    "SGD": (("momentum", "momentum"),),
    "RMSprop": (("velocity", "rms"), ("momentum", "momentum"), ("average_gradient", "mg")),
    "Adam": (("momentum", "m"), ("velocity", "v"), ("velocity_hat", "vhat")),
    "Adamax": (("momentum", "m"), ("norm", "v")),
    "Adagrad": (("accumulator", "accumulator"),),
    "Adadelta": (("accumulated_grad", "accum_grad"), ("accumulated_delta_var", "accum_var")),
    "Nadam": (("momentum", "m"), ("velocity", "v")),
    "Ftrl": (("accumulator", "accumulator"), ("linear", "linear")),
}
_SLOTS_PER_VARIABLE = ("Ftrl",)
# Legacy Nadam keeps the running product of its momentum schedule as a weight right after the iteration
# count; tkeras (like Keras 3) keeps it as `u_product`.
_NADAM_CACHE = "momentum_cache"


def legacy_layout(optimizer):
    """[(name, variable)] in the order tf-keras 2's legacy optimizer of the same class restores, named as
    it names them (`Adam/iter:0`, `Adam/<variable path>/m:0`); None where that layout cannot hold this
    optimizer's whole state (another class, EMA copies, gradient accumulators, not built yet)."""
    class_name = type(optimizer).__name__
    order = _LEGACY_SLOT_ORDER.get(class_name)
    slots = getattr(optimizer, "_slots", None)
    references = list(getattr(optimizer, "_built_variables", None) or [])
    if order is None or not isinstance(slots, dict) or not references:
        return None
    kept = [(k3_name, legacy_name) for k3_name, legacy_name in order if k3_name in slots]
    if set(slots) - {k3_name for k3_name, _ in kept}:
        return None
    layout = [(f"{class_name}/iter:0", optimizer.iterations)]
    if class_name == "Nadam":
        cache = getattr(optimizer, "_u_product", None)
        if cache is None:
            return None
        layout.append((f"{class_name}/{_NADAM_CACHE}:0", cache))
    positions = range(len(references))
    pairs = ([(i, slot) for i in positions for slot in kept] if class_name in _SLOTS_PER_VARIABLE
             else [(i, slot) for slot in kept for i in positions])
    for i, (k3_name, legacy_name) in pairs:
        if len(slots[k3_name]) != len(references) or slots[k3_name][i] is None:
            return None
        path = str(getattr(references[i], "path", None) or getattr(references[i], "name", "variable"))
        layout.append((f"{class_name}/{path}/{legacy_name}:0", slots[k3_name][i]))
    written = {id(v) for _, v in layout}
    rest = [v for v in optimizer.variables if id(v) not in written]
    if any(str(getattr(v, "name", "")) != "learning_rate" for v in rest):
        return None
    return layout
