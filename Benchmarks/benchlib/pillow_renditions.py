"""(c) Pillow: for every rendition, open the source, draft('RGB', size) (libjpeg
shrink-on-load by 1/2, 1/4, 1/8), apply EXIF orientation, thumbnail() to the width
(Lanczos, reducing_gap 2.0 by default), save as JPEG (quality 80, optimize) and WebP
(quality 78, method 4). Pillow itself is single-threaded; to give it both cores like the
others, images are spread over a thread pool of JOBS threads (Pillow releases the GIL in
decode, resize and encode) in one process, so peak RSS is the whole job's.

    python pillow_renditions.py JOBS OUT_DIR IMAGE...
"""

import os
import sys
from concurrent.futures import ThreadPoolExecutor

from PIL import Image, ImageOps

import renditions as R

ORIENTATION = 0x0112


def render(path, out_dir):
    stem = os.path.splitext(os.path.basename(path))[0]
    with Image.open(path) as probe:
        width, height = probe.size
        turned = probe.getexif().get(ORIENTATION, 1) in (5, 6, 7, 8)
    display_w, display_h = (height, width) if turned else (width, height)
    for role, w in R.plan(display_w):
        h = max(1, round(display_h * w / display_w))
        with Image.open(path) as im:
            im.draft("RGB", (h, w) if turned else (w, h))
            im = ImageOps.exif_transpose(im)
            im.thumbnail((w, R.UNBOUNDED))
            if im.mode != "RGB":
                im = im.convert("RGB")
            base = os.path.join(out_dir, R.out_name(stem, role, w))
            im.save(base + ".jpg", "JPEG", quality=R.JPEG_Q, optimize=True)
            im.save(base + ".webp", "WEBP", quality=R.WEBP_Q, method=R.WEBP_EFFORT)


def main():
    jobs, out_dir, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for _ in pool.map(lambda p: render(p, out_dir), files):
            pass


if __name__ == "__main__":
    main()
