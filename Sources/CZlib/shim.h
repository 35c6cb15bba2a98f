// zlib (Debian's zlib1g-dev): the CRC-32 of ZIP entries (and, later, gzip answers).
#ifndef GALLERYD_CZLIB_SHIM_H
#define GALLERYD_CZLIB_SHIM_H

#include <zlib.h>

#endif
