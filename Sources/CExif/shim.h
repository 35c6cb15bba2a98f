// libexif needs <stddef.h> before its headers; the few macros galleryd needs are
// wrapped here because Swift cannot call function-like C macros.
#ifndef GALLERYD_CEXIF_SHIM_H
#define GALLERYD_CEXIF_SHIM_H

#include <stddef.h>
#include <stdlib.h>
#include <libexif/exif-data.h>
#include <libexif/exif-loader.h>
#include <libexif/exif-utils.h>
#include <libexif/exif-tag.h>
#include <libexif/exif-ifd.h>

static inline ExifEntry *gd_exif_get_entry(ExifData *data, ExifIfd ifd, ExifTag tag) {
    if (data == NULL || data->ifd[ifd] == NULL) return NULL;
    return exif_content_get_entry(data->ifd[ifd], tag);
}

static inline ExifContent *gd_exif_ifd(ExifData *data, ExifIfd ifd) {
    return data->ifd[ifd];
}

#endif
