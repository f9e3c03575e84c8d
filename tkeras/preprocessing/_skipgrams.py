"""word2vec training pairs, as Keras 2 produced them (`skipgrams`, `make_sampling_table`).

Kept in Keras 2's pure-Python form on purpose: the pairs and their shuffled order come from the
`random` module, so a script that seeds `random` gets the same pairs it got under Keras 2.
"""
import random

import numpy as np


def make_sampling_table(size, sampling_factor=1e-5):
    """Probability of keeping the word of each rank when sampling skipgrams, so that very frequent
    words are seen less often. Word frequencies are approximated from their rank (Zipf's law), which
    is why this needs only the vocabulary size. Entry i belongs to the i-th most frequent word.
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"make_sampling_table: `size` must be an integer >= 1, received {size!r}")
    euler_gamma = 0.577
    rank = np.arange(size)
    rank[0] = 1
    inverse_frequency = rank * (np.log(rank) + euler_gamma) + 0.5 - 1.0 / (12.0 * rank)
    f = sampling_factor * inverse_frequency
    return np.minimum(1.0, f / np.sqrt(f))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1.0, shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """(word, context) pairs labelled 1 for words within `window_size` of each other, plus
    `negative_samples` times as many (word, random word) pairs labelled 0. Index 0 is padding and
    never forms a pair. Returns `(couples, labels)` as lists; labels are [0, 1]/[1, 0] when
    `categorical`.
    """
    if isinstance(vocabulary_size, bool) or not isinstance(vocabulary_size, (int, np.integer)) or vocabulary_size < 2:
        raise ValueError(f"skipgrams: `vocabulary_size` must be an integer >= 2, received {vocabulary_size!r}")
    couples, labels = [], []
    positive = [0, 1] if categorical else 1
    for i, word in enumerate(sequence):
        if not word:
            continue
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(sequence), i + window_size + 1)):
            if j != i and sequence[j]:
                couples.append([word, sequence[j]])
                labels.append(positive)
    if negative_samples > 0 and couples:
        count = int(len(labels) * negative_samples)
        words = [pair[0] for pair in couples]
        random.shuffle(words)
        couples += [[words[i % len(words)], random.randint(1, vocabulary_size - 1)] for i in range(count)]
        labels += [[1, 0] if categorical else 0] * count
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10_000_000)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels
