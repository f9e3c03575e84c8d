"""Recurrent layers (SimpleRNN, LSTM, GRU, their cells, RNN, Bidirectional, TimeDistributed)."""
