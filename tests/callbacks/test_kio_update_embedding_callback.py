"""tf-keras 2's UpdateEmbeddingCallback on tkeras' DynamicEmbedding: its timer moves the layer's vocabulary
to the most frequent keys (update_embeddings) and zeroes the optimizer's moments for the embedding,
between two training batches while fit runs (tf-keras serializes the update with the step instead)."""
import numpy as np
import torch

import tkeras
from tkeras.callbacks.update_embedding import UpdateEmbeddingCallback
from tkeras.layers.experimental import DynamicEmbedding

_X = np.array([["e", "f", "e"], ["e", "f", "a"]])


def _model():
    model = tkeras.Sequential([tkeras.Input((3,), dtype="string"),
                               DynamicEmbedding(input_dim=3, output_dim=2, initial_vocabulary=["a", "b", "c"]),
                               tkeras.layers.Flatten(), tkeras.layers.Dense(1)])
    model.compile(tkeras.optimizers.Adam(0.01), "mse")
    return model


def _moments(model, embedding_state):
    return [float(torch.as_tensor(v).abs().sum()) for v in model.optimizer.variables
            if ("dynamic_embedding" in v.name) == embedding_state and v.name.endswith(("momentum", "velocity"))]


def test_a_due_update_waits_for_the_end_of_a_training_batch():
    model = _model()
    model.fit(_X, np.ones((2, 1)), epochs=2, verbose=0)
    layer = model.layers[0]
    top = layer.dynamic_lookup_layer.get_top_vocabulary(3).tolist()
    callback = UpdateEmbeddingCallback(layer, interval=3600)
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_interval()  # the timer fires during fit: nothing changes yet
    assert layer.get_vocabulary().tolist() == ["a", "b", "c"]
    assert all(_moments(model, True))
    callback.on_train_batch_end(0)
    assert layer.get_vocabulary().tolist() == top == ["e", "f", "a"]
    assert not any(_moments(model, True)) and all(_moments(model, False))  # only the embedding's state reset


def test_it_runs_on_its_timer_around_fit():
    model = _model()
    layer = model.layers[0]
    with UpdateEmbeddingCallback(layer, interval=0.01) as callback:
        model.fit(_X, np.ones((2, 1)), epochs=3, batch_size=1, verbose=0, callbacks=[callback])
    callback.thread.join(5)
    assert not callback.is_alive()
    # the timer fired at least once, at its start (updates are timing-dependent from then on)
    assert set(layer.get_vocabulary().tolist()) <= {"a", "b", "c", "e", "f"}
    assert len(layer.get_vocabulary().tolist()) == 3
