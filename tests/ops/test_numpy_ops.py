"""The NumPy family of tkeras.ops against NumPy itself: several dtypes and shapes, broadcasting,
negative axes."""
import numpy as np
import pytest

from tkeras import ops

RNG = np.random.default_rng(12)
DTYPES = ("float32", "float64", "int32")


def sample(shape, dtype, low=-3.0, high=3.0):
    values = RNG.uniform(low, high, size=shape)
    return values.astype(dtype) if dtype.startswith("float") else np.round(values).astype(dtype)


def close(got, expected, rtol=1e-5, atol=1e-6):
    got = ops.convert_to_numpy(got)
    assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


UNARY = [
    ("arccosh", np.arccosh, (1.1, 4.0)), ("arcsinh", np.arcsinh, None), ("arctanh", np.arctanh, (-0.9, 0.9)),
    ("cbrt", np.cbrt, None), ("deg2rad", np.deg2rad, None), ("rad2deg", np.rad2deg, None), ("exp2", np.exp2, None),
    ("sinc", np.sinc, None), ("i0", np.i0, None), ("fabs", np.fabs, None), ("trunc", np.trunc, None),
    ("signbit", np.signbit, None), ("ravel", np.ravel, None), ("copy", np.copy, None), ("flipud", np.flipud, None),
    ("fliplr", np.fliplr, None), ("nan_to_num", np.nan_to_num, None),
]


@pytest.mark.parametrize("name, reference, domain", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_unary_match_numpy(name, reference, domain, dtype):
    low, high = domain or (-3.0, 3.0)
    x = sample((3, 4), dtype, low, high)
    expected = reference(x)
    got = getattr(ops, name)(x)
    assert ops.convert_to_numpy(got).dtype == expected.dtype
    close(got, expected, rtol=2e-5 if dtype == "float32" else 1e-10)


BINARY = [
    ("arctan2", np.arctan2), ("hypot", np.hypot), ("logaddexp", np.logaddexp), ("logaddexp2", np.logaddexp2),
    ("fmax", np.fmax), ("fmin", np.fmin), ("fmod", np.fmod), ("heaviside", np.heaviside), ("isclose", np.isclose),
    ("outer", np.outer), ("kron", np.kron), ("append", np.append),
]


@pytest.mark.parametrize("name, reference", BINARY, ids=[b[0] for b in BINARY])
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (2, 3, 4))], ids=str)
def test_binary_broadcast_match_numpy(name, reference, shapes):
    a, b = sample(shapes[0], "float32"), sample(shapes[1], "float32") + 0.25
    close(getattr(ops, name)(a, b), reference(a, b), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "left_shift", "right_shift", "gcd",
                                  "lcm"])
def test_integer_binary_match_numpy(name):
    a = RNG.integers(1, 60, size=(3, 4)).astype("int32")
    b = RNG.integers(1, 5, size=(4,)).astype("int32")
    np.testing.assert_array_equal(ops.convert_to_numpy(getattr(ops, name)(a, b)), getattr(np, name)(a, b))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.bitwise_invert(a)), np.invert(a))


REDUCTIONS = [
    ("median", np.median), ("nanmedian", np.nanmedian), ("ptp", np.ptp), ("nansum", np.nansum),
    ("nanmean", np.nanmean), ("nanmax", np.nanmax), ("nanmin", np.nanmin), ("nanstd", np.nanstd),
    ("nanvar", np.nanvar), ("nanprod", np.nanprod),
]


@pytest.mark.parametrize("name, reference", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("axis", [None, -1, 0, (0, -1)], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, reference, axis, keepdims):
    x = sample((3, 4, 5), "float64")
    if name.startswith("nan"):
        x[0, 1, 2] = x[2, 3, 0] = np.nan
    close(getattr(ops, name)(x, axis=axis, keepdims=keepdims), reference(x, axis=axis, keepdims=keepdims),
          rtol=1e-9)


@pytest.mark.parametrize("name", ["quantile", "percentile", "nanquantile", "nanpercentile"])
@pytest.mark.parametrize("method", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantiles_match_numpy(name, method):
    x = sample((4, 7), "float64")
    q = np.array([0.1, 0.5, 0.9]) * (100 if "percentile" in name else 1)
    for axis in (None, -1, (0, 1)):
        close(getattr(ops, name)(x, q, axis=axis, method=method), getattr(np, name)(x, q, axis=axis, method=method),
              rtol=1e-9)
    close(getattr(ops, name)(x, q[1], axis=0, keepdims=True), getattr(np, name)(x, q[1], axis=0, keepdims=True))


def test_nan_args_and_cumulatives_match_numpy():
    x = sample((3, 5), "float32")
    x[1, 2] = x[0, 0] = np.nan
    for name in ("nanargmax", "nanargmin"):
        np.testing.assert_array_equal(ops.convert_to_numpy(getattr(ops, name)(x, axis=-1)), getattr(np, name)(x, -1))
        assert int(getattr(ops, name)(x)) == getattr(np, name)(x)
    close(ops.nancumsum(x, axis=1), np.nancumsum(x, axis=1))
    close(ops.nancumprod(x), np.nancumprod(x), rtol=1e-4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_creation_ops_match_numpy(dtype):
    close(ops.tri(3, 5, k=-1, dtype=dtype), np.tri(3, 5, k=-1, dtype=dtype))
    x = sample((2, 4, 4), dtype)
    close(ops.tril(x, k=1), np.tril(x, k=1))
    close(ops.triu(x, k=-1), np.triu(x, k=-1))
    close(ops.diagonal(x, offset=1, axis1=-2, axis2=-1), np.diagonal(x, offset=1, axis1=-2, axis2=-1))
    close(ops.trace(x, axis1=1, axis2=2), np.trace(x, axis1=1, axis2=2))
    v = sample((4,), dtype)
    close(ops.diag(v, k=1), np.diag(v, k=1))
    close(ops.diag(x[0], k=-1), np.diag(x[0], k=-1))
    close(ops.diagflat(x[0]), np.diagflat(x[0]))
    close(ops.identity(3, dtype=dtype), np.identity(3, dtype=dtype))
    close(ops.vander(v, 3, increasing=True), np.vander(v, 3, increasing=True))
    for indexing in ("xy", "ij"):
        for got, expected in zip(ops.meshgrid(v, v[:3], indexing=indexing), np.meshgrid(v, v[:3], indexing=indexing)):
            close(got, expected)


def test_spacing_and_windows_match_numpy():
    close(ops.logspace(0, 3, 7), np.logspace(0, 3, 7), rtol=1e-5)
    close(ops.logspace(1, 2, 4, endpoint=False, base=2), np.logspace(1, 2, 4, endpoint=False, base=2), rtol=1e-6)
    close(ops.geomspace(2, 200, 5), np.geomspace(2, 200, 5), rtol=1e-5)
    close(ops.geomspace(-1, -1000, 4), np.geomspace(-1, -1000, 4), rtol=1e-5)
    values, step = ops.linspace(0, 1, 5, retstep=True)
    assert step == 0.25
    for name in ("bartlett", "blackman", "hamming", "hanning"):
        close(getattr(ops, name)(9), getattr(np, name)(9), atol=1e-6)
    close(ops.kaiser(8, 5.0), np.kaiser(8, 5.0), rtol=1e-5)


@pytest.mark.parametrize("axis", [0, 1, -1, None], ids=str)
def test_indexing_ops_match_numpy(axis):
    x = sample((3, 4), "float32")
    if axis is None:
        idx = RNG.integers(-12, 12, size=(5,))
    else:
        idx = RNG.integers(-x.shape[axis], x.shape[axis], size=(2, 4) if axis == 0 else (3, 2))
    close(ops.take_along_axis(x, idx, axis=axis), np.take_along_axis(x, idx, axis=axis))
    flat_index = np.array([[1, -2], [0, 2]])
    close(ops.take(x, flat_index, axis=axis), np.take(x, flat_index, axis=axis))
    close(ops.roll(x, 2, axis=axis), np.roll(x, 2, axis=axis))
    close(ops.flip(x, axis=axis), np.flip(x, axis=axis))


def test_take_along_axis_broadcasts_as_numpy():
    x = sample((3, 1, 4), "float32")
    index = np.array([[[0, 3]], [[1, 1]], [[2, 0]]]).repeat(5, axis=1)
    close(ops.take_along_axis(x, index, axis=-1), np.take_along_axis(np.broadcast_to(x, (3, 5, 4)), index, -1))


def test_rearranging_ops_match_numpy():
    x = sample((2, 3, 4), "float32")
    close(ops.swapaxes(x, 0, -1), np.swapaxes(x, 0, -1))
    close(ops.moveaxis(x, [0, 1], [-1, 0]), np.moveaxis(x, [0, 1], [-1, 0]))
    close(ops.rot90(x, k=2, axes=(1, 2)), np.rot90(x, k=2, axes=(1, 2)))
    for name in ("hstack", "vstack", "dstack"):
        close(getattr(ops, name)([x, x]), getattr(np, name)([x, x]))
    for name, size in (("hsplit", 3), ("vsplit", 2), ("dsplit", 2)):
        for got, expected in zip(getattr(ops, name)(x, size if name != "hsplit" else [1]),
                                 getattr(np, name)(x, size if name != "hsplit" else [1])):
            close(got, expected)
    for got, expected in zip(ops.array_split(x, 3, axis=-1), np.array_split(x, 3, axis=-1)):
        close(got, expected)
    close(ops.diff(x, n=2, axis=-1), np.diff(x, n=2, axis=-1))
    close(ops.append(x, x, axis=1), np.append(x, x, axis=1))


def test_products_match_numpy():
    a, b = sample((3, 4), "float64"), sample((2, 4), "float64")
    close(ops.inner(a, b), np.inner(a, b), rtol=1e-9)
    close(ops.vdot(a, a), np.vdot(a, a), rtol=1e-9)
    u, v = sample((5, 3), "float64"), sample((3,), "float64")
    close(ops.cross(u, v), np.cross(u, v), rtol=1e-9)
    close(ops.cross(u.T, v, axisa=0), np.cross(u.T, v, axisa=0), rtol=1e-9)
    s1, s2 = sample((9,), "float64"), sample((4,), "float64")
    for mode in ("valid", "same", "full"):
        close(ops.correlate(s1, s2, mode=mode), np.correlate(s1, s2, mode=mode), rtol=1e-9)
        close(ops.correlate(s2, s1, mode=mode), np.correlate(s2, s1, mode=mode), rtol=1e-9)
    close(ops.corrcoef(a), np.corrcoef(a), rtol=1e-9)
    close(ops.einsum("ij,kj->ik", a, b), np.einsum("ij,kj->ik", a, b), rtol=1e-9)
    close(ops.tensordot(a, b, axes=([1], [1])), np.tensordot(a, b, axes=([1], [1])), rtol=1e-9)


def test_counting_and_searching_match_numpy():
    x = sample((40,), "float64")
    counts, edges = ops.histogram(x, bins=7, range=(-2.0, 2.5))
    expected_counts, expected_edges = np.histogram(x, bins=7, range=(-2.0, 2.5))
    np.testing.assert_array_equal(ops.convert_to_numpy(counts), expected_counts)
    close(edges, expected_edges, rtol=1e-9)
    ints = RNG.integers(0, 6, size=20)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.bincount(ints, minlength=8)), np.bincount(ints, minlength=8))
    bins = np.array([-1.0, 0.0, 1.5])
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.digitize(x, bins)), np.digitize(x, bins))
    ordered = np.sort(x)
    for side in ("left", "right"):
        np.testing.assert_array_equal(ops.convert_to_numpy(ops.searchsorted(ordered, x[:5], side=side)),
                                      np.searchsorted(ordered, x[:5], side=side))
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.count_nonzero(ints.reshape(4, 5), axis=-1)),
                                  np.count_nonzero(ints.reshape(4, 5), axis=-1))
    for got, expected in zip(ops.nonzero(ints.reshape(4, 5)), np.nonzero(ints.reshape(4, 5))):
        np.testing.assert_array_equal(ops.convert_to_numpy(got), expected)
    for got, expected in zip(ops.unravel_index(np.array([3, 17]), (4, 5)), np.unravel_index([3, 17], (4, 5))):
        np.testing.assert_array_equal(ops.convert_to_numpy(got), expected)
    np.testing.assert_array_equal(ops.convert_to_numpy(ops.isin(ints, [1, 4])), np.isin(ints, [1, 4]))


def test_select_average_trapezoid_match_numpy():
    x = sample((3, 4), "float32")
    conditions, choices = [x < -1, x > 1], [x * 10, x - 100]
    close(ops.select(conditions, choices, default=7.0), np.select(conditions, choices, default=7.0))
    weights = RNG.uniform(0.5, 2.0, size=(4,)).astype("float32")
    close(ops.average(x, axis=-1, weights=weights), np.average(x, axis=-1, weights=weights), rtol=1e-5)
    close(ops.average(x), np.average(x))
    close(ops.trapezoid(x, dx=0.5, axis=0), np.trapezoid(x, dx=0.5, axis=0), rtol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
def test_existing_keras_signatures(dtype):
    """Ops whose signatures were made Keras' this session keep their NumPy results."""
    x = sample((3, 4), dtype)
    close(ops.max(x, axis=-1, initial=1), np.max(x, axis=-1, initial=1))
    close(ops.min(np.zeros((0, 3), dtype), axis=0, initial=5), np.min(np.zeros((0, 3), dtype), axis=0, initial=5))
    close(ops.prod(x, axis=0, dtype="float64"), np.prod(x, axis=0, dtype="float64"))
    if dtype != "int32":
        close(ops.round(x * 10, decimals=-1), np.round(x * 10, decimals=-1))
        close(ops.round(x, decimals=2), np.round(x, decimals=2))
    close(ops.where(x > 0, x1=x, x2=-x), np.where(x > 0, x, -x))
