"""How problems word what they found: type names, YAML hints and "did you mean" suggestions."""

from __future__ import annotations

from collections.abc import Collection


def type_name(value: object) -> str:
    """How an author would call the type of a YAML value."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data (a !!binary tag reads base64 into bytes): write the text itself"
    return type(value).__name__


def hint_for(value: object) -> str:
    """Extra advice for the usual YAML surprises."""
    if isinstance(value, bool):
        return "; YAML reads bare yes/no/on/off/true/false as true/false: put it in quotes"
    if isinstance(value, int | float):
        return "; put it in quotes"
    return ""


def closest(name: str, known: Collection[str]) -> str | None:
    """The known name an author most likely meant: one that starts the other (`helptext` ->
    `help`), else the most similar spelling (`emergncy` -> `emergency`), else None."""
    prefixed = [
        k
        for k in known
        if (name.startswith(k) or k.startswith(name))
        and min(len(k), len(name)) >= max(3, max(len(k), len(name)) // 2)
    ]
    if prefixed:
        return max(prefixed, key=len)
    import difflib  # only when there is a problem: the browser's engine never loads it

    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, known: Collection[str]) -> str:
    """` (did you mean "x"?)`, or "" when nothing known is close."""
    close = closest(name, known)
    return f' (did you mean "{close}"?)' if close else ""


def suggest(name: str, known: Collection[str], what: str) -> str:
    """`(did you mean "x"?); known Ys are: ...` for an unknown name."""
    mean = did_you_mean(name, known)
    shown = sorted(known)
    listing = ", ".join(shown[:12]) + (", ..." if len(shown) > 12 else "")
    return f"{mean}; known {what} are: {listing}" if shown else f"{mean}; there are no {what}"
