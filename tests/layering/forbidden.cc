// Compiled with the include roots of the HTTP layer: a header of a higher layer (the vendors) must
// not be reachable, so this file must fail to compile.
#include "vendors/common/backend.h"
