"""Hypothesis strategies shared by the fuzz tests: arbitrary JSON, and mutations of a document at random paths."""
from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

SCALARS = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
OPERATIONS = ("delete", "replace", "insert", "retype", "flip_char", "truncate", "duplicate", "empty")


def json_values(*, max_leaves: int = 20, scalars=SCALARS):
    """Any JSON value (no NaN/Infinity, which JSON itself cannot carry)."""
    return st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                        | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=max_leaves)


def mutations(*, max_steps: int = 3, min_steps: int = 1, values=None):
    """Steps for :func:`apply_mutation`: (operation, a path as child choices, a value)."""
    step = st.tuples(st.sampled_from(OPERATIONS), st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
                     values if values is not None else json_values(max_leaves=6))
    return st.lists(step, min_size=min_steps, max_size=max_steps)


def _children(node) -> list:
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def resolve_path(document, choices: list[int]) -> list:
    """Follow the choices (each taken modulo the number of children) as deep as the document goes."""
    path, node = [], document
    for choice in choices:
        keys = _children(node)
        if not keys:
            break
        key = keys[choice % len(keys)]
        path.append(key)
        node = node[key]
    return path


def _retyped(value) -> Any:
    if isinstance(value, bool):
        return "true"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, dict):
        return list(value.values())
    return 0


def apply_mutation(document, step) -> Any:
    """A changed deep copy of the document: one operation at one path (the root when the path is empty)."""
    operation, choices, value = step
    document = copy.deepcopy(document)
    path = resolve_path(document, choices)
    if not path:
        return _mutate_leaf(document, operation, value, choices)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if operation == "delete":
        del parent[key]
    elif operation == "insert":
        if isinstance(parent, dict):
            parent[f"unexpected_{len(parent)}"] = value
        else:
            parent.insert(key, value)
    elif operation == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    else:
        parent[key] = _mutate_leaf(parent[key], operation, value, choices)
    return document


def _mutate_leaf(node, operation, value, choices):
    seed = sum(choices)
    if operation == "replace" or operation in ("delete", "insert", "duplicate"):
        return value
    if operation == "retype":
        return _retyped(node)
    if operation == "empty":
        return type(node)() if isinstance(node, (str, list, dict)) else None
    if operation == "flip_char" and isinstance(node, str) and node:
        i = seed % len(node)
        replacement = "A" if node[i] != "A" else "B"
        return node[:i] + replacement + node[i + 1:]
    if operation == "truncate" and isinstance(node, (str, list)) and node:
        return node[: seed % len(node)]
    if isinstance(node, bool):
        return not node
    if isinstance(node, int):
        return node + 1
    if isinstance(node, float):
        return node * 2 + 1
    return value
