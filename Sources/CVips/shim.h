// Non-variadic wrappers for the variadic libvips calls galleryd uses: Swift cannot call
// C variadic functions or function-like macros. One wrapper per option set.
#ifndef GALLERYD_CVIPS_SHIM_H
#define GALLERYD_CVIPS_SHIM_H

#include <vips/vips.h>
#include <malloc.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int gd_vips_init(const char *argv0) { return VIPS_INIT(argv0); }

static inline void gd_ignore_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data) {
    (void) domain; (void) level; (void) message; (void) data;
}

/// libvips reports recoverable oddities of input files (an ignored colour profile, a
/// damaged tile) as GLib warnings on stderr. galleryd judges files by the outcome of
/// decoding and logs that itself, so these are dropped.
static inline void gd_silence_warnings(void) {
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, gd_ignore_log, NULL);
}

/// At most `count` glibc malloc arenas: libvips allocates pixel buffers from many threads,
/// and every arena keeps its freed memory (MALLOC_ARENA_MAX, for processes not started by
/// the systemd unit, which sets it).
static inline void gd_limit_malloc_arenas(int count) { mallopt(M_ARENA_MAX, count); }

/// Resize by separate horizontal and vertical factors, to hit an exact size.
static inline int gd_resize(VipsImage *in, VipsImage **out, double hscale, double vscale) {
    return vips_resize(in, out, hscale, "vscale", vscale, NULL);
}

/// Cuts a `width`×`height` part out of an image where libvips' attention strategy finds
/// the most to see (edges, skin tones, saturated colour).
static inline int gd_smartcrop_attention(VipsImage *in, VipsImage **out, int width, int height) {
    return vips_smartcrop(in, out, width, height, "interesting", VIPS_INTERESTING_ATTENTION, NULL);
}

static inline void gd_object_unref(VipsImage *image) { g_object_unref(image); }

static inline void gd_free(void *pointer) { g_free(pointer); }

/// Header-only open of an encoded buffer: pixels are not decoded until they are read.
static inline VipsImage *gd_image_new_from_buffer(const void *buffer, size_t length, VipsFailOn failOn) {
    return vips_image_new_from_buffer(buffer, length, "",
        "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", failOn, NULL);
}

/// Random-access open of an encoded buffer (for reading pixels back in tests).
static inline VipsImage *gd_image_new_from_buffer_random(const void *buffer, size_t length) {
    return vips_image_new_from_buffer(buffer, length, "", NULL);
}

static inline int gd_jpegsave_buffer_plain(VipsImage *in, void **buffer, size_t *length, int quality) {
    return vips_jpegsave_buffer(in, buffer, length, "Q", quality, "strip", TRUE, NULL);
}

static inline int gd_jpegsave_buffer_with_profile(VipsImage *in, void **buffer, size_t *length) {
    return vips_jpegsave_buffer(in, buffer, length, "Q", 90, NULL);
}

/// Shrink-on-load thumbnail to `width` (height unconstrained), never upscaled, EXIF
/// autorotated, colour-managed to sRGB from any embedded profile (CMYK included).
/// Loader options go in `option_string`: libvips 8.14 ignores thumbnail's own `fail_on`
/// for buffers, and a truncated file would be published half grey.
/// `toSRGB` converts from an embedded profile; it must stay off for untagged images, which
/// are sRGB already and which the srgb→srgb transform would shift.
static inline int gd_thumbnail_buffer(void *buffer, size_t length, VipsImage **out, int width,
    const char *loaderOptions, int toSRGB) {
    if (toSRGB) {
        return vips_thumbnail_buffer(buffer, length, out, width,
            "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "option_string", loaderOptions,
            "export_profile", "srgb", "intent", VIPS_INTENT_RELATIVE, NULL);
    }
    return vips_thumbnail_buffer(buffer, length, out, width,
        "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, "option_string", loaderOptions, NULL);
}

/// Shrink-on-load thumbnail that ignores any embedded colour profile, for a profile that
/// cannot be applied: the pixels are read in their own colour space (grey, RGB, CMYK) and
/// later converted the way libvips converts untagged images. `jpegShrink` (1, 2, 4 or 8)
/// is the JPEG loader's shrink-on-load; other loaders decode at full size.
static inline int gd_thumbnail_buffer_untagged(void *buffer, size_t length, VipsImage **out, int width,
    int jpegShrink) {
    VipsImage *loaded = jpegShrink > 1
        ? vips_image_new_from_buffer(buffer, length, "", "access", VIPS_ACCESS_SEQUENTIAL,
            "fail_on", VIPS_FAIL_ON_ERROR, "shrink", jpegShrink, NULL)
        : vips_image_new_from_buffer(buffer, length, "", "access", VIPS_ACCESS_SEQUENTIAL,
            "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (!loaded) return -1;
    VipsImage *untagged = NULL;
    int status = vips_copy(loaded, &untagged, NULL);
    g_object_unref(loaded);
    if (status) return -1;
    vips_image_remove(untagged, VIPS_META_ICC_NAME);
    status = vips_thumbnail_image(untagged, out, width,
        "height", VIPS_MAX_COORD, "size", VIPS_SIZE_DOWN, NULL);
    g_object_unref(untagged);
    return status;
}

/// The bytes of one of libvips' built-in profiles ("srgb", "cmyk", "p3"), for tests.
static inline int gd_profile_load(const char *name, VipsBlob **profile) {
    return vips_profile_load(name, profile, NULL);
}

/// Fits an in-memory image inside a `width`×`height` box (for placeholders).
static inline int gd_thumbnail_image_box(VipsImage *in, VipsImage **out, int width, int height) {
    return vips_thumbnail_image(in, out, width,
        "height", height, "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL);
}

static inline int gd_cast_uchar(VipsImage *in, VipsImage **out) {
    return vips_cast(in, out, VIPS_FORMAT_UCHAR, NULL);
}

static inline int gd_colourspace(VipsImage *in, VipsImage **out, VipsInterpretation space) {
    return vips_colourspace(in, out, space, NULL);
}

static inline int gd_flatten_white(VipsImage *in, VipsImage **out) {
    double white[3] = {255, 255, 255};
    VipsArrayDouble *background = vips_array_double_new(white, 3);
    int result = vips_flatten(in, out, "background", background, NULL);
    vips_area_unref(VIPS_AREA(background));
    return result;
}

static inline int gd_extract_band(VipsImage *in, VipsImage **out, int band, int n) {
    return vips_extract_band(in, out, band, "n", n, NULL);
}

static inline int gd_copy(VipsImage *in, VipsImage **out) {
    return vips_copy(in, out, NULL);
}

static inline int gd_jpegsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality, int progressive) {
    return vips_jpegsave_buffer(in, buffer, length,
        "Q", quality, "optimize_coding", TRUE, "interlace", progressive, NULL);
}

static inline int gd_webpsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality, int effort) {
    return vips_webpsave_buffer(in, buffer, length, "Q", quality, "effort", effort, NULL);
}

static inline int gd_avifsave_buffer(VipsImage *in, void **buffer, size_t *length, int quality, int effort) {
    return vips_heifsave_buffer(in, buffer, length, "Q", quality, "effort", effort,
        "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, NULL);
}

static inline int gd_pngsave_buffer(VipsImage *in, void **buffer, size_t *length) {
    return vips_pngsave_buffer(in, buffer, length, NULL);
}

static inline int gd_tiffsave_buffer(VipsImage *in, void **buffer, size_t *length) {
    return vips_tiffsave_buffer(in, buffer, length, NULL);
}

static inline int gd_gifsave_buffer(VipsImage *in, void **buffer, size_t *length) {
    return vips_gifsave_buffer(in, buffer, length, NULL);
}

/// Mean of all pixels; decodes every pixel, so it fails on truncated data.
static inline int gd_avg(VipsImage *in, double *out) {
    return vips_avg(in, out, NULL);
}

static inline int gd_getpoint(VipsImage *in, double **vector, int *n, int x, int y) {
    return vips_getpoint(in, vector, n, x, y, NULL);
}

static inline int gd_text(VipsImage **out, const char *text, const char *font, int width, int dpi) {
    return vips_text(out, text, "font", font, "width", width, "dpi", dpi, "rgba", TRUE, NULL);
}

static inline int gd_composite2_over(VipsImage *base, VipsImage *overlay, VipsImage **out, int x, int y) {
    return vips_composite2(base, overlay, out, VIPS_BLEND_MODE_OVER, "x", x, "y", y, NULL);
}

static inline int gd_icc_transform(VipsImage *in, VipsImage **out, const char *profile) {
    return vips_icc_transform(in, out, profile, "input_profile", "srgb", "intent", VIPS_INTENT_RELATIVE, NULL);
}

static inline const char *gd_image_loader(VipsImage *image) {
    const char *loader = NULL;
    if (vips_image_get_string(image, "vips-loader", &loader) != 0) return NULL;
    return loader;
}

static inline int gd_image_has_field(VipsImage *image, const char *name) {
    return vips_image_get_typeof(image, name) != 0;
}

/* The calling thread's id, for a per-thread nice value (gettid(2); glibc's wrapper is not
 * visible to Swift). */
static inline pid_t gd_thread_id(void) {
    return (pid_t)syscall(SYS_gettid);
}

#endif
