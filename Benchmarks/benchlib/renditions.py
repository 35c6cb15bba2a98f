"""The rendition set galleryd makes by default, shared by the bench scripts.

thumbnail 320 px wide + carousel 640, 1024, 1600, 2048; each as JPEG (Q80,
optimize_coding, baseline) and WebP (Q78, effort 2). A width above the source's
(after EXIF orientation) becomes the source width, never upscaled, and a role does not get
the same width twice (so a 1200 px wide source gets 8 renditions, not 10).
"""

SET = [("thumbnail", 320), ("carousel", 640), ("carousel", 1024), ("carousel", 1600), ("carousel", 2048)]
JPEG_Q = 80
WEBP_Q = 78
WEBP_EFFORT = 2
LARGEST = max(w for _, w in SET)
# "no height limit" for width-bound resizes (libvips' VIPS_MAX_COORD)
UNBOUNDED = 10_000_000


def plan(display_width):
    """(role, width) pairs for a source this wide after autorotate, as galleryd plans them
    (RenditionSettings.plan): per role, configured widths up to the source width, plus the
    source width itself when some configured width is larger; duplicates dropped."""
    result = []
    for role in dict.fromkeys(r for r, _ in SET):
        configured = [w for r, w in SET if r == role]
        widths = {w for w in configured if w <= display_width}
        if any(w > display_width for w in configured):
            widths.add(display_width)
        result += [(role, w) for w in sorted(widths)]
    return result


def out_name(stem, role, width):
    return f"{stem}-{role}-{width}"
