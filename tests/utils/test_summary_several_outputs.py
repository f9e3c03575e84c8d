"""A layer with several outputs shows them in summary() as one bracketed list, `[(None, 4), (None, 4), ...]`,
as tf-keras 2.21 and Keras 3.15.1 both print it (an LSTM with return_state=True in the seq2seq tutorials);
tkeras printed them without brackets, cut mid-shape by the column."""
import tkeras as keras


def test_lstm_with_states_prints_a_bracketed_list(capsys):
    inputs = keras.Input((5, 3))
    output, hidden, cell = keras.layers.LSTM(4, return_state=True)(inputs)
    keras.Model(inputs, [output, hidden]).summary(line_length=140)
    row = next(line for line in capsys.readouterr().out.splitlines() if "(LSTM)" in line)
    assert "[(None, 4), (None, 4), (None, 4)]" in row


def test_one_output_keeps_its_bare_shape(capsys):
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).summary()
    row = next(line for line in capsys.readouterr().out.splitlines() if "(Dense)" in line)
    assert "(None, 2)" in row and "[" not in row
