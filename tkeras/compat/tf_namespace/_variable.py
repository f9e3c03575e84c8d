"""`tf.Variable`: tkeras' Variable as TensorFlow code sees it (repr, tuple-like shape, tensor results).

Layer weights are plain tkeras Variables (arithmetic gives plain tensors, nothing in the training
loop pays for TensorFlow's face); `isinstance(layer.kernel, tf.Variable)` is still True. Variables
made by user code through `tf.Variable(...)` additionally return EagerTensors from arithmetic and
accept NumPy operands, so `W[0] / W[1] * np.linspace(...)` works as in TensorFlow.
"""
import torch

from tkeras.backend import eager_tensor
from tkeras.compat.tf_namespace import _variable_scatter
from tkeras.compat.tf_namespace._text import _is_text
from tkeras.compat.tf_namespace._text_variable import TextVariable
from tkeras.backend.eager_tensor import EagerTensor, TensorShape, dtype_text, numpy_text
from tkeras.backend.variable import Variable as KerasVariable


class _VariableType(type(torch.nn.Parameter)):
    def __instancecheck__(cls, instance):
        if cls is Variable:
            return isinstance(instance, (KerasVariable, TextVariable))
        return super().__instancecheck__(instance)


class Variable(KerasVariable, metaclass=_VariableType):
    def __new__(cls, initial_value=None, trainable=None, validate_shape=True, caching_device=None, name=None,
                variable_def=None, dtype=None, import_scope=None, constraint=None, synchronization=None,
                aggregation=None, shape=None):
        from tkeras.compat.tf_namespace import _top_extra
        if _top_extra.creators():
            return _created_through_scopes(cls, dict(
                initial_value=initial_value, trainable=trainable, validate_shape=validate_shape,
                caching_device=caching_device, name=name, variable_def=variable_def, dtype=dtype,
                import_scope=import_scope, constraint=constraint, synchronization=synchronization,
                aggregation=aggregation, shape=shape))
        if _is_text(initial_value, dtype):  # tf.Variable(["abc"], dtype=tf.string): torch holds no text
            return TextVariable(initial_value, trainable=trainable, name=name, shape=shape)
        # TensorFlow 2 names every unnamed variable "Variable" (no counter), unlike Keras' `variable_1`.
        var = KerasVariable.__new__(cls, initial_value, trainable=True if trainable is None else trainable,
                                    name=name or "Variable", dtype=dtype, shape=shape)
        var.constraint = constraint
        return var

    __torch_function__ = classmethod(EagerTensor.__torch_function__.__func__)

    @property
    def shape(self):
        with torch._C.DisableTorchFunctionSubclass():
            return TensorShape(torch.Tensor.shape.__get__(self))

    def get_shape(self):
        return self.shape

    def read_value(self):
        return eager_tensor.wrap(self.detach().as_subclass(torch.Tensor).clone())

    def value(self):
        # A method on TensorFlow's variables (`w.value()`); only keras.Variable has the `.value` property.
        return self.read_value()

    def __format__(self, spec):
        return format(self.numpy().item(), spec) if self.dim() == 0 else format(repr(self), spec)

    def __repr__(self):
        return (f"<tf.Variable '{self.name}:0' shape={self.shape} dtype={dtype_text(self.dtype)}, "
                f"numpy={numpy_text(self.numpy(), True)}>")


for _name, _value in list(vars(EagerTensor).items()):
    if _name.startswith("__") and getattr(_value, "__name__", None) == _name and _name not in (
            "__getitem__", "__setitem__", "__str__", "__repr__", "__format__", "__torch_function__", "__hash__"):
        setattr(Variable, _name, _value)
Variable.__hash__ = torch.Tensor.__hash__
_variable_scatter.install(Variable)


def _refused_in_place(operator, instead):
    """TensorFlow refuses `+=`, `-=`, `*=`, `/=` and `**=` on a tf.Variable (it would not say whether the
    variable or only the name changes); torch would write into the variable in place."""
    def refuse(self, other):
        raise RuntimeError(f"`variable {operator}= value` on a tf.Variable ({self.name!r}) is refused, as TensorFlow "
                           f"refuses it: use `{instead}` to change the variable, or `out = variable {operator} value` "
                           f"for a new tensor")
    return refuse


Variable.__iadd__ = _refused_in_place("+", "variable.assign_add(value)")
Variable.__isub__ = _refused_in_place("-", "variable.assign_sub(value)")
Variable.__imul__ = _refused_in_place("*", "variable.assign(variable * value)")
Variable.__itruediv__ = _refused_in_place("/", "variable.assign(variable / value)")
Variable.__ipow__ = _refused_in_place("**", "variable.assign(variable ** value)")
# The other augmented assignments bind the name to a new tensor in TensorFlow, the variable unchanged.
Variable.__ifloordiv__ = Variable.__floordiv__
Variable.__imod__ = Variable.__mod__
Variable.__imatmul__ = Variable.__matmul__


def _created_through_scopes(cls, kwargs):
    """Runs the variable_creator_scope chain, innermost first; the end of the chain builds the Variable."""
    from tkeras.compat.tf_namespace import _top_extra
    chain = list(_top_extra.creators())

    def make(index):
        def next_creator(**kw):
            if index < 0:
                var = KerasVariable.__new__(cls, kw.get("initial_value"), trainable=True if kw.get("trainable") is None
                                            else kw.get("trainable"), name=kw.get("name"), dtype=kw.get("dtype"),
                                            shape=kw.get("shape"))
                var.constraint = kw.get("constraint")
                return var
            return chain[index](make(index - 1), **kw)
        return next_creator

    saved = _top_extra.creators()[:]
    del _top_extra.creators()[:]  # Variables the creators make themselves are plain
    try:
        return make(len(chain) - 1)(**kwargs)
    finally:
        _top_extra.creators()[:] = saved
