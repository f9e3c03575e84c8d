"""NumPy re-implementations of Keras 3's optimizer updates, in float64, written from the formulas in
Keras 3's documentation and `keras/src/optimizers/*.py` (independently of tkeras' foreach code).

`run(kind, params, grads, **options)` applies `len(grads)` updates and returns the new parameters;
`grads[t]` is the list of gradients of update `t` (an entry may be None: that variable is skipped).
The base-class steps follow Keras 3's `apply`: drop None gradients, unscale by `loss_scale_factor`,
clip (clipnorm, else global_clipnorm, else clipvalue), decoupled weight decay with the current rate,
the optimizer's own update, then the EMA of the weights, then `iterations += 1`.
"""
import math

import numpy as np

DEFAULT_LR = {"sgd": 0.01, "rmsprop": 0.001, "adam": 0.001, "adamw": 0.001, "adagrad": 0.001,
              "adadelta": 0.001, "adamax": 0.001, "nadam": 0.001, "lion": 0.001, "adafactor": 0.001,
              "ftrl": 0.001, "lamb": 0.001, "muon": 0.001, "schedulefreeadamw": 0.0025}


def _sgd(state, i, p, g, lr, t, momentum=0.0, nesterov=False):
    if momentum == 0:
        return p - lr * g
    m = state.setdefault(("m", i), np.zeros_like(p))
    m = momentum * m - lr * g
    state[("m", i)] = m
    return p + (momentum * m - lr * g if nesterov else m)


def _rmsprop(state, i, p, g, lr, t, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    v = rho * state.get(("v", i), 0.0) + (1 - rho) * g * g
    state[("v", i)] = v
    if centered:
        a = rho * state.get(("a", i), 0.0) + (1 - rho) * g
        state[("a", i)] = a
        increment = lr * g / np.sqrt(v - a * a + epsilon)
    else:
        increment = lr * g / np.sqrt(v + epsilon)
    if momentum > 0:
        m = momentum * state.get(("m", i), 0.0) + increment
        state[("m", i)] = m
        return p - m
    return p - increment


def _adam(state, i, p, g, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    m = state.get(("m", i), 0.0) + (g - state.get(("m", i), 0.0)) * (1 - beta_1)
    v = state.get(("v", i), 0.0) + (g * g - state.get(("v", i), 0.0)) * (1 - beta_2)
    state[("m", i)], state[("v", i)] = m, v
    if amsgrad:
        v = np.maximum(state.get(("vhat", i), 0.0), v)
        state[("vhat", i)] = v
    # Keras raises the betas, cast to the variable's dtype, to the power of the step in that dtype.
    dtype = state.get("variable_dtype", np.float64)
    one = dtype(1.0)
    alpha = lr * math.sqrt(one - dtype(beta_2) ** dtype(t)) / (one - dtype(beta_1) ** dtype(t))
    return p - alpha * m / (np.sqrt(v) + epsilon)


def _adagrad(state, i, p, g, lr, t, initial_accumulator_value=0.1, epsilon=1e-7):
    acc = state.get(("acc", i), initial_accumulator_value) + g * g
    state[("acc", i)] = acc
    return p - lr * g / np.sqrt(acc + epsilon)


def _adadelta(state, i, p, g, lr, t, rho=0.95, epsilon=1e-7):
    acc_g = rho * state.get(("g", i), 0.0) + (1 - rho) * g * g
    acc_d = state.get(("d", i), 0.0)
    delta = -np.sqrt(acc_d + epsilon) * g / np.sqrt(acc_g + epsilon)
    state[("g", i)] = acc_g
    state[("d", i)] = rho * acc_d + (1 - rho) * delta * delta
    return p + lr * delta


def _adamax(state, i, p, g, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * state.get(("m", i), 0.0) + (1 - beta_1) * g
    u = np.maximum(beta_2 * state.get(("u", i), 0.0), np.abs(g))
    state[("m", i)], state[("u", i)] = m, u
    return p - lr * m / ((1 - beta_1 ** t) * (u + epsilon))


def _nadam(state, i, p, g, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    u_t = beta_1 * (1 - 0.5 * 0.96 ** t)
    u_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
    u_product = state["u_product"]  # already multiplied by u_t for this step (see _step)
    u_product_next = u_product * u_next
    m = beta_1 * state.get(("m", i), 0.0) + (1 - beta_1) * g
    v = beta_2 * state.get(("v", i), 0.0) + (1 - beta_2) * g * g
    state[("m", i)], state[("v", i)] = m, v
    m_hat = u_next * m / (1 - u_product_next) + (1 - u_t) * g / (1 - u_product)
    v_hat = v / (1 - beta_2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + epsilon)


def _lion(state, i, p, g, lr, t, beta_1=0.9, beta_2=0.99):
    m = state.get(("m", i), 0.0)
    step = np.sign(beta_1 * m + (1 - beta_1) * g)
    state[("m", i)] = beta_2 * m + (1 - beta_2) * g
    return p - lr * step


def _rms(x):
    return math.sqrt(float(np.mean(np.square(x))))


def _adafactor(state, i, p, g, lr, t, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3, clip_threshold=1.0,
               relative_step=True):
    rho = min(lr, 1 / math.sqrt(t))
    alpha = max(epsilon_2, _rms(p)) * rho
    squares = g * g + epsilon_1
    beta = 1 - t ** beta_2_decay
    if p.ndim >= 2:
        r = beta * state.get(("r", i), 0.0) + (1 - beta) * squares.mean(axis=-1)
        c = beta * state.get(("c", i), 0.0) + (1 - beta) * squares.mean(axis=-2)
        state[("r", i)], state[("c", i)] = r, c
        v = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
    else:
        v = beta * state.get(("v", i), 0.0) + (1 - beta) * squares
        state[("v", i)] = v
    u = g / np.sqrt(v)
    return p - alpha * u / max(1.0, _rms(u) / clip_threshold)


def _ftrl(state, i, p, g, lr, t, learning_rate_power=-0.5, initial_accumulator_value=0.1,
          l1_regularization_strength=0.0, l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
          beta=0.0):
    n = state.get(("n", i), np.full_like(p, initial_accumulator_value))
    z = state.get(("z", i), np.zeros_like(p))
    n_new = n + g * g
    power = -learning_rate_power
    sigma = (n_new ** power - n ** power) / lr
    z = z + g + 2 * l2_shrinkage_regularization_strength * p - sigma * p
    state[("n", i)], state[("z", i)] = n_new, z
    l1 = l1_regularization_strength
    quadratic = n_new ** power / lr + 2 * (l2_regularization_strength + beta / (2 * lr))
    return np.where(np.abs(z) <= l1, 0.0, (np.sign(z) * l1 - z) / quadratic)


def _lamb(state, i, p, g, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * state.get(("m", i), 0.0) + (1 - beta_1) * g
    v = beta_2 * state.get(("v", i), 0.0) + (1 - beta_2) * g * g
    state[("m", i)], state[("v", i)] = m, v
    update = (m / (1 - beta_1 ** t)) / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon)
    w_norm, u_norm = np.linalg.norm(p), np.linalg.norm(update)
    ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
    return p - ratio * lr * update


def _newton_schulz(x, steps, a, b, c):
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


def _muon(state, i, p, g, lr, t, momentum=0.95, nesterov=True, ns_steps=5, rms_rate=0.2, adam_beta_1=0.9,
          adam_beta_2=0.999, epsilon=1e-7, adam_lr_ratio=1, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315,
          adam_weight_decay=None):
    if p.ndim != 2:
        return _adam(state, i, p, g, lr * adam_lr_ratio, t, beta_1=adam_beta_1, beta_2=adam_beta_2,
                     epsilon=epsilon)
    m = momentum * state.get(("m", i), 0.0) + g
    state[("m", i)] = m
    direction = g + momentum * m if nesterov else m
    update = _newton_schulz(direction, ns_steps, muon_a, muon_b, muon_c)
    if rms_rate is not None:
        update = update * math.sqrt(max(p.shape)) * rms_rate
    return p - lr * update


def _schedule_free(state, i, p, g, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0):
    if warmup_steps > 0:
        lr = lr * min(t / warmup_steps, 1.0)
    z_old = state.get(("z", i), state["initial"][i])
    v = beta_2 * state.get(("v", i), 0.0) + (1 - beta_2) * g * g
    z = z_old - lr * g / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon)
    state[("z", i)], state[("v", i)] = z, v
    x_old = (p - (1 - beta_1) * z_old) / beta_1
    x_new = (1 - 1 / t) * x_old + z / t
    return (1 - beta_1) * z + beta_1 * x_new


UPDATES = {"sgd": _sgd, "rmsprop": _rmsprop, "adam": _adam, "adamw": _adam, "adagrad": _adagrad,
           "adadelta": _adadelta, "adamax": _adamax, "nadam": _nadam,
           "lion": _lion, "adafactor": _adafactor, "ftrl": _ftrl, "lamb": _lamb, "muon": _muon,
           "schedulefreeadamw": _schedule_free}


def clip(grads, clipnorm=None, global_clipnorm=None, clipvalue=None):
    if clipnorm:
        return [g * clipnorm / max(np.sqrt(np.sum(g * g)), clipnorm) for g in grads]
    if global_clipnorm:
        norm = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        return [g * global_clipnorm / max(norm, global_clipnorm) for g in grads]
    if clipvalue:
        return [np.clip(g, -clipvalue, clipvalue) for g in grads]
    return list(grads)


class Reference:
    """One optimizer's state; `step(params, grads)` returns the parameters after one update.
    `lr_at(iterations)` overrides a constant `learning_rate`; `decayed[i]` says whether weight decay
    applies to variable i (default: all)."""

    def __init__(self, kind, learning_rate=None, lr_at=None, decay=0.0, weight_decay=None, decayed=None,
                 clipnorm=None, global_clipnorm=None, clipvalue=None, loss_scale_factor=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, **hyper):
        if kind in ("adamw", "muon") and weight_decay is None:
            weight_decay = 0.004
        self.kind, self.hyper, self.update = kind, hyper, UPDATES[kind]
        base_lr = DEFAULT_LR[kind] if learning_rate is None else learning_rate
        self.lr_at = lr_at or (lambda step: base_lr)
        self.decay, self.weight_decay, self.decayed = decay, weight_decay, decayed
        self.clipping = dict(clipnorm=clipnorm, global_clipnorm=global_clipnorm, clipvalue=clipvalue)
        self.loss_scale_factor = loss_scale_factor
        self.use_ema, self.ema_momentum, self.ema_overwrite_frequency = use_ema, ema_momentum, ema_overwrite_frequency
        self.iterations = 0
        self.state = {"u_product": 1.0}
        self.averages = None

    def step(self, params, grads):
        if "variable_dtype" not in self.state:  # the updates run in float64; some steps follow the variables'
            self.state["variable_dtype"] = np.float32 if np.asarray(params[0]).dtype == np.float32 else np.float64
        params = [np.array(p, dtype=np.float64) for p in params]
        if self.averages is None:
            self.averages = [p.copy() for p in params]
            self.state["initial"] = [p.copy() for p in params]  # ScheduleFreeAdamW's z starts here
        step = self.iterations
        lr = self.lr_at(step) / (1 + self.decay * step)
        live = [i for i, g in enumerate(grads) if g is not None]
        live_grads = [np.asarray(grads[i], dtype=np.float64) for i in live]
        if self.loss_scale_factor is not None:
            live_grads = [g / self.loss_scale_factor for g in live_grads]
        live_grads = clip(live_grads, **self.clipping)
        for i in live:
            rate = self.weight_decay
            if self.kind == "muon" and params[i].ndim != 2:  # Muon's Adam-stepped weights decay at their own rate
                rate = self.hyper.get("adam_weight_decay", 0.004)
            if rate and (self.decayed is None or self.decayed[i]):
                params[i] = params[i] - params[i] * rate * lr
        t = step + 1
        if self.kind == "nadam":
            self.state["u_product"] *= self.hyper.get("beta_1", 0.9) * (1 - 0.5 * 0.96 ** t)
        for i, g in zip(live, live_grads):
            params[i] = self.update(self.state, i, params[i], g, lr, t, **self.hyper)
        if self.use_ema:
            momentum = 0.0 if step == 0 else self.ema_momentum
            self.averages = [momentum * a + (1 - momentum) * p for a, p in zip(self.averages, params)]
            frequency = self.ema_overwrite_frequency
            if frequency and (step + 1) % frequency == 0:
                params = [a.copy() for a in self.averages]
        self.iterations += 1
        return params


def run(kind, params, grads, **options):
    """Parameters after `len(grads)` updates (`grads[t]`: the gradients of update t, None = skipped)."""
    reference = Reference(kind, **options)
    for step_grads in grads:
        params = reference.step(params, step_grads)
    return params


# -- learning-rate schedules, closed forms from Keras 3's documentation ---------------------------------
def exponential_decay(step, initial, decay_steps, rate, staircase=False):
    exponent = step / decay_steps
    return initial * rate ** (math.floor(exponent) if staircase else exponent)


def piecewise_constant(step, boundaries, values):
    if step <= boundaries[0]:
        return values[0]
    for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
        if low < step <= high:
            return value
    return values[-1]


def polynomial_decay(step, initial, decay_steps, end=0.0001, power=1.0, cycle=False):
    if cycle:
        decay_steps = decay_steps * (1.0 if step == 0 else math.ceil(step / decay_steps))
    else:
        step = min(step, decay_steps)
    return (initial - end) * (1 - step / decay_steps) ** power + end


def inverse_time_decay(step, initial, decay_steps, rate, staircase=False):
    ratio = step / decay_steps
    return initial / (1 + rate * (math.floor(ratio) if staircase else ratio))


def cosine_decay(step, initial, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    def decay(s, peak):
        return peak * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)
    if warmup_target is None:
        return decay(min(step, decay_steps), initial)
    step = min(step, decay_steps + warmup_steps)
    if step < warmup_steps:
        return initial + (warmup_target - initial) * step / warmup_steps
    return decay(step - warmup_steps, warmup_target)


def cosine_decay_restarts(step, initial, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    # Walk the periods one by one (period i lasts first_decay_steps * t_mul**i steps).
    start, length, peak = 0.0, float(first_decay_steps), 1.0
    while step >= start + length:
        start += length
        length *= t_mul
        peak *= m_mul
    fraction = (step - start) / length
    return initial * ((1 - alpha) * peak * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha)
