"""`layer.submodules` (tf.Module's list of what a tf-keras layer holds), as tensorflow.org's
intro_to_modules guide prints it for a subclassed model, against names recorded from tf-keras 2.21."""
import json
import os

import pytest

import tkeras
from tests.fixtures.make_nb_t2_submodules_reference import build

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")

with open(os.path.join(FIXTURES, "nb_t2_submodules_reference.json")) as f:
    EXPECTED = json.load(f)["submodules"]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_submodules_match_tf_keras_walk_order(key):
    layer = build(tkeras)[key]
    assert [module.name for module in layer.submodules] == EXPECTED[key]


def test_submodules_are_the_layer_objects_themselves():
    models = build(tkeras)
    holder = models["holder"]
    assert isinstance(holder.submodules, tuple)
    assert holder.submodules[1] is holder.b and holder.submodules[0] is holder.tracker
