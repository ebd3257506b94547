"""The model: one frozen class per node kind, and fingerprints that do not depend on it."""

from __future__ import annotations

import dataclasses

import pytest

from engine import Flow
from engine.fingerprint import digest, flow_prints
from engine.model import (
    KINDS,
    NODE_CLASSES,
    ChecklistNode,
    OutcomeNode,
    QuestionNode,
)


def test_each_kind_has_its_own_frozen_class(demo: Flow) -> None:
    assert tuple(NODE_CLASSES) == KINDS
    for node in demo.nodes:
        assert type(node) is NODE_CLASSES[node.kind]
        with pytest.raises(dataclasses.FrozenInstanceError):
            node.title = "changed"  # type: ignore[misc]
    assert {QuestionNode, ChecklistNode, OutcomeNode} <= {type(node) for node in demo.nodes}


def test_a_node_has_only_the_parts_of_its_kind(demo: Flow) -> None:
    outcome = next(n for n in demo.nodes if isinstance(n, OutcomeNode))
    question = next(n for n in demo.nodes if isinstance(n, QuestionNode))
    field_names = {f.name for f in dataclasses.fields(outcome)}
    assert "urgency" in field_names and "answers" not in field_names
    assert "answers" in {f.name for f in dataclasses.fields(question)}
    assert question != dataclasses.replace(question, title=question.title + "!")


def test_fingerprints_are_the_ones_signed_before_the_node_classes(demo: Flow) -> None:
    """A signed review names route fingerprints: splitting the node class must not move them
    (the values were computed by the engine before the split)."""
    prints = flow_prints(demo)
    assert prints[0].key == "red-flags=saddle"
    assert prints[0].fingerprint == "93ed154d50a6f2f8"
    assert digest([p.fingerprint for p in prints]) == "40eedb68f76185bf"
