"""keras.random.SeedGenerator: a stream of seeds held in an int64 [seed, counter] variable.

Keras 3's draws are stateless functions of a seed; a SeedGenerator hands each draw the next seed of its
stream and advances the counter, so two generators made with the same seed give the same draws in the
same order, and consecutive draws differ. tkeras keeps those semantics, not Keras' bits: a draw here
seeds a torch generator with a 64-bit mix of the state (torch's samplers differ from TensorFlow's and
JAX's), so the numbers differ from Keras' while the counters move exactly as Keras' do.
"""
import random as python_random
import threading

import numpy as np
import torch

from tkeras.backend.name_scope import current_path
from tkeras.backend.naming import unique_name
from tkeras.backend.stateless_scope import active_stateless_scope
from tkeras.backend.variable import Variable


class SeedGenerator:
    """Keras 3's stateful seed: each draw that takes it gets the next seed of a fixed sequence.

    Its state is a variable, as in Keras: `state` (int64 [seed, counter], non-trainable, path
    "<name>/seed_generator_state"), which a layer holding the generator lists in `variables` and
    `non_trainable_variables` (not in `weights`, and not in `.keras` files: Keras saves neither). Each
    tkeras draw that takes the generator uses a seed mixed from the current state and advances the counter
    by one, as Keras' draws call `next()`, so assigning a saved state replays the same draws. `next()`
    returns the state and advances it as Keras does (the counter by one, or Keras' unordered mixing), so
    code that derives its own seeds from it sees Keras' numbers. The state stays on the CPU (the layer
    does not register it with torch): reading it to seed a draw costs no device round trip."""

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"SeedGenerator: unexpected keyword argument(s) {sorted(kwargs)}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"SeedGenerator: `seed` must be an integer or None, received seed={seed!r}")
        self.name = unique_name("seed_generator") if name is None else name
        self._initial_seed = seed
        # Unseeded, Keras draws the start from Python's `random` (so `keras.utils.set_random_seed` fixes it).
        start = int(seed) if seed is not None else python_random.randint(1, int(1e9))
        self.state = Variable(torch.tensor([start, 0], dtype=torch.int64), trainable=False,
                              name="seed_generator_state", dtype="int64")
        scope = current_path()  # keras.name_scope("encoder"): "encoder/seed_generator/seed_generator_state"
        self.state._keras_path = f"{scope}/{self.name}/seed_generator_state" if scope else \
            f"{self.name}/seed_generator_state"
        self._state_view = None  # a NumPy view of the state's memory, made on the first draw
        self._state_address = None

    def _host_state(self):
        """The state's memory as a NumPy array (a view, so a write advances the variable itself), or
        None when the state was moved off the CPU.

        Indexing the torch tensor costs ~5 us a draw, the view ~0.4 us. `assign` copies in place, so the
        view stays valid; it is remade when something swapped the variable's storage."""
        address = self.state.data_ptr()
        if address != self._state_address:
            on_host = self.state.device.type == "cpu"
            self._state_view = self.state.detach().numpy() if on_host else None
            self._state_address = address
        return self._state_view

    def next_seed(self):
        """The seed of the next tkeras draw (a 32-bit mix of the state); the counter advances by one."""
        view = None if active_stateless_scope() is not None else self._host_state()
        if view is None:  # in a StatelessScope the scope records the assignment, as every one there
            seed, counter = self.state.tolist()
            self.state.assign(torch.tensor([seed, counter + 1], dtype=torch.int64))
            return _mixed_seed(seed, counter)
        seed, counter = view.tolist()
        view[1] = counter + 1
        return _mixed_seed(seed, counter)

    def advance(self):
        """Count a draw that did not use the stream (an unseeded layer drawing from torch's generator)."""
        self.next_seed()

    def torch_generator(self, device):
        """A torch generator on `device` seeded for the next draw (the counter advances by one).

        One generator per device and thread is reseeded for each draw: a draw's numbers depend on its
        seed only, so sharing it costs nothing in determinism and saves making one (~1 us) per draw."""
        generator = _GENERATORS.__dict__.get(device) or _new_generator(device)
        return generator.manual_seed(self.next_seed())

    def next(self, ordered=True):
        """The current state (a copy); then the state advances: [seed, n] -> [seed, n + 1] when `ordered`,
        else every entry becomes (entry + 1) * 5387 % 933199."""
        current = self.state.detach().clone()
        if ordered:
            self.state.assign(current + torch.tensor([0, 1], dtype=torch.int64))
        else:
            self.state.assign((current + 1) * 5387 % 933199)
        return current

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def layer_generator(seed_generator, device, count_unseeded=True):
    """The torch generator a random layer draws from: its own stream when made with `seed=` (two layers
    with the same seed draw the same noise), else None, torch's global generator, which
    `keras.utils.set_random_seed` / `tf.random.set_seed` / `torch.manual_seed` reset.

    Unseeded draws still count on the layer's generator when `count_unseeded`, as Keras' do; Keras' torch
    backend leaves the counter of an unseeded dropout (Dropout, the attention layers' dropout) alone, as
    its dropout draws with torch's own kernel, and tkeras' dropout follows it (no per-call cost)."""
    if seed_generator._initial_seed is not None:
        return seed_generator.torch_generator(device)
    if count_unseeded:
        seed_generator.advance()
    return None


_GENERATORS = threading.local()


def _new_generator(device):
    generator = _GENERATORS.__dict__[device] = torch.Generator(device=device)
    return generator


def _mixed_seed(seed, counter):
    """The torch seed of draw `counter` of stream `seed`: the seed itself for the first draw (so an int
    `seed=` draws what a fresh SeedGenerator(seed) draws first, as in Keras), then steps of a golden-ratio
    multiple. torch's CPU generator (mt19937) keeps 32 bits of its seed, and seeds one apart already
    start unrelated sequences: one stream's draws get distinct seeds for 2^32 draws, and streams of
    nearby seeds meet only hundreds of thousands of draws apart. One multiply-add: this runs once per
    seeded draw, inside training steps."""
    return (seed + counter * 0x9E3779B1) & 0xFFFFFFFF
