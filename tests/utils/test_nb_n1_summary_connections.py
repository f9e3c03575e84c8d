"""The "Connected to" column of `summary()` lists every tensor a layer was called on.

A `Dot` of two embeddings (the negative-sampling word2vec model of the Korean wikidocs NLP book,
9-4) or a `Concatenate` of three inputs has a list longer than the column; Keras continues it on the
following rows, one source per row, instead of cutting it off. The expected rows come from
tf-keras 2.21, recorded by tests/fixtures/make_nb_n1_summary_connections_reference.py (whose
models these mirror).
"""
import json
import pathlib

import pytest

import tkeras as keras
from tkeras import layers

REFERENCE = json.loads(
    (pathlib.Path(__file__).parents[1] / "fixtures" / "nb_n1_summary_connections_reference.json").read_text())


def skip_gram():
    word = keras.Input(shape=(1,), dtype="int32", name="word_ids")
    context = keras.Input(shape=(1,), dtype="int32", name="context_ids")
    word_vectors = layers.Embedding(50, 8, name="word_embedding")(word)
    context_vectors = layers.Embedding(50, 8, name="context_embedding")(context)
    dot = layers.Dot(axes=2, name="dot")([word_vectors, context_vectors])
    output = layers.Activation("sigmoid", name="sigmoid")(layers.Reshape((1,), name="reshape")(dot))
    return keras.Model([word, context], output)


def three_branches():
    inputs = [keras.Input(shape=(4,), name=name) for name in ("title_words", "body_words", "tags_multi_hot")]
    merged = layers.Concatenate(name="concatenate")(inputs)
    short = layers.Add(name="add")([layers.Dense(2, name="d1")(merged), layers.Dense(2, name="d2")(merged)])
    return keras.Model(inputs, short)


MODELS = {"skip_gram": skip_gram, "three_branches": three_branches}


def summary_lines(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


def connected_to_rows(lines, names):
    header = next(line for line in lines if line.startswith("Layer (type)"))
    start = header.index("Connected to")
    rows, current = {}, None
    for line in lines[lines.index(header) + 2:]:
        if line.startswith("=") or line.startswith("Total params"):
            break
        if line.startswith("_"):  # the rule between two layers
            continue
        first = line[:start].split()
        if first and first[0] in names:
            current = first[0]
            rows[current] = []
        if current is not None and line[start:].strip():
            rows[current].append(line[start - 1:].strip())
    return rows


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_source_is_printed_as_keras_prints_it(name):
    model = MODELS[name]()
    rows = connected_to_rows(summary_lines(model), {layer.name for layer in model.layers})
    expected = REFERENCE["models"][name]
    assert sorted(rows) == sorted(expected)
    for layer_name, keras_rows in expected.items():
        assert "".join(rows[layer_name]).replace(",'", ", '") == "".join(keras_rows).replace(",'", ", '")
        if len("".join(keras_rows)) > 34:  # longer than the column: continued one source per row
            assert rows[layer_name] == keras_rows


def test_continuation_rows_leave_the_other_columns_empty_and_keep_the_width():
    lines = summary_lines(skip_gram())
    dot_row = next(i for i, line in enumerate(lines) if line.startswith("dot (Dot)"))
    continuation = lines[dot_row + 1]
    header = next(line for line in lines if line.startswith("Layer (type)"))
    assert continuation[:header.index("Connected to")].strip() == ""
    assert continuation.strip() == "'context_embedding[0][0]']"
    assert all(len(line) <= 98 for line in lines)
    assert lines[dot_row + 2] == "_" * 98
