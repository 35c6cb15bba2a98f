"""Synthetic but photo-like JPEGs for Benchmarks/ingest (pyvips).

Smooth gradients and soft shapes alone compress to almost nothing and decode unusually
fast; a camera JPEG has grain and texture at every scale. So each image is a colour
gradient plus multi-scale noise (fine grain, mottling, large blotches), soft blurred
figures and large text, saved as JPEG Q90 4:2:0 like a camera would. Deterministic:
the same seed gives the same bytes.

    python synth.py OUT.jpg WIDTH HEIGHT SEED
"""

import random
import sys

import pyvips


def _noise(width, height, sigma, blur, seed, scale=1):
    """Zero-mean noise blurred by `blur`; made at 1/scale size and enlarged, for speed."""
    w, h = max(1, width // scale), max(1, height // scale)
    n = pyvips.Image.gaussnoise(w, h, sigma=sigma, mean=0, seed=seed)
    if blur > 0:
        n = n.gaussblur(blur / scale, precision="approximate")
        # Blurring lowers the amplitude; bring it back to about sigma.
        n = n * (sigma / max(n.deviate(), 1e-3))
    if scale > 1:
        n = n.resize(scale, kernel="linear")
        n = n.crop(0, 0, min(width, n.width), min(height, n.height)).embed(0, 0, width, height, extend="copy")
    return n


def photo_like(width, height, seed):
    rng = random.Random(seed)
    xyz = pyvips.Image.xyz(width, height)
    x, y = xyz[0], xyz[1]
    top = [rng.uniform(140, 220) for _ in range(3)]
    bottom = [rng.uniform(30, 110) for _ in range(3)]
    t = y / (height - 1)
    s = x / (width - 1)
    bands = [t * (b - a) + a + (s - 0.5) * rng.uniform(-40, 40) for a, b in zip(top, bottom)]
    image = bands[0].bandjoin(bands[1:])

    # Texture at three scales, each with its own colour cast.
    big = _noise(width, height, 20, 120, seed * 7 + 1, scale=8)
    mid = _noise(width, height, 10, 10, seed * 7 + 2, scale=2)
    fine = _noise(width, height, 7, 0.8, seed * 7 + 3)
    image = image + big * [1.0, 0.8, 0.6] + mid * [0.7, 1.0, 0.8] + fine

    # Soft shapes: out-of-focus figures and lights.
    shapes = pyvips.Image.black(width, height, bands=3)
    mask = pyvips.Image.black(width, height)
    unit = width / 4000
    for _ in range(rng.randint(5, 9)):
        cx, cy = int(rng.uniform(0, width)), int(rng.uniform(height * 0.35, height))
        r = int(rng.uniform(120, 420) * unit)
        colour = [rng.uniform(20, 230) for _ in range(3)]
        shapes = shapes.draw_circle(colour, cx, cy, r, fill=True)
        mask = mask.draw_circle([255], cx, cy, r, fill=True)
    blur = 14 * unit
    shapes = shapes.gaussblur(blur, precision="approximate")
    alpha = mask.gaussblur(blur, precision="approximate") / 255
    image = image * (1 - alpha) + shapes + fine * alpha

    # Large text, as on a press photo of a stage.
    dpi = max(72, int(72 * unit * 2))
    text = pyvips.Image.text("Auftaktkonferenz Digitale Modellkommunen NRW", font="DejaVu Sans Bold 48", dpi=dpi)
    tx, ty = int(width * 0.05), int(height * 0.08)
    text_alpha = text.embed(tx, ty, width, height).cast("float") / 255
    image = image * (1 - text_alpha) + text_alpha * [250, 250, 245]
    label = pyvips.Image.text(f"Testbild {seed}", font="DejaVu Sans Bold 32", dpi=dpi)
    label_alpha = label.embed(tx, int(height * 0.2), width, height).cast("float") / 255
    image = image * (1 - label_alpha) + label_alpha * [250, 220, 60]

    return image.cast("uchar").copy(interpretation="srgb")


def write(path, width, height, seed, quality=90):
    photo_like(width, height, seed).jpegsave(path, Q=quality, strip=True)


if __name__ == "__main__":
    out, w, h, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    write(out, w, h, seed)
