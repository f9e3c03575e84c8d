"""A vocabulary as Keras 3 keeps it outside the config: `vocabulary.txt` among a `.keras` file's assets.

Keras writes the vocabulary of an adapted StringLookup / IntegerLookup / TextVectorization to
`assets/<object path>/vocabulary.txt` (one token per line, special tokens first, lines joined by "\n")
and its tf_idf weights as the variable `idf_weights`; a layer built with a `vocabulary` keeps it in
its config and writes no file. `VocabularyAssets` gives those layers Keras' `save_assets` /
`load_assets` and the checks a loaded vocabulary must pass.
"""
import os

import numpy as np

VOCABULARY_ASSET = "vocabulary.txt"


class VocabularyAssets:
    """Mixed into the vocabulary layers: they define `get_vocabulary()` and `_load_asset_files`."""

    def _asset_files(self):
        """{file name: bytes} of the layer's assets, as Keras writes them."""
        return {VOCABULARY_ASSET: vocabulary_asset_bytes(self.get_vocabulary())}

    def save_assets(self, dir_path):
        """Write the vocabulary to `dir_path/vocabulary.txt`, in Keras' format."""
        write_asset_files(dir_path, self._asset_files())

    def load_assets(self, dir_path, idf_weights=None):
        """Read a vocabulary Keras' `save_assets` wrote to `dir_path` (tf_idf also needs the weights).
        Like Keras, a layer built with a `vocabulary` keeps it and ignores the file."""
        self._load_asset_files(read_asset_files(dir_path), idf_weights)

    def _asset_vocabulary(self, files):
        if VOCABULARY_ASSET not in files:
            raise ValueError(f"there is no {VOCABULARY_ASSET}")
        return parse_vocabulary_asset(files[VOCABULARY_ASSET])

    @staticmethod
    def _asset_idf_weights(idf_weights, count):
        """The first `count` saved idf weights (Keras pads them to `max_tokens`)."""
        if idf_weights is None:
            raise ValueError("output_mode='tf_idf' needs the `idf_weights` variable saved with the "
                             "vocabulary, and the weights file has none for this layer")
        weights = np.asarray(idf_weights, dtype=np.float64).ravel()
        if weights.size < count:
            raise ValueError(f"{weights.size} idf weights for a vocabulary of {count} tokens")
        return weights[:count]

    def _check_asset_size(self):
        expected = self._config_vocabulary_size
        if expected is not None and expected != self.vocabulary_size():
            raise ValueError(f"the config gives a vocabulary size of {expected}, the vocabulary asset holds "
                             f"{self.vocabulary_size()} indices")


def vocabulary_asset_bytes(tokens):
    """Keras' `vocabulary.txt`: each token's `str()`, joined by newlines (no final one), UTF-8."""
    return "\n".join(str(token) for token in tokens).encode("utf-8")


def parse_vocabulary_asset(raw):
    """The lines of a `vocabulary.txt`, split the way Keras' `load_assets` splits them (Python's
    `splitlines` on the text, trailing empty lines dropped) so that a file gives the same tokens in
    both libraries."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{VOCABULARY_ASSET} is not UTF-8 text: {exc}") from exc
    lines = text.splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def read_asset_files(dir_path):
    path = os.path.join(dir_path, VOCABULARY_ASSET)
    if not os.path.isfile(path):
        return {}
    with open(path, "rb") as stream:
        return {VOCABULARY_ASSET: stream.read()}


def write_asset_files(dir_path, files):
    os.makedirs(dir_path, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(dir_path, name), "wb") as stream:
            stream.write(data)
