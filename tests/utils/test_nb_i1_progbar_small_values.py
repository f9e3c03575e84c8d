"""Keras prints a log value with four decimals only when it is above 1e-3, else in scientific notation,
so a zero accuracy reads `accuracy: 0.0000e+00` (Deep Learning Illustrated's AlexNet/VGGNet notebooks on
few images). The verbose=2 epoch line compares the signed value, so a negative loss is scientific there.
Expected strings were printed by tf-keras 2.21's Progbar for the same values."""
import math

from tkeras.utils.progbar import Progbar

VALUES = {"loss": -0.5, "acc": 0.0, "tiny": 0.001, "small": 5e-4, "big": 0.0011, "nan": math.nan,
          "ninf": -math.inf}


def _drawn(capsys, verbose):
    bar = Progbar(target=2, verbose=verbose)
    bar.update(1, dict(VALUES))
    bar.update(2, finalize=True)
    return capsys.readouterr().out.strip().split("\r")[-1]


def test_bar_line_uses_scientific_notation_up_to_1e_3_in_magnitude(capsys):
    line = _drawn(capsys, verbose=1)
    assert line.endswith(" - loss: -0.5000 - acc: 0.0000e+00 - tiny: 1.0000e-03 - small: 5.0000e-04"
                         " - big: 0.0011 - nan: nan - ninf: -inf")


def test_verbose_2_line_compares_the_signed_value(capsys):
    line = _drawn(capsys, verbose=2)
    assert line.startswith("2/2 - 0s - loss: -5.0000e-01 - acc: 0.0000e+00 - tiny: 1.0000e-03"
                           " - small: 5.0000e-04 - big: 0.0011 - nan: nan - ninf: -inf - ")
