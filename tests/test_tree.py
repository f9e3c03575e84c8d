"""keras.tree against the results real Keras 3.15.1 gives for the same calls (recorded by hand from
`keras.tree` with the JAX backend; the expected values below are those outputs)."""
import collections

import pytest

import tkeras as keras

tree = keras.tree
NESTED = [(1, 2), [3], {"a": 4}]


def test_flatten_orders_dict_keys_and_keeps_none():
    assert tree.flatten({"b": [1, None], "a": (2, {"z": 3, "y": 4})}) == [2, 4, 3, 1, None]
    assert tree.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [1, 2]
    assert tree.flatten(None) == [None] and tree.flatten(5) == [5]
    assert tree.flatten_with_path({"b": [1, None], "a": 2}) == [(("a",), 2), (("b", 0), 1), (("b", 1), None)]
    assert not tree.is_nested(None) and tree.is_nested({"foo": 42}) and not tree.is_nested(42)


def test_map_structure_and_none_handling():
    assert tree.map_structure(lambda x: None if x is None else x * 2, {"b": [1, None], "a": 2}) == {"b": [2, None],
                                                                                                "a": 4}
    assert tree.map_structure(lambda x: x * 2, {"b": [1, None], "a": 2}, none_is_leaf=False) == {"b": [2, None],
                                                                                               "a": 4}
    assert tree.map_structure(lambda x: 1, None) == 1
    assert tree.map_structure(lambda a, b: a + b, (1, [2]), (10, [20])) == (11, [22])
    Point = collections.namedtuple("Point", "x y")
    assert tree.map_structure(lambda v: -v, Point(1, 2)) == Point(-1, -2)
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tree.map_structure(lambda a, b: a, [1, 2], [1])
    with pytest.raises(TypeError, match="'func' must be callable"):
        tree.map_structure(3, [1])


def test_map_structure_up_to_and_pack_sequence_as():
    got = tree.map_structure_up_to({"a": 0, "b": 0}, lambda x, y: (x, y), {"a": [1, 2], "b": 3}, {"a": 5, "b": (6,)})
    assert got == {"a": ([1, 2], 5), "b": (3, (6,))}
    assert tree.pack_sequence_as({"key3": "", "key1": "", "key2": ""}, ["value1", "value2", "value3"]) == {
        "key3": "value3", "key1": "value1", "key2": "value2"}
    assert tree.pack_sequence_as((("a", "b"), ("c", "d", "e"), "f"), [1, 2, 3, 4, 5, 6]) == ((1, 2), (3, 4, 5), 6)
    with pytest.raises(ValueError, match="the structure has 2 leaves but 'flat_sequence' has 3 items"):
        tree.pack_sequence_as([0, 0], [1, 2, 3])


def test_structure_assertions():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))  # all dict kinds alike
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tree.assert_same_structure([1, 2], (1, 2))
    Foo = collections.namedtuple("Foo", ["a", "b"])
    AlsoFoo = collections.namedtuple("Foo", ["a", "b"])
    with pytest.raises(ValueError):
        tree.assert_same_structure(Foo(0, 1), AlsoFoo(2, 3))
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Foo(0, 1), AlsoFoo(2, 3))
    with pytest.raises(ValueError, match="same paths"):
        tree.assert_same_paths({"a": 1}, {"b": 1})


def test_traverse_both_directions():
    visited = []
    assert tree.traverse(visited.append, NESTED, top_down=False) == NESTED
    assert visited == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, NESTED]
    visited = []
    assert tree.traverse(lambda x: visited.append(x) or (9 if x == 3 else None), NESTED) == [(1, 2), [9], {"a": 4}]
    assert visited == [NESTED, (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    assert tree.traverse(lambda x: x * 10 if isinstance(x, int) else None, NESTED, top_down=False) == [
        (10, 20), [30], {"a": 40}]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == [3] else None, NESTED) == [(1, 2), None, {"a": 4}]


def test_lists_to_tuples_and_shapes():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))
    assert tree.map_shape_structure(lambda s: len(s), {"a": (None, 3), "b": [(1, 2, 3), (4,)]}) == {"a": 2,
                                                                                                 "b": [3, 1]}
