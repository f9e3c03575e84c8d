"""NumPy re-implementations of the recurrent step equations, in Keras' gate order and weight layout,
and of Keras' rules for masked steps: the independent references the tests compare against."""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def simple_rnn_step(x, states, kernel, recurrent_kernel, bias, activation=np.tanh):
    h = activation(x @ kernel + states[0] @ recurrent_kernel + (0 if bias is None else bias))
    return h, [h]


def lstm_step(x, states, kernel, recurrent_kernel, bias, recurrent_activation=sigmoid):
    h, c = states
    z = x @ kernel + h @ recurrent_kernel + (0 if bias is None else bias)
    u = h.shape[-1]
    i = recurrent_activation(z[:, :u])
    f = recurrent_activation(z[:, u:2 * u])
    c_new = f * c + i * np.tanh(z[:, 2 * u:3 * u])
    o = recurrent_activation(z[:, 3 * u:])
    h_new = o * np.tanh(c_new)
    return h_new, [h_new, c_new]


def gru_step(x, states, kernel, recurrent_kernel, bias, reset_after=True):
    """Keras' GRU: gates z, r, h in that order; reset_after applies r after the recurrent matmul."""
    h = states[0]
    u = h.shape[-1]
    if bias is None:
        b_in, b_rec = np.zeros(3 * u), np.zeros(3 * u)
    elif reset_after:
        b_in, b_rec = bias[0], bias[1]
    else:
        b_in, b_rec = bias, np.zeros(3 * u)
    k_z, k_r, k_h = kernel[:, :u], kernel[:, u:2 * u], kernel[:, 2 * u:]
    rk_z, rk_r, rk_h = recurrent_kernel[:, :u], recurrent_kernel[:, u:2 * u], recurrent_kernel[:, 2 * u:]
    z = sigmoid(x @ k_z + b_in[:u] + h @ rk_z + b_rec[:u])
    r = sigmoid(x @ k_r + b_in[u:2 * u] + h @ rk_r + b_rec[u:2 * u])
    if reset_after:
        candidate = np.tanh(x @ k_h + b_in[2 * u:] + r * (h @ rk_h + b_rec[2 * u:]))
    else:
        candidate = np.tanh(x @ k_h + b_in[2 * u:] + (r * h) @ rk_h)
    h_new = z * h + (1 - z) * candidate
    return h_new, [h_new]


def run_sequence(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """Keras' loop: masked steps keep the states and repeat the previous output (zeros before the
    first step, or always zeros with zero_output_for_mask). Returns (last_output, outputs, states)."""
    x = np.asarray(x, dtype=np.float64)
    states = [np.asarray(s, dtype=np.float64) for s in states]
    if go_backwards:
        x = x[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    outputs, previous = [], None
    for t in range(x.shape[1]):
        out, new = step(x[:, t], states)
        if mask is not None:
            keep = mask[:, t][:, None]
            held = np.zeros_like(out) if previous is None or zero_output_for_mask else previous
            out = np.where(keep, out, held)
            new = [np.where(keep, n, s) for n, s in zip(new, states)]
        states, previous = new, out
        outputs.append(out)
    return previous, np.stack(outputs, 1), states


def random_weights(rng, shapes, scale=0.5):
    return [rng.uniform(-scale, scale, size=s).astype("float32") for s in shapes]
