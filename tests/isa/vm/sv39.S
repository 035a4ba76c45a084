/*
 * vm/sv39: Sv39 paging in S and U mode (see priv-common/vm_body.h).
 */
#define LEVELS 3
#define SATP_MODE SATP_SV39
#include "../priv-common/vm_body.h"
