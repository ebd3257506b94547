"""Share tokens: a walk's answers as a short, URL-safe string bound to flow id and version.

Layout: 4 characters of a hash of `id` and `version` (so a link made for another version is
refused rather than silently misread), then the answers as base64url (no padding) of one
unsigned LEB128 number per step: the answer's position for a question, a bit mask of ticked items
for a checklist (with "None of these" as the bit after the last item), 0 for an info
"continue". The empty walk is always `start`. Only `[A-Za-z0-9_-]` is used, so a token is also
a URL path segment. Every token has exactly one spelling: decoding re-encodes and compares.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import assert_never

from engine.contract import MAX_TOKEN_LENGTH, START_TOKEN, TOKEN_PATTERN
from engine.model import (
    NONE_CHOICE,
    ChecklistNode,
    Choice,
    Flow,
    InfoNode,
    OutcomeNode,
    QuestionNode,
)
from engine.walk import State, WalkError, advance, normalise_choice, view

__all__ = [
    "MAX_TOKEN_LENGTH",
    "START_TOKEN",
    "TAG_LENGTH",
    "TOKEN_CHARS",
    "TokenError",
    "decode_token",
    "encode_token",
    "flow_tag",
]

TAG_LENGTH = 4
TOKEN_CHARS = re.compile(TOKEN_PATTERN)
"""The token grammar of engine.contract (the walker reads the same, from web/contract.mjs)."""


class TokenError(ValueError):
    """A token that cannot be used for this flow; the message says why, for a reader."""


def flow_tag(flow: Flow) -> str:
    """4 URL-safe characters naming the flow id and version."""
    digest = hashlib.sha256(f"{flow.id}\n{flow.version}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:3]).decode("ascii")


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low = number & 0x7F
        number >>= 7
        if number:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def encode_token(flow: Flow, state: State) -> str:
    """The share token of a state (checked against the flow first: WalkError if it does not fit)."""
    answered = view(flow, state).answered
    if not answered:
        return START_TOKEN
    payload = bytearray()
    for step in answered:
        match step.node:
            case QuestionNode() as node:
                payload += _varint([a.id for a in node.answers].index(str(step.choice)))
            case ChecklistNode() as node:
                ticks = step.choice if isinstance(step.choice, frozenset) else frozenset()
                mask = sum(1 << i for i, item in enumerate(node.items) if item.id in ticks)
                if NONE_CHOICE in ticks:
                    mask |= 1 << len(node.items)
                payload += _varint(mask)
            case InfoNode() | OutcomeNode():
                payload += _varint(0)
            case _:
                assert_never(step.node)
    encoded = base64.urlsafe_b64encode(bytes(payload)).decode("ascii").rstrip("=")
    return flow_tag(flow) + encoded


def decode_token(flow: Flow, token: object) -> State:
    """The state a token stands for; TokenError (with a reason) for anything unusable."""
    if not isinstance(token, str) or not token:
        raise TokenError("the link has no answers in it")
    if token == START_TOKEN:
        return State(flow.id, flow.version, ())
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN_CHARS.fullmatch(token):
        raise TokenError("the link is damaged: it contains characters a share link never has")
    if len(token) < TAG_LENGTH + 2:
        raise TokenError("the link is damaged: it is too short")
    if token[:TAG_LENGTH] != flow_tag(flow):
        raise TokenError(
            f"the link was made for another version of this flowchart (now version "
            f"{flow.version}), or for another flowchart; please start again"
        )
    body = token[TAG_LENGTH:]
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as error:
        raise TokenError("the link is damaged: its answers cannot be read") from error
    numbers = _read_varints(payload)
    choices = _choices_from_numbers(flow, numbers)
    state = State(flow.id, flow.version, choices)
    if encode_token(flow, state) != token:
        raise TokenError("the link is damaged: it is not written the way this site writes links")
    return state


def _read_varints(payload: bytes) -> list[int]:
    numbers: list[int] = []
    number = shift = 0
    for byte in payload:
        number |= (byte & 0x7F) << shift
        shift += 7
        if shift > 70:
            raise TokenError("the link is damaged: a number in it is far too large")
        if not byte & 0x80:
            numbers.append(number)
            number = shift = 0
    if shift:
        raise TokenError("the link is damaged: it ends in the middle of an answer")
    return numbers


def _choices_from_numbers(flow: Flow, numbers: list[int]) -> tuple[Choice, ...]:
    node = flow.node(flow.start)
    facts: dict[str, str] = {}
    choices: list[Choice] = []
    for position, number in enumerate(numbers, start=1):
        choice: Choice
        match node:
            case OutcomeNode():
                raise TokenError(
                    "the link has more answers than the flowchart has steps; please start again"
                )
            case QuestionNode():
                if number >= len(node.answers):
                    raise TokenError(
                        f'answer {position} does not exist at step "{node.title}"; '
                        "please start again"
                    )
                choice = node.answers[number].id
            case ChecklistNode():
                width = len(node.items) + (node.none is not None)
                if number >= 1 << width:
                    raise TokenError(
                        f'answer {position} ticks items that step "{node.title}" does not have'
                    )
                ids = [item.id for item in node.items] + [NONE_CHOICE] * (node.none is not None)
                choice = frozenset(item for i, item in enumerate(ids) if number >> i & 1)
            case InfoNode():
                if number != 0:
                    raise TokenError(f'answer {position} does not fit step "{node.title}"')
                choice = None
            case _:
                assert_never(node)
        try:
            choice = normalise_choice(node, choice)
            to, facts, _ = advance(flow, node, facts, choice)
        except WalkError as error:
            raise TokenError(f"the link does not fit this flowchart: {error}") from error
        choices.append(choice)
        node = flow.node(to)
    return tuple(choices)
