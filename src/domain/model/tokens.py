"""The URL-safe base64 that opaque tokens (cursors, event ids) are written in: unpadded, and read
back only in that one canonical spelling."""

import base64


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(text: str, *, max_length: int = 200) -> bytes:
    """The bytes `text` spells; ValueError for anything but the canonical spelling of some bytes."""
    if not text or len(text) > max_length or not text.isascii():
        raise ValueError("not a token part")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise ValueError("not base64") from error
    if b64(raw) != text:  # the decoder is lenient: only the one canonical spelling is ours
        raise ValueError("not the canonical encoding")
    return raw
