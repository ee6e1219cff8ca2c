// Compiled with the include roots of the HTTP layer: its own headers are reachable.
#include "http/url.h"
