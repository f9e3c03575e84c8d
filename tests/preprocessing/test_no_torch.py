"""The preprocessing and dataset modules must work in a NumPy-only process (data pipelines, workers)."""
import subprocess
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "tkeras"

# Stand in for the `tkeras` package without running its __init__ (which loads the torch engine),
# then import the NumPy-only modules and check that none of them pulled torch in.
SCRIPT = f"""
import sys, types
package = types.ModuleType("tkeras")
package.__path__ = [{str(PACKAGE_DIR)!r}]
sys.modules["tkeras"] = package
utils = types.ModuleType("tkeras.utils")
utils.__path__ = [{str(PACKAGE_DIR / "utils")!r}]
sys.modules["tkeras.utils"] = utils
import tkeras.preprocessing, tkeras.preprocessing.text, tkeras.preprocessing.sequence
import tkeras.datasets, tkeras.utils.numerical_utils, tkeras.utils.np_utils, tkeras.utils.file_utils
import tkeras.utils.sequence_utils
assert tkeras.preprocessing.sequence.pad_sequences([[1]], maxlen=2).tolist() == [[0, 1]]
print("torch" in sys.modules)
"""


def test_numpy_only_modules_do_not_import_torch():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
