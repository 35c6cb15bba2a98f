// Snowball's stemmers (Debian's libstemmer-dev): the German stemmer for search, the same
// algorithm as PostgreSQL's `german` text search configuration.
#ifndef GALLERYD_CSTEMMER_SHIM_H
#define GALLERYD_CSTEMMER_SHIM_H

#include <libstemmer.h>

#endif
