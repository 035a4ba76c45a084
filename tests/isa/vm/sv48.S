/*
 * vm/sv48: Sv48 paging in S and U mode (see priv-common/vm_body.h).
 */
#define LEVELS 4
#define SATP_MODE SATP_SV48
#include "../priv-common/vm_body.h"
