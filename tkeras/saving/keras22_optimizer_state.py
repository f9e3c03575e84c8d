"""Optimizer state from standalone Keras 2.2/2.3 `.h5` files, matched to tkeras' slot variables.

Before Keras moved into TensorFlow its optimizers named the iteration count `<Class>/iterations:0` and
every slot `<slot>_<i>:0`, i being the position of the model's trainable weight, all of one slot before
the next. Neither the variable paths nor the slot names say what tkeras calls them, so they are read by
position. Adam always stored a `vhat_<i>` per weight, a (1,) placeholder unless amsgrad was on; tf-keras
2 restores the rest and leaves those out, and so does this. Files from Korean and English beginners'
books (e.g. 모두의 딥러닝's `my_model.h5`) are in this layout: without it their optimizer restarted.
"""
import re

_ITERATIONS = re.compile(r"^(?:[^/]+/)?iterations(?::\d+)?$")
_INDEXED_SLOT = re.compile(r"^(?:[^/]+/)?(?P<slot>[a-z_]+?)_(?P<index>\d+)(?::\d+)?$")
# Keras 2.2's slot names per optimizer class -> Keras 3's (tkeras' `_slots` keys).
_SLOTS = {
    "Adam": {"m": "momentum", "v": "velocity", "vhat": "velocity_hat"},
    "Adamax": {"m": "momentum", "u": "norm"},
    "SGD": {"moment": "momentum"},
    "RMSprop": {"accumulator": "velocity"},
    "Adagrad": {"accumulator": "accumulator"},
}
# Slots Keras 2.2 stored whether or not the optimizer used them (then as a (1,) placeholder).
_PLACEHOLDER_SLOTS = {"vhat"}


def match(optimizer, names):
    """(variables, file indices): the iteration count and each slot variable paired with its stored
    array; None when the names are not Keras 2.2's or leave some of the optimizer's slots uncovered."""
    if len(names) < 2 or not _ITERATIONS.match(names[0]):
        return None
    slot_names = _SLOTS.get(type(optimizer).__name__)
    slots = getattr(optimizer, "_slots", None)
    if slot_names is None or not isinstance(slots, dict):
        return None
    chosen, indices, covered = [optimizer.iterations], [0], set()
    for position, name in enumerate(names[1:], start=1):
        found = _INDEXED_SLOT.match(name)
        if found is None or found["slot"] not in slot_names:
            return None
        slot, index = slot_names[found["slot"]], int(found["index"])
        if slot not in slots:
            if found["slot"] in _PLACEHOLDER_SLOTS:
                continue
            return None
        if index >= len(slots[slot]) or slots[slot][index] is None:
            return None
        chosen.append(slots[slot][index])
        indices.append(position)
        covered.add((slot, index))
    expected = {(slot, i) for slot, per_variable in slots.items()
                for i, variable in enumerate(per_variable) if variable is not None}
    return (chosen, indices) if covered == expected else None
