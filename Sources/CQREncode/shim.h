// libqrencode (Debian libqrencode-dev, 4.1.x), for PeerdexQR alone.
#ifndef PEERDEX_CQRENCODE_SHIM_H
#define PEERDEX_CQRENCODE_SHIM_H

#include <qrencode.h>

#endif
