"""Keras 3's dtype rules in the NumPy-named ops: calls whose result dtype (and the values it implies)
follow `keras.backend.result_type` rather than torch's or NumPy's promotion.

Same format as keras_cases.py; `make_ops_golden.py dtype_rules` writes the outputs, and
`make_dtype_rules_reference.py` writes the dtypes Keras' symbolic path gives (test_dtype_rules.py).
Covered: a bool tensor meeting a Python int (Keras' weak Python scalars), true division of unsigned
ints by a negative scalar, int8 products promoted to int32, small-int and bool reductions and scans,
int32 indices from arg-reductions, float results of floor/ceil on ints, and bool inputs Keras accepts.
"""
import numpy as np


def _rng(seed):
    return np.random.default_rng(seed)


def _ints(seed, low, high, dtype, *shape):
    return _rng(seed).integers(low, high, size=shape).astype(dtype)


def cases():
    """[(case id, op path under keras.ops, args, kwargs)]."""
    f = _rng(1).normal(size=(3, 4)).astype("float32")
    f16 = f.astype("float16")
    i32 = _ints(2, -5, 6, "int32", 3, 4)
    i8 = _ints(3, -128, 128, "int8", 3, 4)
    i16 = _ints(4, -300, 300, "int16", 3, 4)
    u8 = _ints(5, 0, 256, "uint8", 3, 4)
    b = _rng(6).random((3, 4)) > 0.4
    b2 = np.array([True, False])
    iv = np.array([1, 2, 3], "int32")
    xi = np.array([0, 1, 1, 3, 2], "int32")
    return [
        # 1. bool tensor with a Python int: int32 arithmetic (Keras' weak-typed scalars)
        ("add_bool_int", "add", (b, 1), {}),
        ("add_int_bool", "add", (2, b), {}),
        ("multiply_bool_int", "multiply", (b2, 3), {}),
        ("maximum_bool_int", "maximum", (b, 1), {}),
        ("minimum_bool_int", "minimum", (b, 0), {}),
        ("subtract_bool_int", "subtract", (b, 1), {}),
        ("subtract_bool_float", "subtract", (b, 2.5), {}),
        ("add_bool_float", "add", (b, 0.5), {}),
        ("add_bool_bool", "add", (b, b), {}),
        ("add_bool_pybool", "add", (b, True), {}),
        ("add_i8_int", "add", (i8, 1), {}),
        ("add_u8_float", "add", (u8, 1.5), {}),
        ("add_f16_int", "add", (f16, 2), {}),
        # 2. true division: the scalar keeps its sign
        ("divide_u8_neg", "divide", (u8, -1), {}),
        ("true_divide_u8_neg", "true_divide", (u8, -1), {}),
        ("divide_i8_int", "divide", (i8, 4), {}),
        ("divide_i32_i32", "divide", (i32, iv[:1] + 1), {}),
        ("divide_bool_int", "divide", (b, 2), {}),
        # 3. integer products: int8 promotes to int32
        ("matmul_i8", "matmul", (i8, i8.T), {}),
        ("matmul_i32", "matmul", (i32, i32.T), {}),
        ("matmul_bool", "matmul", (b, b.T), {}),
        ("dot_i8", "dot", (i8, i8.T), {}),
        ("dot_bool", "dot", (b, b.T), {}),
        ("inner_bool", "inner", (b, b), {}),
        ("einsum_bool", "einsum", ("ij,kj->ik", b, b), {}),
        ("einsum_i8", "einsum", ("ij,kj->ik", i8, i8), {}),
        # 4. small ints in scans and reductions
        ("cumsum_i8", "cumsum", (i8,), dict(axis=0)),
        ("cumsum_u8", "cumsum", (u8,), dict(axis=0)),
        ("cumprod_i16", "cumprod", (i16,), dict(axis=1)),
        ("cumprod_u8", "cumprod", (u8,), dict(axis=0)),
        ("nancumsum_u8", "nancumsum", (u8,), dict(axis=0)),
        ("prod_i8", "prod", (i8,), {}),
        ("nanprod_i8", "nanprod", (i8,), {}),
        # 5. arg-reductions: int32 indices
        ("argmax_f", "argmax", (f,), {}),
        ("argmax_f_axis", "argmax", (f,), dict(axis=1)),
        ("argmax_f_keepdims", "argmax", (f,), dict(keepdims=True)),
        ("argmin_f_keepdims", "argmin", (f,), dict(keepdims=True)),
        ("argmax_f_axis_keepdims", "argmax", (f,), dict(axis=0, keepdims=True)),
        ("argmin_i", "argmin", (i32,), dict(axis=0)),
        ("nanargmax_f", "nanargmax", (f,), dict(axis=1)),
        ("nanargmin_f", "nanargmin", (f,), {}),
        ("argsort_f", "argsort", (f,), {}),
        ("argsort_i_axis0", "argsort", (i32,), dict(axis=0)),
        # 6. sums and products of ints and bools
        ("sum_i", "sum", (i32,), {}),
        ("sum_i_axis", "sum", (i32,), dict(axis=0)),
        ("sum_i8", "sum", (i8,), {}),
        ("sum_bool", "sum", (b,), dict(axis=1)),
        ("sum_pylist", "sum", ([1, 2, 3],), {}),
        ("nansum_i", "nansum", (i32,), dict(axis=1)),
        ("prod_i", "prod", (i32,), dict(axis=0)),
        ("prod_bool", "prod", (b,), dict(axis=0)),
        ("nanprod_i", "nanprod", (i32,), dict(axis=0)),
        ("cumsum_i", "cumsum", (i32,), {}),
        ("cumsum_bool", "cumsum", (b,), dict(axis=1)),
        ("cumprod_i", "cumprod", (i32,), dict(axis=0)),
        ("prod_f_dtype_int", "prod", (f * 3,), dict(axis=0, dtype="int32")),
        ("sum_f", "sum", (f,), dict(axis=0)),
        # 7. float results of floor/ceil on ints; other int32 results
        ("floor_i", "floor", (i32,), {}),
        ("ceil_i", "ceil", (i32,), {}),
        ("floor_i8", "floor", (i8,), {}),
        ("floor_pyint", "floor", (2,), {}),
        ("ceil_u8", "ceil", (u8,), {}),
        ("square_bool", "square", (b,), {}),
        ("clip_bool", "clip", (b, 0, 1), {}),
        ("vdot_i", "vdot", (i32, i32 + 1), {}),
        ("vander_i", "vander", (iv,), dict(N=3)),
        ("bincount_w_i32", "bincount", (xi,), dict(weights=np.array([1, 2, 3, 4, 5], "int32"))),
        ("bincount_w_f16", "bincount", (xi,), dict(weights=np.array([1, 2, 3, 4, 5], "float16"))),
        ("bincount_plain", "bincount", (xi,), {}),
        # 8. bool inputs Keras accepts
        ("abs_bool", "abs", (b,), {}),
        ("absolute_bool", "absolute", (b,), {}),
        ("floor_bool", "floor", (b,), {}),
        ("ceil_bool", "ceil", (b,), {}),
        ("argmax_bool", "argmax", (b,), dict(axis=1)),
        ("argmin_bool", "argmin", (b,), {}),
        ("nanargmax_bool", "nanargmax", (b,), dict(axis=1)),
        ("nanargmin_bool", "nanargmin", (b,), dict(axis=0)),
        ("floor_divide_bool", "floor_divide", (b, np.ones_like(b)), {}),
        ("floor_divide_bool_int", "floor_divide", (b, 1), {}),
        ("mod_bool", "mod", (b, np.ones_like(b)), {}),
        ("fmod_bool", "fmod", (b, np.ones_like(b)), {}),
        ("power_bool", "power", (b, b), {}),
        ("power_bool_int", "power", (b, 2), {}),
        ("isin_bool", "isin", (b, np.array([True])), {}),
    ]
