"""TextVectorization takes TF 2's `output_mode="tf-idf"` spelling, as Keras 3 does (keras-io's
preprocessing_layers guide still writes it), and behaves and writes its config as "tf_idf"."""
import numpy as np

from tkeras import layers

_DOCS = ["The Brain is wider than the Sky", "For put them side by side",
         "The one the other will contain", "With ease and You beside"]


def test_tf_idf_with_a_hyphen_is_tf_idf():
    hyphen = layers.TextVectorization(output_mode="tf-idf", ngrams=2)
    underscore = layers.TextVectorization(output_mode="tf_idf", ngrams=2)
    hyphen.adapt(_DOCS)
    underscore.adapt(_DOCS)
    assert hyphen.get_config()["output_mode"] == "tf_idf"
    text = ["The Brain is deeper than the sea"]
    np.testing.assert_allclose(np.asarray(hyphen(text)), np.asarray(underscore(text)))
    # idf = log(1 + documents / (1 + documents holding the term)): "the" is in 2 of 4 and appears twice.
    the = hyphen.get_vocabulary().index("the")
    np.testing.assert_allclose(np.asarray(hyphen(text))[0, the], 2 * np.log(1 + 4 / 3), rtol=1e-6)
