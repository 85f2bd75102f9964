"""Identifiers: the unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from geo.i18n import Message

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """Check character of the first 17 characters of a USCC (GB 32100-2015, §4.2)."""
    if len(first17) != 17 or any(c not in USCC_CHARS for c in first17.upper()):
        msg = f"{first17!r}: need 17 characters from {USCC_CHARS}"
        raise ValueError(msg)
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17.upper(), _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> Message | None:
    """Why ``code`` is not a valid USCC (a message in no language yet), or None when it is."""
    code = str(code).strip().upper()
    if len(code) != 18:
        return Message.of("uscc.length", n=len(code))
    bad = [c for c in code if c not in USCC_CHARS]
    if bad:
        return Message.of("uscc.chars", chars="、".join(dict.fromkeys(bad)))
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return Message.of("uscc.check_char", got=code[17], expected=expected)
    return None


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is an 18-character USCC with a correct check character."""
    return uscc_problem(code) is None
