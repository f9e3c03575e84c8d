"""Lists and dicts assigned to a `tf.train.Checkpoint` (`ckpt.listed = [v]`, `ckpt.mapped = {"one": v}`):
TensorFlow tracks their items by position or key (`listed/0`, `mapped/one`), including items added after
the assignment, and an item added after a restore takes its saved value then (the checkpoint guide's
`restore.listed.append(v1)`). These wrappers are that list and dict: plain containers that also tell
the restores waiting on them about each item put in.
"""


class _Tracked:
    """Keeps (restore state, path) pairs whose checkpoint still has values for items to come."""

    def _init_tracking(self):
        self._deferred_restores = []

    def _item_added(self, key, item):
        for state, path in self._deferred_restores:
            state.restore_by_name(item, f"{path}/{key}")

    def _children(self):
        raise NotImplementedError


class ListWrapper(_Tracked, list):
    def __init__(self, items=()):
        list.__init__(self, items)
        self._init_tracking()

    def _children(self):
        return {str(i): item for i, item in enumerate(self)}

    def append(self, item):
        list.append(self, item)
        self._item_added(len(self) - 1, item)

    def extend(self, items):
        for item in items:
            self.append(item)

    def __setitem__(self, index, item):
        list.__setitem__(self, index, item)
        if isinstance(index, int):
            self._item_added(index % len(self), item)

    def __repr__(self):
        return f"ListWrapper({list.__repr__(self)})"


class DictWrapper(_Tracked, dict):
    def __init__(self, items=()):
        dict.__init__(self, items)
        self._init_tracking()

    def _children(self):
        return {str(key): item for key, item in self.items()}

    def __setitem__(self, key, item):
        dict.__setitem__(self, key, item)
        self._item_added(key, item)

    def update(self, *args, **kwargs):
        for key, item in dict(*args, **kwargs).items():
            self[key] = item

    def __repr__(self):
        return f"_DictWrapper({dict.__repr__(self)})"


def wrap(value):
    if isinstance(value, _Tracked):
        return value
    return DictWrapper(value) if isinstance(value, dict) else ListWrapper(value)


def is_tracked_container(value):
    return isinstance(value, _Tracked)
