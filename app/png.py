"""A matplotlib canvas as a small PNG file, the same bytes for the same drawing (the link-preview
picture, app/picture.py)."""
import io

import numpy as np


def png(canvas, keep: tuple[str, ...] = ()) -> bytes:
    """The canvas drawn in 256 colours, `keep` exact: a palette PNG has a third of the RGB file's
    bytes (~32 KB instead of ~98 KB for the default comparison), what a phone on a slow link waits
    for before it sees any curve. zlib level 6 (level 9 took ten times as long for 5% fewer
    bytes), and no metadata: no software version or time stamp."""
    from PIL import Image

    canvas.draw()
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
    image = rgb.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    image.putpalette(exact(image.getpalette(), keep))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def exact(palette: list[int], colors: tuple[str, ...]) -> list[int]:
    """The palette with each of `colors` in place of its nearest entry (the octree's average of
    the pixels that had it), unless two would share one."""
    entries = np.array(palette, dtype=float).reshape(-1, 3)
    wanted = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=float)
    nearest = [int(np.argmin(((entries - rgb) ** 2).sum(axis=1))) for rgb in wanted]
    if len(set(nearest)) == len(nearest):
        entries[nearest] = wanted
    return entries.astype(int).flatten().tolist()
