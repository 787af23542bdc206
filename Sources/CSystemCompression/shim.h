// bzip2 and lzma/xz decoders from the system libraries (Debian: libbz2-dev, liblzma-dev).
// No Swift package mirrored for this project covers them; compress-nio covers zlib only.
#include <bzlib.h>
#include <lzma.h>
