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
