"""NumPy-family op calls whose results real Keras 3 wrote to
`tests/fixtures/keras_ops_numpy_fidelity_golden.npz`: the edge cases an audit against Keras 3.15.1 found
(`pad` modes and widths, `tile`/`roll`/`expand_dims` argument forms, `axis=None`, mixed dtypes, NaN
handling, NumPy's indexing rules, array `start`/`stop`/`fill_value`).

NumPy inputs only, fixed seeds. Calls where Keras-on-JAX behaves in a JAX-only way (out-of-range `take`
filling NaN, `clip` with wrapped out-of-range bounds) are left out.
"""
import numpy as np


def _rng(seed):
    return np.random.default_rng(seed)


def _f(seed, *shape):
    return _rng(seed).normal(size=shape).astype("float32")


def _i(seed, *shape, low=-5, high=6):
    return _rng(seed).integers(low, high, size=shape).astype("int32")


def cases():
    """[(case id, op path under keras.ops, args, kwargs)]."""
    f, f2, fv, f3 = _f(1, 3, 4), _f(2, 3, 4), _f(3, 4), _f(4, 2, 3, 4)
    i, i2, iv = _i(5, 3, 4), _i(6, 3, 4), _i(7, 4)
    b = _rng(8).random((3, 4)) > 0.5
    finf = np.array([1.0, np.inf, -np.inf, np.nan, -0.0, 0.0, -2.5], dtype="float32")
    fnan = f.copy()
    fnan[0, 1] = fnan[2, 3] = np.nan
    fnan[1, :] = np.nan
    u8 = _rng(9).integers(0, 255, size=(3, 4)).astype("uint8")
    i8 = _i(10, 3, 4, low=-100, high=100).astype("int8")
    i16 = _i(11, 4, 3, low=-100, high=100).astype("int16")
    f16 = f.astype("float16")
    return [
        # creation
        ("arange_numpy_float_start", "arange", (np.float32(1.5), 4), {}),
        ("arange_negative_float_stop", "arange", (-3.0,), {}),
        ("arange_float_step", "arange", (0, 2, 0.5), {}),
        ("linspace_array_ends", "linspace", (np.array([0.0, 1.0], "float32"), np.array([1.0, 3.0], "float32")),
         dict(num=3)),
        ("linspace_array_ends_axis1", "linspace",
         (np.array([0.0, 1.0], "float32"), np.array([1.0, 3.0], "float32")), dict(num=3, axis=1)),
        ("linspace_array_no_endpoint", "linspace", (np.array([0.0, 1.0], "float32"), 2.0),
         dict(num=4, endpoint=False)),
        ("linspace_retstep", "linspace", (0.0, 1.0), dict(num=4, retstep=True)),
        ("logspace_array_ends", "logspace", (np.array([0.0, 1.0], "float32"), np.array([1.0, 2.0], "float32")),
         dict(num=3)),
        ("geomspace_array_ends_axis1", "geomspace",
         (np.array([1.0, 2.0], "float32"), np.array([10.0, 20.0], "float32")), dict(num=3, axis=1)),
        ("geomspace_int_dtype", "geomspace", (1, 1000), dict(num=4, dtype="int32")),
        ("geomspace_negative", "geomspace", (-1.0, -1000.0), dict(num=4)),
        ("full_array_fill", "full", ((2, 3), np.array([1.0, 2.0, 3.0], "float32")), {}),
        ("full_like_array_fill", "full_like", (f, np.array([1.0, 2.0, 3.0, 4.0], "float32")), {}),
        ("meshgrid_mixed_dtypes_ij", "meshgrid", (iv, fv), dict(indexing="ij")),
        ("meshgrid_mixed_dtypes_xy", "meshgrid", (iv, fv, np.array([1.5, -1.5], "float32")), {}),
        # elementwise NaN handling
        ("sign_nan", "sign", (finf,), {}),
        ("heaviside_nan", "heaviside", (finf, 1.5), {}),
        ("angle_signed_zero", "angle", (finf,), {}),
        ("nanargmax_all_nan_row", "nanargmax", (fnan,), dict(axis=1)),
        ("nanargmin_all_nan_row", "nanargmin", (fnan,), dict(axis=1)),
        ("nanargmax_all_nan_column", "nanargmax", (fnan.T.copy(),), dict(axis=0, keepdims=True)),
        # counting
        ("digitize_decreasing_bins", "digitize", (f, np.array([1.0, 0.0, -1.0], "float32")), {}),
        ("digitize_increasing_bins", "digitize", (f, np.array([-1.0, 0.0, 1.0], "float32")), {}),
        ("histogram_constant", "histogram", (np.array([1.0, 1.0, 1.0], "float32"),), dict(bins=2)),
        ("histogram_plain", "histogram", (_f(12, 20),), dict(bins=4)),
        # indexing
        ("get_item_advanced_split_by_slice", "get_item", (f3, (1, slice(None, 2), np.array([0, 3]))), {}),
        ("get_item_advanced_apart", "get_item", (f3, (np.array([0, 1]), slice(None), np.array([1, 2]))), {}),
        ("get_item_advanced_adjacent", "get_item", (f3, (slice(None), np.array([0, 2]), np.array([1, 3]))), {}),
        ("get_item_int_and_array_adjacent", "get_item", (f3, (slice(None), 1, np.array([0, 3]))), {}),
        ("where_one_argument", "where", (b,), {}),
        # pad
        ("pad_int_width", "pad", (f, 1), {}),
        ("pad_single_pair", "pad", (f, (1, 2)), {}),
        ("pad_1d_pair", "pad", (fv, (2, 1)), {}),
        ("pad_int_constant_values", "pad", (i, 1), dict(constant_values=2)),
        ("pad_bool", "pad", (b, 1), {}),
        ("pad_reflect_int_width", "pad", (f, 2), dict(mode="reflect")),
        ("pad_reflect_both_axes", "pad", (f, ((1, 1), (1, 1))), dict(mode="reflect")),
        ("pad_reflect_3d", "pad", (f3, [(0, 0), (1, 1), (2, 0)]), dict(mode="reflect")),
        ("pad_reflect_3d_all_axes", "pad", (f3, ((1, 1), (1, 2), (2, 1))), dict(mode="reflect")),
        ("pad_reflect_1d", "pad", (fv, ((3, 3),)), dict(mode="reflect")),
        ("pad_symmetric", "pad", (f, ((1, 1), (2, 2))), dict(mode="symmetric")),
        ("pad_symmetric_wide", "pad", (fv, ((5, 6),)), dict(mode="symmetric")),
        ("pad_reflect_wide", "pad", (fv, ((5, 7),)), dict(mode="reflect")),
        ("pad_edge", "pad", (f, ((1, 1), (2, 2))), dict(mode="edge")),
        ("pad_wrap", "pad", (f, ((1, 1), (2, 2))), dict(mode="wrap")),
        ("pad_wrap_wide", "pad", (fv, ((6, 9),)), dict(mode="wrap")),
        ("pad_maximum", "pad", (f, ((1, 1), (2, 2))), dict(mode="maximum")),
        ("pad_minimum", "pad", (f, ((1, 1), (0, 0))), dict(mode="minimum")),
        ("pad_mean", "pad", (f, ((1, 1), (2, 2))), dict(mode="mean")),
        ("pad_median", "pad", (f, ((1, 1), (0, 0))), dict(mode="median")),
        ("pad_median_int", "pad", (i, ((1, 2), (1, 0))), dict(mode="median")),
        ("pad_linear_ramp", "pad", (f, 1), dict(mode="linear_ramp")),
        ("pad_linear_ramp_wide", "pad", (f, ((2, 1), (0, 3))), dict(mode="linear_ramp")),
        ("pad_edge_int", "pad", (i, ((0, 2), (1, 1))), dict(mode="edge")),
        # rearranging
        ("tile_int", "tile", (f, 2), {}),
        ("tile_zero", "tile", (f, 0), {}),
        ("tile_short_repeats", "tile", (f3, (1, 2)), {}),
        ("tile_empty_repeats", "tile", (f, []), {}),
        ("tile_long_repeats", "tile", (fv, (2, 1, 3)), {}),
        ("expand_dims_tuple", "expand_dims", (f, (0, 2)), {}),
        ("expand_dims_tuple_negative", "expand_dims", (f, (-1, 0)), {}),
        ("concatenate_axis_none", "concatenate", ((f, f2, f),), dict(axis=None)),
        ("sort_axis_none", "sort", (i,), dict(axis=None)),
        ("argsort_axis_none", "argsort", (i,), dict(axis=None)),
        ("argsort_0d", "argsort", (np.array(0.7, "float32"),), {}),
        ("roll_scalar_shift_tuple_axis", "roll", (f3, -1), dict(axis=(0, -1))),
        ("roll_tuple_shift_tuple_axis", "roll", (f3, (1, 2)), dict(axis=(1, 2))),
        # reductions
        ("median_float16", "median", (f16,), {}),
        ("nanmedian_float16", "nanmedian", (f16,), {}),
        ("median_empty_axis1", "median", (np.zeros((0, 3), "float32"),), dict(axis=1)),
        ("nanmedian_empty_axis1", "nanmedian", (np.zeros((0, 3), "float32"),), dict(axis=1)),
        ("argmax_keepdims_axis_none", "argmax", (f,), dict(keepdims=True)),
        ("argmin_keepdims_axis_none", "argmin", (f,), dict(keepdims=True)),
        # bounds and mixed dtypes
        ("clip_tensor_min", "clip", (f, fv, 1.0), {}),
        ("clip_int_tensor_min", "clip", (i, i2, 3), {}),
        ("clip_tensor_both", "clip", (f, -np.abs(fv), np.abs(f2)), {}),
        ("einsum_int_float", "einsum", ("ij,jk->ik", i, _f(13, 4, 3)), {}),
        ("einsum_half_float", "einsum", ("ij,jk->ik", f16, _f(13, 4, 3)), {}),
        ("einsum_float_int_vector", "einsum", ("ij,j->i", f, iv), {}),
        ("einsum_int8_int16", "einsum", ("ij,ji->i", i8, i16), {}),
        # out-of-range Python integers with small integer dtypes: Keras wraps them into the dtype
        ("add_uint8_large_int", "add", (u8, 1000), {}),
        ("subtract_uint8_large_int", "subtract", (u8, 1000), {}),
        ("maximum_uint8_large_int", "maximum", (u8, 1000), {}),
        ("greater_int8_large_int", "greater", (i8, 200), {}),
        ("where_int8_large_int", "where", (b, i8, 300), {}),
    ]
