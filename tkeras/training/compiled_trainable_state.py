"""`compile` fixes which layers train: Keras 2's rule, which GAN code of that era depends on.

    discriminator.compile(optimizer, "binary_crossentropy")
    discriminator.trainable = False            # frozen inside the combined model only
    gan = Model(z, discriminator(generator(z)))
    gan.compile(optimizer, "binary_crossentropy")
    discriminator.train_on_batch(images, labels)   # Keras 2: trains; Keras 3: no trainable weights
    gan.train_on_batch(z_batch, misleading)        # trains the generator alone

Keras 2 and tf-keras 2 record every layer's `trainable` flag at `compile` and, when a flag has changed
since, train with the recorded flags, restoring the current ones afterwards (tf-keras'
RespectCompiledTrainableState). Keras 3 reads the flags when it trains, so the discriminator above
never learns and the GAN fails without an error, although Keras 3's transfer-learning guide still
states the rule ("calling compile() on a model is meant to freeze the behavior of that model"). tkeras
keeps the rule for `fit` and `train_on_batch`: scripts that recompile after changing `trainable`, as
Keras 3 asks, see no difference.
"""
import contextlib
import weakref


def record(model):
    """At `compile`: remember each layer's `trainable` flag."""
    state = weakref.WeakKeyDictionary()
    for layer in model._flatten_layers():
        state[layer] = layer.trainable
    model.__dict__["_compiled_trainable_state"] = state


@contextlib.contextmanager
def respected(model):
    """Train with the flags `compile` saw (only flags that changed since are touched), then put back the
    current ones."""
    compiled = model.__dict__.get("_compiled_trainable_state")
    if not compiled or all(layer.trainable == flag for layer, flag in list(compiled.items())):
        yield
        return
    layers = model._flatten_layers()  # parents first: a parent's flag is set before its children's own
    current = [(layer, layer.trainable) for layer in layers]
    _apply(layers, compiled)
    try:
        yield
    finally:
        _apply(layers, dict(current))


def _apply(layers, flags):
    for layer in layers:
        if layer in flags and layer.trainable != flags[layer]:
            layer.trainable = flags[layer]
