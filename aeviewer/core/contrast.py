"""WCAG 2 contrast between colours: the one check that a theme's marks stand out from its background.

Colours are "#rrggbb" strings; a mark drawn with an alpha is first composited over the background,
because that blend is what the eye sees.
"""

from __future__ import annotations

MIN_MARK_CONTRAST = 3.0  # WCAG's ratio for graphical objects and large text


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#rgb" or "#rrggbb" → (r, g, b) in 0..255."""
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def composite(colour: str, background: str, alpha: float) -> tuple[int, int, int]:
    """`colour` at `alpha` (0..1) painted over an opaque `background`."""
    (r, g, b), (br, bg, bb) = rgb(colour), rgb(background)

    def mix(f: int, under: int) -> int:
        return round(f * alpha + under * (1.0 - alpha))

    return mix(r, br), mix(g, bg), mix(b, bb)


def relative_luminance(colour: str | tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) to 1 (white)."""
    channels = rgb(colour) if isinstance(colour, str) else colour

    def linear(c: int) -> float:
        v = c / 255.0
        return v / 12.92 if v <= 0.04045 else float(((v + 0.055) / 1.055) ** 2.4)

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1 (same) to 21 (black on white)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
