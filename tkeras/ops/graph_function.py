"""`tf.function` / `tkeras.function`: TensorFlow's graph-compiling decorator, as a pass-through.

Eager torch already runs the Python function fast enough for tutorial code, and autograd records
through it, so the decorator returns the function unchanged. `jit_compile=True` asks for
`torch.compile`; if compiling (or the first compiled call) fails, the plain function is used from then
on, silently, as TensorFlow falls back when XLA cannot compile.
"""
import functools


def function(func=None, input_signature=None, autograph=True, jit_compile=None, reduce_retracing=False,
             experimental_relax_shapes=None, experimental_compile=None, **kwargs):
    jit = bool(jit_compile or experimental_compile)

    def decorate(fn):
        if not jit:
            return fn
        return _compiled(fn)

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
