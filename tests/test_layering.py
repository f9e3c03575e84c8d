"""The floors of the house: `tkeras/backend/` and `tkeras/ops/` import nothing from the packages built
on them (layers, models, training, saving, compat), not even inside a function."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tkeras"
ABOVE = ("layers", "models", "training", "saving", "compat", "callbacks", "optimizers", "losses", "metrics")


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            yield node.lineno, name


@pytest.mark.parametrize("floor", ["backend", "ops"])
def test_the_ground_floor_imports_nothing_from_above(floor):
    offenders = []
    for path in sorted((ROOT / floor).rglob("*.py")):
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[0] == "tkeras" and len(parts) > 1 and parts[1] in ABOVE:
                offenders.append(f"{path.relative_to(ROOT.parent)}:{line} imports {name}")
    assert offenders == []


# compat/ (the import hook, the runner, the TensorFlow stand-in) is the top floor: nothing below imports
# it. The few modules that still do are listed with the reason; the list may only shrink.
COMPAT_IMPORTERS = {
    "tkeras/_missing_names.py": "a missing name's message is explained by compat/legacy_apis.py (version and "
                                "replacement), looked up only when the message is shown",
    "tkeras/__main__.py": "`python -m tkeras run` is the command line of the runner",
    "tkeras/saving/function_code.py": "saved Keras 2 lambdas call `tf.*`: their globals include the stand-in",
}


def test_nothing_outside_compat_imports_compat():
    importers = set()
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] == "compat":
            continue
        for line, name in _imports(path):
            parts = name.split(".")
            if parts[:2] == ["tkeras", "compat"]:
                importers.add(str(path.relative_to(ROOT.parent)))
    assert sorted(importers - set(COMPAT_IMPORTERS)) == []
    assert sorted(set(COMPAT_IMPORTERS) - importers) == [], "no longer imports compat: drop it from the list"


def test_the_tf_data_stand_in_lives_below_compat():
    from tkeras.compat.tf_namespace import data as tf_data
    from tkeras.data import Dataset
    from tkeras.utils import dataset_utils

    assert tf_data.Dataset is Dataset and Dataset.__module__ == "tkeras.data.dataset"
    assert isinstance(dataset_utils.indexed_dataset(4, lambda i: i, 2, False, None, 8), Dataset)
