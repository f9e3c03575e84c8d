"""`tf.function` / `tkeras.function`: TensorFlow's graph-compiling decorator, as a pass-through.

Eager torch already runs the Python function fast enough for tutorial code, and autograd records
through it, so the decorator returns the function itself (with TensorFlow's `python_function` and
`get_concrete_function` attached; an `input_signature` adds its check, see function_signature.py).
`jit_compile=True` asks for `torch.compile`; if compiling (or the first compiled call) fails, the plain
function is used from then on, silently, as TensorFlow falls back when XLA cannot compile.
"""
import functools
import inspect

from tkeras.ops import function_signature


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_relax_shapes=None, experimental_compile=None, **kwargs):
    jit = bool(jit_compile or experimental_compile)

    def decorate(fn):
        runner = _compiled(fn) if jit else fn
        if input_signature is not None:
            runner = function_signature.checking_signature(runner, input_signature)
        if inspect.isfunction(runner):
            # TensorFlow's Function attributes; without a signature or jit the user's function itself
            # is returned, so a decorated train step costs nothing per call.
            runner.python_function = fn
            runner.input_signature = None if input_signature is None else tuple(input_signature)
            runner.get_concrete_function = function_signature.concrete_function_getter(runner)
        return runner

    if func is None:
        return decorate
    return decorate(func)


def _compiled(fn):
    state = {"compiled": None, "failed": False}

    @functools.wraps(fn)
    def call(*args, **kwargs):
        if not state["failed"]:
            try:
                if state["compiled"] is None:
                    import torch
                    state["compiled"] = torch.compile(fn)
                return state["compiled"](*args, **kwargs)
            except Exception:  # noqa: BLE001 - any compiler failure means: run eagerly
                state["failed"] = True
        return fn(*args, **kwargs)

    call.python_function = fn
    return call
