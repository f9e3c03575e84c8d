"""`tf.train.Checkpoint`: save and restore models, optimizers and variables of a custom training loop.

Values are matched by structure, not by name, as TensorFlow matches them: a fresh model built from the
same code gets its weights back even though its layers were numbered differently (`dense_7` instead
of `dense`). A model's values are stored layer by layer (the order of `_flatten_layers`), so a model
that is not built yet at restore time gets each layer's values the moment that layer is built, before
its first call uses them (TensorFlow's deferred restoration). An optimizer's slots are stored with the
model variable each belongs to, so a fresh, unbuilt optimizer is built on the restored model's
variables in the saved order and continues training exactly where the saved one stopped.
"""
import os

import torch

from tkeras.backend.variable import Variable as KerasVariable
from tkeras.compat.tf_namespace import _checkpoint_containers as containers
from tkeras.compat.tf_namespace import _checkpoint_io as io
from tkeras.compat.tf_namespace import _checkpoint_iterator as iterator_state
from tkeras.compat.tf_namespace import errors
from tkeras.compat.tf_namespace._checkpoint_names import weight_names
from tkeras.data.iterator import Iterator
from tkeras.layers.layer import Layer
from tkeras.layers.weight_order import own_in_keras_order
from tkeras.optimizers.optimizer import Optimizer
from tkeras.saving.weights_load_status import RestoreStatus

_VALUE = ".ATTRIBUTES/VARIABLE_VALUE"


def _kind(obj):
    if isinstance(obj, KerasVariable):
        return "variable"
    if isinstance(obj, Layer):
        # A subclass whose __init__ never called Layer.__init__ (keras-io's serialization guide writes one
        # holding a bare tf.Variable) has no layer bookkeeping: TensorFlow tracks it by its attributes.
        return "layer" if "_modules" in obj.__dict__ else "attributes"
    if isinstance(obj, Optimizer):
        return "optimizer"
    if isinstance(obj, Checkpoint):
        return "checkpoint"
    if isinstance(obj, Iterator):
        return "iterator"
    if containers.is_tracked_container(obj):
        return "container"
    if hasattr(obj, "variables") and not isinstance(obj, (str, bytes, torch.Tensor)):
        return "variables"  # tf.Module, metrics, ExponentialMovingAverage: a flat list of variables
    return None


def _tracked_attributes(obj):
    """An object's public attributes that a checkpoint can hold, by attribute name (TensorFlow's keys)."""
    return {name: value for name, value in vars(obj).items()
            if not name.startswith("_") and _kind(value) is not None}


def _check_trackable(name, obj):
    if isinstance(obj, (list, dict)):
        return
    if _kind(obj) is None:
        raise ValueError(f"tf.train.Checkpoint: argument {name!r} must be a trackable object (a model, layer, "
                         f"optimizer, tf.Variable, tf.Module or Checkpoint); received {type(obj).__name__}")


def _holds_trackables(value):
    """A list or dict TensorFlow would track (an empty one too: the guide fills `ckpt.listed = []` later)."""
    if not isinstance(value, (list, tuple, dict)):
        return False
    items = value.values() if isinstance(value, dict) else value
    return not items or any(_kind(item) is not None for item in items)


def _children(obj, kind):
    if kind == "checkpoint":
        return obj._all_objects()
    if kind == "container":
        return {name: item for name, item in obj._children().items() if _kind(item) is not None}
    return _tracked_attributes(obj)


def _own(layer):
    return own_in_keras_order(layer._own_weights)


def _leaf(name):
    return str(getattr(name, "name", name) or "variable").split("/")[-1].split(":")[0]


def _collect(objects, base, tensors, layout, where):
    """Fill `tensors` and `layout` for `objects` ({name: object}) below the path `base`; `where` maps
    id(variable) -> a reference to it that optimizers use to say which variable a slot belongs to."""
    optimizers = []
    for name, obj in objects.items():
        path, kind = base + name, _kind(obj)
        entry = {"kind": kind}
        if kind == "variable":
            key = f"{path}/{_VALUE}"
            tensors[key], entry["key"] = obj, key
            where.setdefault(id(obj), [path])
        elif kind == "iterator":
            entry["key"] = f"{path}/{iterator_state.STATE_KEY}"
            tensors[entry["key"]] = iterator_state.position(obj)
        elif kind == "layer":
            entry["layers"] = []
            names = weight_names(obj)
            for j, layer in enumerate(obj._flatten_layers()):
                keys = []
                for k, weight in enumerate(_own(layer)):
                    # TensorFlow's key (`net/l1/kernel/...`) where the weight has an attribute path, so a
                    # restore by name finds it; `layout` keeps the structure for a restore by position.
                    key = f"{path}/{names[id(weight)]}/{_VALUE}" if id(weight) in names else None
                    if key is None or key in tensors:
                        key = f"{path}/layer-{j}/{k}/{_leaf(weight.name)}/{_VALUE}"
                    tensors[key] = weight
                    keys.append(key)
                    where.setdefault(id(weight), [path, j, k])
                entry["layers"].append(keys)
        elif kind in ("checkpoint", "attributes", "container"):
            entry["objects"] = {}
            children = _children(obj, kind)
            optimizers += _collect(children, path + "/", tensors, entry["objects"], where)
        else:
            variables = list(obj.variables)
            entry["keys"] = []
            for i, variable in enumerate(variables):
                key = f"{path}/variables-{i}/{_leaf(getattr(variable, 'name', ''))}/{_VALUE}"
                tensors[key] = variable
                entry["keys"].append(key)
            if kind == "optimizer":
                optimizers.append((obj, entry))
        layout[name] = entry
    return optimizers


class _RestoreState:
    """What one restore still has to do: the checkpoint keys not yet used, layers waiting to be built
    and optimizers waiting for their model's variables."""

    def __init__(self, reader):
        self.reader = reader
        self.unused = set(reader.keys())
        self.unmatched_objects = []  # paths of live objects the checkpoint has no values for
        self.layer_trees = []  # [model, entry, path] with layers still to restore
        self.named_layer_trees = []  # [model, path] restored by weight name, with layers still to build
        self.optimizers = []  # [optimizer, entry, path] not built yet
        self.live = {}  # path -> live object
        self.restored_by_name = False  # then objects attached later to the root are restored by name too
        self.values_by_name = {key[:-len(_VALUE) - 1]: key for key in reader.keys() if key.endswith("/" + _VALUE)}

    def assign(self, variable, key):
        value = self.reader.tensor(key)
        if tuple(variable.shape) != tuple(value.shape):
            raise ValueError(f"Checkpoint value {key!r} has shape {tuple(value.shape)}, but the variable it "
                             f"restores has shape {tuple(variable.shape)}")
        if variable.dtype != value.dtype and (variable.dtype.is_floating_point != value.dtype.is_floating_point
                                              or variable.dtype == torch.bool or value.dtype == torch.bool):
            raise errors.op_error(errors.InvalidArgumentError, f"Checkpoint value {key!r} has dtype {value.dtype}, "
                                  f"but the variable it restores has dtype {variable.dtype}")
        with torch.no_grad():
            variable.assign(value.to(variable.dtype))
        self.unused.discard(key)

    # -- layers ------------------------------------------------------------------------------
    def restore_layers(self, model, entry, path):
        saved = entry["layers"]
        layers = model._flatten_layers()
        complete = len(layers) == len(saved)
        if complete:
            for j, (layer, keys) in enumerate(zip(layers, saved)):
                own = _own(layer)
                if len(own) == len(keys):
                    for weight, key in zip(own, keys):
                        if key in self.unused:
                            self.assign(weight, key)
                elif own and layer.built:
                    raise ValueError(f"Checkpoint: layer {layer.name!r} of {path!r} has {len(own)} weights, the "
                                     f"checkpoint has {len(keys)} for it; the model's architecture differs from "
                                     f"the saved one")
        elif model.built and all(layer.built for layer in layers):
            raise ValueError(f"Checkpoint: {path!r} has {len(layers)} layers, the checkpoint has {len(saved)}; "
                             f"the model's architecture differs from the saved one")
        pending = any(key in self.unused for keys in saved for key in keys)
        if pending:
            for layer in layers:
                if not layer.built and "_build_from_shape" not in layer.__dict__:
                    layer.__dict__["_build_from_shape"] = _DeferredBuild(layer, self)
            if [model, entry, path] not in self.layer_trees:
                self.layer_trees.append([model, entry, path])
        return pending

    def layer_built(self):
        self.layer_trees = [tree for tree in self.layer_trees if self.restore_layers(*tree)]
        self.named_layer_trees = [tree for tree in self.named_layer_trees if self.restore_layer_by_name(*tree)]
        self.retry_optimizers()

    def restore_layer_by_name(self, model, path):
        """Put values into `model`'s weights by their checkpoint names (`encoder/gru/cell/kernel`), the
        only way into a model from a checkpoint TensorFlow wrote (it has no tkeras layout). Layers not
        built yet get their values when they are (deferred restoration); returns whether some still wait."""
        names = weight_names(model)
        layers = model._flatten_layers()
        for layer in layers:
            for weight in _own(layer):
                key = self.values_by_name.get(f"{path}/{names[id(weight)]}") if id(weight) in names else None
                if key in self.unused:
                    self.assign(weight, key)
        unbuilt = [layer for layer in layers if not layer.built]
        if not unbuilt or not any(key.startswith(path + "/") for key in self.unused):
            return False
        for layer in unbuilt:
            if "_build_from_shape" not in layer.__dict__:
                layer.__dict__["_build_from_shape"] = _DeferredBuild(layer, self)
        if [model, path] not in self.named_layer_trees:
            self.named_layer_trees.append([model, path])
        return True

    # -- optimizers --------------------------------------------------------------------------
    def resolve(self, reference):
        obj = self.live.get(reference[0])
        if obj is None:
            return None
        if len(reference) == 1:
            return obj
        layers = obj._flatten_layers()
        if reference[1] >= len(layers):
            return None
        own = _own(layers[reference[1]])
        return own[reference[2]] if reference[2] < len(own) else None

    def restore_optimizer(self, optimizer, entry, path):
        keys = entry["keys"]
        built_refs = entry.get("built", [])
        if optimizer.built or not built_refs:
            current = optimizer.variables
            if len(current) != len(keys):
                raise ValueError(f"Checkpoint: optimizer {path!r} has {len(current)} variables, the checkpoint has "
                                 f"{len(keys)}; it was built on other variables than the saved one")
            optimizer.set_weights([self.reader.tensor(k) for k in keys])
            self.unused.difference_update(keys)
            return True
        variables = [self.resolve(ref) if ref is not None else None for ref in built_refs]
        if any(v is None for v in variables):
            return False  # its model is not built yet: done when it is (layer_built)
        optimizer.build(variables)
        return self.restore_optimizer(optimizer, entry, path)

    def retry_optimizers(self):
        self.optimizers = [item for item in self.optimizers if not self.restore_optimizer(*item)]

    def restore_by_name(self, obj, path):
        """Put saved values into an object tree that differs from the saved one, matching TensorFlow's
        variable keys: `Checkpoint(net=Checkpoint(l1=Checkpoint(bias=v)))` finds `net/l1/bias`. A
        Checkpoint in such a tree also restores children attached to it later (deferred restoration)."""
        self.restored_by_name = True
        kind = _kind(obj)
        if kind == "variable":
            key = self.values_by_name.get(path)
            if key is None:
                self.unmatched_objects.append(path)
            else:
                self.assign(obj, key)
        elif kind in ("checkpoint", "attributes", "container"):
            if kind != "attributes":
                obj._deferred_restores.append((self, path))
            for name, child in _children(obj, kind).items():
                self.restore_by_name(child, f"{path}/{name}")
        elif kind == "layer":
            self.live[path] = obj
            self.restore_layer_by_name(obj, path)
        elif kind == "optimizer" and not self.reader.layout:
            # TensorFlow names its slots by variable index (`optimizer/_variables/3`), which tkeras cannot
            # pair with its own: the model's values are restored, the optimizer starts afresh.
            self.unmatched_objects.append(path)
        else:
            raise NotImplementedError(f"Checkpoint: {path!r} is a {type(obj).__name__} where the checkpoint saved "
                                      f"something else; tkeras restores into a different object tree only through "
                                      f"tf.train.Checkpoint objects and variables")

    def restore(self, objects, layout, base):
        for name, obj in objects.items():
            path = base + name
            entry = layout.get(name)
            if entry is not None and entry["kind"] != _kind(obj) and _kind(obj) not in ("checkpoint", "variable"):
                raise NotImplementedError(f"Checkpoint: {path!r} is a {type(obj).__name__} where the checkpoint saved "
                                          f"a {entry['kind']}; tkeras restores into a different object tree only "
                                          f"through tf.train.Checkpoint objects and variables")
            if entry is None or entry["kind"] != _kind(obj):
                if any(key.startswith(path + "/") for key in self.values_by_name) or path in self.values_by_name:
                    self.restore_by_name(obj, path)
                else:
                    self.unmatched_objects.append(path)
                continue
            self.live[path] = obj
            if entry["kind"] == "container":
                self.restore_by_name(obj, path)
            elif entry["kind"] == "iterator":
                iterator_state.restore(obj, self.reader.tensor(entry["key"]), path)
                self.unused.discard(entry["key"])
            elif entry["kind"] == "variable":
                self.assign(obj, entry["key"])
            elif entry["kind"] == "layer":
                self.restore_layers(obj, entry, path)
            elif entry["kind"] == "checkpoint":
                self.restore(obj._all_objects(), entry["objects"], path + "/")
            elif entry["kind"] == "attributes":
                self.restore(_tracked_attributes(obj), entry["objects"], path + "/")
            elif entry["kind"] == "optimizer":
                self.optimizers.append([obj, entry, path])
            else:
                variables = list(obj.variables)
                if len(variables) != len(entry["keys"]):
                    raise ValueError(f"Checkpoint: {path!r} has {len(variables)} variables, the checkpoint has "
                                     f"{len(entry['keys'])}")
                for variable, key in zip(variables, entry["keys"]):
                    self.assign(variable, key)


class _DeferredBuild:
    """Stands in for one layer's `_build_from_shape` until its saved values are restored."""

    def __init__(self, layer, state):
        self.layer, self.state = layer, state

    def __call__(self, input_shape):
        self.layer.__dict__.pop("_build_from_shape", None)
        self.layer._build_from_shape(input_shape)
        self.state.layer_built()


class CheckpointLoadStatus(RestoreStatus):
    """What `restore` matched; its assertions let a training script insist on a complete restore."""

    def __init__(self, state):
        self._state = state

    def _pending(self):
        return sorted(self._state.unused)

    def assert_consumed(self):
        pending = self._pending()
        if pending:
            raise AssertionError(f"Unresolved values in checkpoint {self._state.reader.prefix!r}: {pending[:8]}"
                                 + (f" and {len(pending) - 8} more" if len(pending) > 8 else ""))
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self):
        if self._state.unmatched_objects:
            raise AssertionError(f"Objects not found in checkpoint {self._state.reader.prefix!r}: "
                                 f"{self._state.unmatched_objects}")
        waiting = [path for _, _, path in self._state.layer_trees if self._state.live[path].built]
        if waiting:
            raise AssertionError(f"Built objects still waiting for checkpoint values: {waiting}")
        return self

    def assert_nontrivial_match(self):
        if len(self._state.unused) == len(self._state.reader.keys()):
            raise AssertionError(f"Nothing was restored from checkpoint {self._state.reader.prefix!r}")
        return self


class InitializationOnlyStatus(CheckpointLoadStatus):
    """`restore(None)`: nothing to restore, so every assertion but consumption passes trivially."""

    def __init__(self):
        super().__init__(None)

    def assert_consumed(self):
        raise AssertionError("No checkpoint was restored (restore(None) initializes only)")

    def assert_existing_objects_matched(self):
        raise AssertionError("No checkpoint was restored (restore(None) initializes only)")

    def assert_nontrivial_match(self):
        raise AssertionError("No checkpoint was restored (restore(None) initializes only)")


class Checkpoint:
    def __init__(self, root=None, **kwargs):
        object.__setattr__(self, "_objects", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_deferred_restores", [])  # (restore state, path) that name children
        if root is not None:
            _check_trackable("root", root)
            self._objects["root"] = root
        for name, obj in kwargs.items():
            _check_trackable(name, obj)
            self._add(name, obj)

    def _add(self, name, obj):
        if isinstance(obj, (list, dict)):
            obj = containers.wrap(obj)
        if isinstance(obj, Iterator):
            iterator_state.track(obj)
        self._objects[name] = obj
        for state, path in self._deferred_restores:
            state.restore_by_name(obj, f"{path}/{name}" if path else name)

    def __getattr__(self, name):
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(f"'Checkpoint' object has no attribute {name!r}")

    def __setattr__(self, name, value):
        if not name.startswith("_") and (_holds_trackables(value) or _kind(value) is not None):
            self._add(name, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def save_counter(self):
        """The number of `save` calls, itself saved so that numbering continues after a restore."""
        if self._save_counter is None:
            from tkeras.compat.tf_namespace._variable import Variable
            object.__setattr__(self, "_save_counter", Variable(0, dtype=torch.int64, trainable=False,
                                                               name="save_counter"))
        return self._save_counter

    def _all_objects(self):
        objects = dict(self._objects)
        if self._save_counter is not None:
            objects["save_counter"] = self._save_counter
        return objects

    def write(self, file_prefix, options=None):
        """Write without numbering or touching the `checkpoint` state file; returns the prefix."""
        file_prefix = _as_path(file_prefix, "file_prefix")
        tensors, layout, where = {}, {}, {}
        optimizers = _collect(self._all_objects(), "", tensors, layout, where)
        for optimizer, entry in optimizers:
            entry["built"] = [where.get(id(v)) for v in optimizer._built_variables]
        return io.write(file_prefix, tensors, layout)

    def save(self, file_prefix, options=None):
        """Write to `<file_prefix>-<n>` (n counting saves) and name it in the directory's state file."""
        from tkeras.compat.tf_namespace import _checkpoint_manager as manager
        file_prefix = _as_path(file_prefix, "file_prefix")
        self.save_counter.assign_add(1)
        path = self.write(f"{file_prefix}-{int(self.save_counter.numpy())}")
        manager.write_state(os.path.dirname(path), path, [path])
        return path

    def restore(self, save_path, options=None):
        if save_path is None:
            return InitializationOnlyStatus()
        save_path = _as_path(save_path, "save_path")
        if os.path.isdir(save_path):
            from tkeras.compat.tf_namespace._checkpoint_manager import latest_checkpoint
            latest = latest_checkpoint(save_path)
            if latest is None:
                raise errors.op_error(errors.NotFoundError, f"No checkpoint found in the directory {save_path!r}")
            save_path = latest
        state = _RestoreState(io.Reader(save_path))
        objects = self._all_objects()
        saved_counter = "save_counter" in state.reader.layout or "save_counter" in state.values_by_name
        if saved_counter and "save_counter" not in objects:
            objects["save_counter"] = self.save_counter
        state.restore(objects, state.reader.layout, "")
        state.retry_optimizers()
        if state.restored_by_name:
            self._deferred_restores[:] = [(state, "")]
        return CheckpointLoadStatus(state)

    def read(self, save_path, options=None):
        return self.restore(save_path, options)

    def __repr__(self):
        return f"<tf.train.Checkpoint of {sorted(self._objects)}>"


def _as_path(value, argument):
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"tf.train.Checkpoint: `{argument}` must be a path (str), received {type(value).__name__}")
    return os.fspath(value)
