"""Unknown names get one error listing the valid ones and the closest spelling, whatever its case."""
from tkeras.utils.lookup import lookup_error


def test_suggestion_is_case_blind_and_keeps_the_registered_spelling():
    error = lookup_error("optimizer", "ADMA", ["Adam", "SGD", "RMSprop"])
    assert str(error) == "Unknown optimizer: 'ADMA'. Did you mean 'Adam'? Valid names: Adam, RMSprop, SGD."


def test_no_suggestion_when_nothing_is_close():
    error = lookup_error("loss", "zzz", ["mse", "mae"])
    assert str(error) == "Unknown loss: 'zzz'. Valid names: mae, mse."
