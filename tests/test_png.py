"""app/png.py: a canvas as a small palette PNG that keeps the colours asked for exact."""
import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from app.png import png


def test_a_palette_png_keeps_the_colours_asked_for_exact():
    fig = Figure(figsize=(4, 2), dpi=100, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    for i, color in enumerate(("#0072B2", "#E69F00", "#009E73")):
        ax.plot([0, 1], [i, i + 1], color=color, linewidth=6)
    data = png(canvas, ("#ffffff", "#0072B2", "#E69F00", "#009E73"))
    image = Image.open(io.BytesIO(data))
    assert image.mode == "P" and image.size == (400, 200) and data == png(canvas, ("#ffffff", "#0072B2", "#E69F00", "#009E73"))
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3).tolist()
    for rgb in ([255, 255, 255], [0, 114, 178], [230, 159, 0], [0, 158, 115]):
        assert pixels.count(rgb) > 100, rgb
