"""`tf.print` writes TensorFlow's text, not NumPy's (Python Machine Learning 3rd ed., chapters 13-17, prints
gradients, weights and batches with it): summarized dimensions, 6-or-9-digit floats, 1/0 booleans, quoted
strings, pprint for Python structures, standard error by default. Reference: nb_p1_tf_print_reference.json,
recorded from TensorFlow 2.21 by make_nb_p1_tf_print_reference.py."""
import json
import os
import sys

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                        "nb_p1_tf_print_reference.json"), encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(REFERENCE))
def test_print_text_matches_tensorflow(case, tmp_path):
    path = tmp_path / "printed.txt"
    eval(f"tf.print({case}, output_stream=stream)", {"tf": tf, "np": np, "stream": f"file://{path}"})
    assert path.read_text(encoding="utf-8") == REFERENCE[case]


def test_default_stream_is_standard_error(capsys):
    tf.print("dL/dw:", tf.constant(-0.56))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "dL/dw: -0.56\n"


def test_stdout_and_logging_function_streams(capsys):
    tf.print(tf.range(10), output_stream=sys.stdout)
    received = []
    tf.print("loss", tf.constant(0.5), output_stream=received.append)
    assert capsys.readouterr().out == "[0 1 2 ... 7 8 9]\n"
    assert received == ["loss 0.5"]


def test_an_unknown_stream_string_is_refused():
    with pytest.raises(ValueError, match="file://"):
        tf.print(tf.constant(1), output_stream="stdout")
