"""Lists and dicts held by a layer that keep tracking the layers put into them later.

Keras tracks `self.stages = []` followed by `self.stages.append(Block())` (keras-io's ShiftViT builds its
stages so, and many `build()` methods fill a list in a loop): the appended layers' weights are the
model's weights. A layer's list or dict attribute is therefore stored as one of these subclasses, which
report every change of membership to the owning layer; the owner registers the layers as sublayers
(`Layer._track_container`). They are plain lists and dicts otherwise, and copy back to plain ones.
"""
import weakref


class _Tracking:
    """The owner (held weakly: a layer owns its attributes, not the other way round) and the name."""

    __slots__ = ()

    def _bind(self, owner, name):
        self._owner_ref = weakref.ref(owner)
        self._attribute = name

    def _retrack(self):
        owner = self._owner_ref()
        if owner is not None:
            owner._track_container(self._attribute, self, replace=True)

    def _track_new(self, key, item):
        owner = self._owner_ref()
        if owner is not None:
            owner._track_container(self._attribute, {key: item})


class TrackedList(_Tracking, list):
    def __init__(self, values, owner, name):
        list.__init__(self, values)
        self._bind(owner, name)

    def append(self, item):
        list.append(self, item)
        self._track_new(len(self) - 1, item)

    def extend(self, items):
        start = len(self)
        list.extend(self, items)
        for index in range(start, len(self)):
            self._track_new(index, self[index])

    def __iadd__(self, items):
        self.extend(items)
        return self

    def insert(self, index, item):
        list.insert(self, index, item)
        self._retrack()

    def __setitem__(self, index, item):
        list.__setitem__(self, index, item)
        self._retrack()

    def __delitem__(self, index):
        list.__delitem__(self, index)
        self._retrack()

    def pop(self, index=-1):
        item = list.pop(self, index)
        self._retrack()
        return item

    def remove(self, item):
        list.remove(self, item)
        self._retrack()

    def clear(self):
        list.clear(self)
        self._retrack()

    def __reduce_ex__(self, protocol):
        return list, (list(self),)


class TrackedDict(_Tracking, dict):
    def __init__(self, values, owner, name):
        dict.__init__(self, values)
        self._bind(owner, name)

    def __setitem__(self, key, item):
        known = key in self
        dict.__setitem__(self, key, item)
        if known:
            self._retrack()
        else:
            self._track_new(key, item)

    def update(self, *args, **kwargs):
        dict.update(self, *args, **kwargs)
        self._retrack()

    def setdefault(self, key, default=None):
        known = key in self
        value = dict.setdefault(self, key, default)
        if not known:
            self._track_new(key, value)
        return value

    def __delitem__(self, key):
        dict.__delitem__(self, key)
        self._retrack()

    def pop(self, *args):
        value = dict.pop(self, *args)
        self._retrack()
        return value

    def popitem(self):
        item = dict.popitem(self)
        self._retrack()
        return item

    def clear(self):
        dict.clear(self)
        self._retrack()

    def __reduce_ex__(self, protocol):
        return dict, (dict(self),)


def tracked(value, owner, name):
    """`value` as a tracked container when it is a plain list or dict; anything else unchanged."""
    if type(value) is list:
        return TrackedList(value, owner, name)
    if type(value) is dict:
        return TrackedDict(value, owner, name)
    return value
