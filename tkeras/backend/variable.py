"""The weight type of every layer: a torch Parameter that also speaks Keras/TensorFlow's Variable API.

Being a real `torch.nn.Parameter` means torch optimizers, `state_dict`, DDP and ONNX export see layer
weights with no translation, and arithmetic on it returns plain tensors (no subclass overhead in the
training loop). The Keras side (`assign`, `assign_add`, `numpy()`, `trainable`, `name`, `path`) is
added on top for user code such as the seed's hand-written `W.assign_sub(grad * lr)`.
"""
import numpy as np
import torch

from tkeras.backend import config, reversed_slices
from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.eager_tensor import TensorShape, add_numpy_protocol, slice_of_variable
from tkeras.backend.name_scope import current_path
from tkeras.backend.naming import unique_name
from tkeras.backend.stateless_scope import active_stateless_scope


def _as_tensor(value, dtype=None):
    if isinstance(value, torch.Tensor):
        tensor = value.detach()
        if type(tensor) is not torch.Tensor:  # an EagerTensor or another Variable: its plain data
            tensor = tensor.as_subclass(torch.Tensor)
    else:
        array = np.asarray(value)
        if dtype is None and array.dtype == np.float64:
            dtype = config.standardize_dtype(None)
        elif dtype is None and array.dtype == np.int64 and not isinstance(value, (np.ndarray, np.generic)):
            dtype = torch.int32  # Python ints: Keras 3 and TensorFlow both make them int32
        tensor = torch.as_tensor(reversed_slices.without_negative_strides(array))
    if dtype is not None and tensor.dtype is not dtype:  # (a torch dtype already right: nothing to look up)
        tensor = tensor.to(config.standardize_dtype(dtype))
    return tensor


def _shares_memory(tensor, source):
    if isinstance(source, torch.Tensor):
        return tensor.untyped_storage().data_ptr() == source.untyped_storage().data_ptr()
    # may_share_memory compares bounds only (shares_memory can be exponentially slow); a needless
    # copy in a rare overlap case is harmless.
    return tensor.device.type == "cpu" and np.may_share_memory(tensor.numpy(), source)


_AGGREGATIONS = ("none", "mean", "sum", "only_first_replica")
_SYNCHRONIZATIONS = ("none", "on_write", "on_read", "auto")


def _initial_value(initializer, initial_value, shape, dtype):
    """The starting value from Keras 3's `initializer` (or TensorFlow's `initial_value`, the same thing).

    A value (tensor, array, number) is used as it is; an initializer (a name such as "zeros", an
    Initializer object, or a function of (shape, dtype)) needs `shape=`; a function of no arguments
    (TensorFlow's `tf.Variable(lambda: ...)`) is called as it is.
    """
    if initializer is not None and initial_value is not None:
        raise TypeError("Variable: pass the starting value once, as `initializer` (Keras 3) or `initial_value` "
                        "(TensorFlow), not both")
    value = initial_value if initializer is None else initializer
    if value is None:
        raise ValueError("Variable needs an initial_value (Keras 3: `initializer`): a tensor, array or number, "
                         "or an initializer together with `shape=`")
    if isinstance(value, torch.Tensor) or not (isinstance(value, str) or callable(value)):
        return value
    from tkeras import initializers  # (imported when first needed: initializers is built on backend)
    if isinstance(value, str) or isinstance(value, initializers.Initializer):
        if shape is None:
            raise ValueError(f"Variable: an initializer ({value!r}) needs `shape=` to know what to create")
        return initializers.get(value)(tuple(shape), dtype=dtype)
    return value(tuple(shape), dtype=dtype) if shape is not None else value()


@add_numpy_protocol
class Variable(torch.nn.Parameter):
    """A mutable, named tensor. `trainable=False` weights (BatchNorm's moving mean) never get gradients."""

    def __new__(cls, initializer=None, shape=None, dtype=None, trainable=True, autocast=True, aggregation="none",
                synchronization="auto", name=None, layout=None, **kwargs):
        # Keras 3's parameters, in its order; TensorFlow's spelling `initial_value=` names the first one too.
        initial_value = _initial_value(initializer, kwargs.pop("initial_value", None), shape, dtype)
        if aggregation not in _AGGREGATIONS:
            raise ValueError(f"Variable: aggregation must be one of {_AGGREGATIONS}; received {aggregation!r}")
        if synchronization not in _SYNCHRONIZATIONS:
            raise ValueError(
                f"Variable: synchronization must be one of {_SYNCHRONIZATIONS}; received {synchronization!r}")
        if layout is not None:
            raise NotImplementedError("Variable: layout= (sharding a variable over a device mesh) is not "
                                      "supported by tkeras; leave layout=None")
        data = _as_tensor(initial_value, dtype)
        if isinstance(initial_value, (np.ndarray, torch.Tensor)) and _shares_memory(data, initial_value):
            data = data.clone()  # a Variable owns its value: assigning to it must not write into the caller's array
        trainable = bool(trainable)
        requires_grad = trainable and (data.is_floating_point() or data.is_complex())
        var = torch.Tensor._make_subclass(cls, data, requires_grad)
        var._keras_trainable = trainable
        var._keras_name = name or unique_name("variable")  # Keras' auto-name: variable, variable_1, ...
        var.autocast, var.aggregation, var.synchronization = bool(autocast), aggregation, synchronization
        scope_path = current_path()  # keras.name_scope("outer"): path "outer/<name>"
        var._keras_path = f"{scope_path}/{var._keras_name}" if scope_path else var._keras_name
        return var

    def __init__(self, *args, **kwargs):  # all work is done in __new__
        pass

    # -- Keras attributes -------------------------------------------------------------------------
    @property
    def name(self):
        return self._keras_name

    @property
    def path(self):
        return self._keras_path

    @property
    def trainable(self):
        return self._keras_trainable

    @trainable.setter
    def trainable(self, value):
        self._keras_trainable = bool(value)
        # The same rule as at creation: integer tensors cannot carry gradients, complex ones can.
        self.requires_grad_(self._keras_trainable and (self.is_floating_point() or self.is_complex()))

    @property
    def value(self):
        # Keras 3 on torch hands out the parameter itself (`v.value.grad` in custom train steps).
        return self

    @property
    def shape(self):
        # Keras' variables report their shape as a tuple: `print(conv.weights[0].shape)` shows
        # `(3, 3, 1, 32)` (Keras 3 and tf-keras 2 alike), not torch's `torch.Size([3, 3, 1, 32])`. The
        # dims of a torch.Size are ints already, so the tuple is built without re-checking them.
        return tuple.__new__(TensorShape, torch.Tensor.shape.__get__(self))

    def get_shape(self):
        # tf.Variable's method, which tf-keras 2 layer code calls on `self.kernel`.
        return self.shape

    def numpy(self):
        # A snapshot, as Keras' variables give (TensorFlow copies; JAX arrays never change): a view of
        # the Parameter would follow later updates, so `before = w.numpy(); fit(); w.numpy() - before`
        # would read 0. A 0-d variable gives a NumPy scalar, as on TensorFlow (tf-keras 2 and Keras 3's
        # default backend): `optimizer.learning_rate.numpy()` is `np.float32(0.01)`, not a 0-d array.
        array = self._snapshot()
        return array[()] if array.ndim == 0 else array

    def _snapshot(self):
        return self.detach().cpu().numpy().copy()

    def __array__(self, dtype=None, copy=None):
        array = self._snapshot()
        return array.astype(dtype) if dtype is not None else array

    # -- mutation, always outside autograd: an assignment is not part of the computation ----------
    # use_locking/name/read_value are tf.Variable's keywords (tf-keras 2 code passes them to layer weights
    # too): there is no graph op to name or lock, and read_value=False returns None as TensorFlow's eager
    # assignment does rather than the variable.
    def assign(self, value, use_locking=None, name=None, read_value=True):
        new = _as_tensor(value, dtype=self.dtype)  # float64 arrays straight to a float64 variable's dtype
        if tuple(new.shape) != tuple(self.shape):
            raise ValueError(
                f"Cannot assign a value of shape {tuple(new.shape)} to variable {self.name!r} of shape "
                f"{tuple(self.shape)}: the shapes must match")
        if active_stateless_scope() is not None:  # keras.StatelessScope: recorded there, not applied
            active_stateless_scope().add_update(self, new.to(self.device))
            return self if read_value else None
        with torch.no_grad():
            self.copy_(new.to(self.dtype))
        return self if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        if active_stateless_scope() is not None:
            return self.assign(self.detach() + _as_tensor(delta, dtype=self.dtype).to(self.device),
                               read_value=read_value)
        with torch.no_grad():
            self.add_(_as_tensor(delta, dtype=self.dtype))
        return self if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        if active_stateless_scope() is not None:
            return self.assign(self.detach() - _as_tensor(delta, dtype=self.dtype).to(self.device),
                               read_value=read_value)
        with torch.no_grad():
            self.sub_(_as_tensor(delta, dtype=self.dtype))
        return self if read_value else None

    def __getitem__(self, key):
        # In user code `v[0, 0]` is TensorFlow's assignable slice (`v[0, 0].assign(3.)`); inside
        # layers and the training loop indexing stays a plain torch op. A negative step (`v[::-1]`) gives a
        # reversed copy, as NumPy and TensorFlow do (torch refuses it).
        if reversed_slices.has_negative_step(key):
            return reversed_slices.getitem(self, key)
        result = torch.Tensor.__getitem__(self, key)
        if CALL_CONTEXT.depth or CALL_CONTEXT.raw:
            return result
        return slice_of_variable(result, self, key)

    def __repr__(self):
        # A scalar shows as the Python number its value converts to, every digit of it, as Keras 3 prints
        # `optimizer.learning_rate` (`value=0.0010000000474974513`); arrays show NumPy's text.
        value = self.numpy()
        text = str(value.item()) if np.ndim(value) == 0 else str(value)
        return (f"<Variable path={self.path}, shape={tuple(self.shape)}, dtype={config.dtype_name(self.dtype)}, "
                f"value={text}>")

    def __reduce_ex__(self, proto):
        # Deep copies (torch's module copying) keep the Keras attributes.
        return (_rebuild_variable, (self.detach().clone(), self._keras_trainable, self._keras_name,
                                    self._keras_path, self.__dict__.get("_keras_tracked_trainable")))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        copy = _rebuild_variable(self.detach().clone(), self._keras_trainable, self._keras_name,
                                 self._keras_path, self.__dict__.get("_keras_tracked_trainable"))
        memo[id(self)] = copy
        return copy


def _rebuild_variable(data, trainable, name, path, tracked_trainable=None):
    var = Variable(data, trainable=trainable, name=name)
    var._keras_path = path
    if tracked_trainable is not None:  # its place in the owning layer's `weights` (layers/weight_order.py)
        var._keras_tracked_trainable = tracked_trainable
    return var


def assign_arrays(owner, variables, weights):
    """`set_weights`: copy `weights` (arrays, one per variable, in order) into `variables`, after checking
    the count and every shape, so that a wrong list changes nothing. `owner` names the layer or metric
    in the errors ("Layer 'dense'")."""
    arrays = [np.asarray(value) for value in weights]
    if len(arrays) != len(variables):
        raise ValueError(f"{owner} expects {len(variables)} weight arrays ({[tuple(v.shape) for v in variables]}), "
                         f"but set_weights received {len(arrays)}")
    for variable, array in zip(variables, arrays):
        if tuple(array.shape) != tuple(variable.shape):
            raise ValueError(f"{owner}: weight {variable.name!r} has shape {tuple(variable.shape)}, but set_weights "
                             f"received an array of shape {tuple(array.shape)}")
    with torch.no_grad():
        for variable, array in zip(variables, arrays):
            variable.copy_(torch.as_tensor(array, dtype=variable.dtype, device=variable.device))
