"""(d) pyvips, the practical libvips limit: decode each source once with shrink-on-load
near the largest width (pyvips.Image.thumbnail from the file: autorotate included), keep
that in memory, derive each smaller width from it with thumbnail_image, save JPEG and
WebP. Images one after another; both cores through libvips' own thread pool
(VIPS_CONCURRENCY, default = cores). Operation cache off, as in galleryd.

    python pyvips_renditions.py OUT_DIR IMAGE...
"""

import os
import sys

import pyvips

import renditions as R


def render(path, out_dir):
    stem = os.path.splitext(os.path.basename(path))[0]
    decoded = pyvips.Image.thumbnail(path, R.LARGEST, height=R.UNBOUNDED, size="down").copy_memory()
    for role, width in R.plan(decoded.width):
        image = decoded if width >= decoded.width else decoded.thumbnail_image(width, height=R.UNBOUNDED)
        if image is not decoded:
            image = image.copy_memory()  # resized once, encoded twice
        base = os.path.join(out_dir, R.out_name(stem, role, width))
        image.jpegsave(base + ".jpg", Q=R.JPEG_Q, optimize_coding=True, strip=True)
        image.webpsave(base + ".webp", Q=R.WEBP_Q, effort=R.WEBP_EFFORT, strip=True)


def main():
    out_dir, files = sys.argv[1], sys.argv[2:]
    pyvips.cache_set_max(0)
    for path in files:
        render(path, out_dir)


if __name__ == "__main__":
    main()
