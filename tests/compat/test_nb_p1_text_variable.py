"""String variables (Python Machine Learning 3rd ed., chapter 14 prints `tf.Variable(['abc'], dtype=tf.string)`
beside numeric ones): made, shown, assigned and read as in TensorFlow. Reference:
nb_p1_text_variable_reference.json, recorded from TensorFlow 2.21 by make_nb_p1_text_variable_reference.py."""
import json
import os

import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_p1_text_variable_reference.json")))


def describe(variable):
    values = variable.numpy()
    return {"repr": repr(variable), "str": str(variable), "shape": list(variable.shape),
            "values": [v.decode() for v in values.ravel()] if hasattr(values, "ravel") else values.decode(),
            "trainable": variable.trainable, "is_variable": isinstance(variable, tf.Variable),
            "is_tensor": tf.is_tensor(variable)}


def test_string_variables_match_tensorflow():
    vector = tf.Variable(initial_value=["abc"], dtype=tf.string)
    scalar = tf.Variable("xyz")
    assert describe(vector) == REFERENCE["vector"]
    assert describe(scalar) == REFERENCE["scalar"]
    assert (vector.assign(["q"], read_value=False) is None) == REFERENCE["assign_result_is_none"]
    assert describe(vector) == REFERENCE["after_assign"]
    assert [v.decode() for v in vector.value().numpy()] == REFERENCE["value_numpy"]
    assert vector[0].numpy().decode() == REFERENCE["item_numpy"]


def test_assigning_another_shape_names_the_variable():
    words = tf.Variable(["a", "b"], name="words")
    with pytest.raises(ValueError, match="'words'.*shape"):
        words.assign(["a"])


def test_tf_print_shows_a_string_variable_as_its_values(capsys):
    tf.print(tf.Variable(["ab", "c"]))
    assert capsys.readouterr().err == '["ab" "c"]\n'
