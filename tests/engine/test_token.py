"""Share tokens: compact, URL-safe, bound to flow id and version, refused with a reason."""

from __future__ import annotations

import dataclasses
import re

import pytest

from engine import (
    START_TOKEN,
    Flow,
    TokenError,
    choose,
    decode_token,
    encode_token,
    reachable_states,
    start,
)


def test_every_reachable_state_round_trips(demo: Flow) -> None:
    for state in reachable_states(demo):
        token = encode_token(demo, state)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert decode_token(demo, token) == state


def test_the_empty_state_has_a_fixed_token(demo: Flow) -> None:
    assert encode_token(demo, start(demo)) == START_TOKEN == "start"
    assert decode_token(demo, "start") == start(demo)


def test_another_version_is_refused(demo: Flow) -> None:
    token = encode_token(demo, choose(demo, start(demo), frozenset({"fever"})))
    newer = dataclasses.replace(demo, version="1.0.1")
    with pytest.raises(TokenError, match="another version"):
        decode_token(newer, token)


@pytest.mark.parametrize(
    "garbage", ["", "x", "a b", "<script>", "start/", "AAAAAAAAAAAAAAAA", "\u00e9t\u00e9", "=" * 9]
)
def test_garbage_is_refused(demo: Flow, garbage: str) -> None:
    with pytest.raises(TokenError):
        decode_token(demo, garbage)


def test_invalid_answers_are_refused(demo: Flow) -> None:
    tag = encode_token(demo, choose(demo, start(demo), frozenset()))[:4]
    with pytest.raises(TokenError, match="ticks items"):
        decode_token(demo, tag + "Pw")  # mask 63: items that do not exist
    with pytest.raises(TokenError, match="more answers"):
        decode_token(demo, tag + "AQAA")  # saddle -> emergency, then more answers
