/*
 * vm/sv57: Sv57 paging in S and U mode (see priv-common/vm_body.h).
 */
#define LEVELS 5
#define SATP_MODE SATP_SV57
#include "../priv-common/vm_body.h"
