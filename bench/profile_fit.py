"""Where one epoch of `fit` spends its time (cProfile, top functions by own time): a diagnosis aid for
the bench figures, e.g. `python bench/profile_fit.py mnist_mlp`."""
import cProfile
import os
import pstats
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(workload="mnist_mlp", top=30):
    import tkeras as keras
    from bench_core import _imdb_dense_model, _mnist_mlp_model, imdb_multi_hot, mnist_like
    if workload == "mnist_mlp":
        (x, y), model, batch = mnist_like(), _mnist_mlp_model(keras), 128
    else:
        (x, y), model, batch = imdb_multi_hot(), _imdb_dense_model(keras), 512
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(x, y, batch_size=batch, epochs=1, verbose=0)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main(*sys.argv[1:2])
