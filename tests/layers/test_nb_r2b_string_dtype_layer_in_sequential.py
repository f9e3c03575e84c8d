"""A custom layer made with `dtype=tf.string` (Hands-On ML 2, chapter 13's hand-written text vectorizer)
first in a Sequential: building the model probes it with text, as Keras builds it on a string Input,
instead of failing on a numeric zeros probe. The word counts are checked against plain Python."""
import numpy as np

import tkeras as keras


class WordCounts(keras.layers.Layer):
    def __init__(self, width=3, dtype="string", **kwargs):
        super().__init__(dtype=dtype, **kwargs)
        self.width = width

    def call(self, inputs):
        texts = np.asarray(inputs, dtype=object).reshape(-1)
        counts = [[len(str(t).split()) * (i + 1) for i in range(self.width)] for t in texts]
        return keras.ops.convert_to_tensor(np.array(counts, dtype="float32"))


def test_string_dtype_layer_builds_and_runs_first_in_a_sequential():
    vectorizer = WordCounts(input_shape=[])
    model = keras.Sequential([vectorizer, keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    assert vectorizer.dtype == "string" and model.built
    assert tuple(model.output_shape) == (None, 1)
    texts = np.array(["a great movie", "bad", "one two three four"], dtype=object)
    predicted = model.predict(texts, verbose=0)
    expected = [[sum(len(t.split()) * (i + 1) for i in range(3))] for t in texts]
    np.testing.assert_allclose(predicted, expected)


def test_string_dtype_layer_reports_its_output_shape():
    assert tuple(WordCounts(width=4).compute_output_shape((None,))) == (None, 4)
