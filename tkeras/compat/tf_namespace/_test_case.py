"""`tf.test.TestCase` and friends: TensorFlow's unittest helpers over NumPy, so test files written
for TensorFlow run under tkeras with their assertions intact."""
import contextlib
import tempfile
import unittest

import numpy as np
import torch


def _np(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().resolve_conj().numpy() if value.dtype != torch.bfloat16 else \
            value.detach().float().cpu().numpy()
    if hasattr(value, "_tkeras_dense"):
        return _np(value._tkeras_dense())
    if isinstance(value, (list, tuple)) and any(isinstance(v, torch.Tensor) for v in value):
        return np.asarray([_np(v) for v in value])
    if hasattr(value, "numpy") and callable(value.numpy):
        return np.asarray(value.numpy())
    return np.asarray(value)


def _evaluate(value):
    if isinstance(value, dict):
        return {k: _evaluate(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and not any(isinstance(v, (int, float, bool)) for v in value):
        return type(value)(_evaluate(v) for v in value) if isinstance(value, list) else tuple(
            _evaluate(v) for v in value)
    if callable(value) and not isinstance(value, torch.Tensor):
        return _evaluate(value())
    if value is None:
        return None
    array = _np(value)
    return array[()] if array.ndim == 0 else array


class _EagerSession:
    """What cached_session() yields: run(x) evaluates, as Session.run did; there is no graph."""

    def __init__(self, case):
        self._case = case

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if feed_dict:
            raise NotImplementedError("feed_dict needs TF 1 placeholders; tkeras runs eagerly: pass arrays directly")
        return self._case.evaluate(fetches)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_TOLERANCES = {np.float16: (1e-3, 1e-3), "bfloat16": (1e-2, 1e-2), np.float32: (1e-6, 1e-6),
               np.complex64: (1e-6, 1e-6)}


class TestCase(unittest.TestCase):
    """unittest.TestCase plus TensorFlow's array assertions; tensors compare through NumPy."""

    def evaluate(self, tensors):
        return _evaluate(tensors)

    @contextlib.contextmanager
    def cached_session(self, graph=None, config=None, use_gpu=True, force_gpu=False):
        yield _EagerSession(self)

    session = cached_session
    # a property, so unittest's loader does not collect it as a test (it is a context manager, not a test)
    test_session = property(lambda self: self.cached_session)

    def get_temp_dir(self):
        if not hasattr(self, "_tkeras_temp_dir"):
            self._tkeras_temp_dir = tempfile.mkdtemp(prefix=type(self).__name__ + "_")
        return self._tkeras_temp_dir

    def create_tempdir(self):
        return tempfile.mkdtemp(dir=self.get_temp_dir())

    # ---- closeness ----------------------------------------------------------------------------------
    def _close(self, a, b, rtol, atol):
        a, b = _np(a), _np(b)
        if a.shape != b.shape and not (a.size == b.size == 1):
            return False, f"shape mismatch: {a.shape} vs {b.shape}"
        if a.dtype.kind in "OSU" or b.dtype.kind in "OSU":
            return bool(np.array_equal(a, b)), "values differ"
        ok = np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
        if ok:
            return True, ""
        diff = np.abs(a.astype(np.complex128) - b.astype(np.complex128))
        return False, f"not close (rtol={rtol}, atol={atol}); max abs difference {float(np.max(diff))}"

    def assertAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        if isinstance(a, dict) and isinstance(b, dict):
            self.assertEqual(set(a), set(b), msg)
            for key in a:
                self.assertAllClose(a[key], b[key], rtol=rtol, atol=atol, msg=msg)
            return
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and any(
                isinstance(v, (torch.Tensor, np.ndarray, list, tuple, dict)) for v in list(a) + list(b)):
            self.assertEqual(len(a), len(b), msg)
            for x, y in zip(a, b):
                self.assertAllClose(x, y, rtol=rtol, atol=atol, msg=msg)
            return
        ok, why = self._close(a, b, rtol, atol)
        if not ok:
            self.fail(f"{why}\n{_np(a)}\nvs\n{_np(b)}" + (f"\n{msg}" if msg else ""))

    def assertAllCloseAccordingToType(self, a, b, rtol=1e-6, atol=1e-6, float_rtol=1e-6, float_atol=1e-6,
                                      half_rtol=1e-3, half_atol=1e-3, bfloat16_rtol=1e-2, bfloat16_atol=1e-2,
                                      msg=None):
        """Loosens the tolerance to what the lowest precision of the two operands can hold."""
        kinds = {getattr(v, "dtype", None) for v in (a, b)} | {_np(a).dtype, _np(b).dtype}
        if torch.bfloat16 in kinds:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        if torch.float16 in kinds or np.dtype(np.float16) in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if kinds & {torch.float32, torch.complex64, np.dtype(np.float32), np.dtype(np.complex64)}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a, b, rtol=1e-6, atol=1e-6, msg=None):
        if self._close(a, b, rtol, atol)[0]:
            self.fail(msg or "The two values are close at all elements")

    def assertAllEqual(self, a, b, msg=None):
        a, b = _np(a), _np(b)
        if a.shape != b.shape and not (a.size == b.size == 1 or a.size == 0 and b.size == 0):
            self.fail(f"shape mismatch: {a.shape} vs {b.shape}" + (f"\n{msg}" if msg else ""))
        if not np.array_equal(a.reshape(b.shape) if a.size == b.size else a, b):
            self.fail(f"not equal:\n{a}\nvs\n{b}" + (f"\n{msg}" if msg else ""))

    def assertNotAllEqual(self, a, b, msg=None):
        a, b = _np(a), _np(b)
        if a.shape == b.shape and np.array_equal(a, b):
            self.fail(msg or "The two values are equal at all elements")

    def _all(self, a, predicate, what):
        a = _np(a)
        if not np.all(predicate(a)):
            self.fail(f"not every element {what}:\n{a}")

    def assertAllGreater(self, a, comparison_target):
        self._all(a, lambda v: v > comparison_target, f"> {comparison_target}")

    def assertAllGreaterEqual(self, a, comparison_target):
        self._all(a, lambda v: v >= comparison_target, f">= {comparison_target}")

    def assertAllLess(self, a, comparison_target):
        self._all(a, lambda v: v < comparison_target, f"< {comparison_target}")

    def assertAllLessEqual(self, a, comparison_target):
        self._all(a, lambda v: v <= comparison_target, f"<= {comparison_target}")

    def assertAllInRange(self, target, lower_bound, upper_bound, open_lower_bound=False, open_upper_bound=False):
        target = _np(target)
        low = target > lower_bound if open_lower_bound else target >= lower_bound
        high = target < upper_bound if open_upper_bound else target <= upper_bound
        if not np.all(low & high):
            self.fail(f"not every element in {'(' if open_lower_bound else '['}{lower_bound}, "
                      f"{upper_bound}{')' if open_upper_bound else ']'}:\n{target}")

    def assertAllInSet(self, target, expected_set):
        target = _np(target).ravel()
        outside = [v for v in target if v not in set(np.asarray(list(expected_set)).ravel().tolist())]
        if outside:
            self.fail(f"elements {outside} are not in {expected_set}")

    def assertNear(self, f1, f2, err, msg=None):
        if not abs(float(f1) - float(f2)) <= err:
            self.fail(f"{f1} != {f2} +/- {err}" + (f" ({msg})" if msg else ""))

    def assertArrayNear(self, farray1, farray2, err, msg=None):
        self.assertEqual(len(farray1), len(farray2), msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg)

    def assertShapeEqual(self, input_a, input_b, msg=None):
        """Shapes match: the first is a NumPy array, the second a tensor, as in TensorFlow's helper."""
        self.assertEqual(tuple(np.shape(_np(input_a))), tuple(input_b.shape), msg)

    def assertDTypeEqual(self, target, expected_dtype):
        from tkeras.backend import config
        actual = target.dtype if isinstance(target, torch.Tensor) else _np(target).dtype
        expected = expected_dtype
        if not isinstance(actual, torch.dtype):
            actual = config.standardize_dtype(np.dtype(actual).name)
        if not isinstance(expected, torch.dtype):
            expected = config.standardize_dtype(np.dtype(expected).name if not isinstance(expected, str) else expected)
        self.assertEqual(actual, expected)

    def assertRaisesOpError(self, expected_err_re_or_predicate):
        """Any error a failing op raises: tkeras' ops raise ValueError/RuntimeError or tf.errors classes."""
        from tkeras.compat.tf_namespace import errors
        return self.assertRaisesRegex((errors.OpError, ValueError, RuntimeError, IndexError),
                                      expected_err_re_or_predicate)

    def assertRaisesWithPredicateMatch(self, exception_type, expected_err_re_or_predicate):
        return self.assertRaisesRegex(exception_type, expected_err_re_or_predicate)

    def assertProtoEquals(self, expected_message_maybe_ascii, message, msg=None):
        raise NotImplementedError("assertProtoEquals needs TensorFlow's protobufs, which tkeras does not use")


def main(argv=None):
    return unittest.main(argv=argv)


class Benchmark:
    """A base for benchmark classes: report_benchmark prints what TensorFlow would log."""

    def report_benchmark(self, iters=None, cpu_time=None, wall_time=None, throughput=None, extras=None, name=None,
                         metrics=None):
        print(f"benchmark {name or type(self).__name__}: iters={iters} wall_time={wall_time} extras={extras}")

    def evaluate(self, tensors):
        return _evaluate(tensors)


def benchmark_config():
    return None


def _flat_size(shape):
    return int(np.prod(shape)) if len(shape) else 1


def compute_gradient(f, x, delta=None):
    """The theoretical (autograd) and numerical (central difference) Jacobians of f at each of x.

    Each Jacobian has one row per output element and one column per element of that input, as
    TensorFlow's gradient checker lays them out; the numerical step is 1e-3 unless `delta` says.
    """
    delta = 1e-3 if delta is None else float(delta)
    xs = [torch.as_tensor(_np(v)) for v in x]
    theoretical, numerical = [], []

    for i, xi in enumerate(xs):
        leaf = xs[i].clone().detach().requires_grad_(True)
        values = xs[:i] + [leaf] + xs[i + 1:]
        y = f(*values)
        y = y if isinstance(y, torch.Tensor) else torch.as_tensor(_np(y))
        y_size, x_size = y.numel(), leaf.numel()
        jac = np.zeros((y_size, x_size), dtype=_np(xi).dtype)
        flat = y.reshape(-1)
        for row in range(y_size):
            if not flat.requires_grad:
                break
            (g,) = torch.autograd.grad(flat[row], leaf, retain_graph=True, allow_unused=True)
            if g is not None:
                jac[row] = _np(g).reshape(-1)
        theoretical.append(jac)
        num = np.zeros((y_size, x_size), dtype=_np(xi).dtype)
        base = xi.detach().clone().reshape(-1)
        for col in range(x_size):
            plus, minus = base.clone(), base.clone()
            plus[col] += delta
            minus[col] -= delta
            up = _np(f(*(xs[:i] + [plus.reshape(xi.shape)] + xs[i + 1:]))).reshape(-1)
            down = _np(f(*(xs[:i] + [minus.reshape(xi.shape)] + xs[i + 1:]))).reshape(-1)
            num[:, col] = (up.astype(np.float64) - down.astype(np.float64)) / (2 * delta)
        numerical.append(num)
    return theoretical, numerical
