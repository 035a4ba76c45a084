/*
 * Compressed (C extension) instructions, RV64 forms (unpriv. spec ch. 16).
 *
 * The decoder expands each 16-bit instruction to the 32-bit instruction it
 * stands for and decodes that through the one instruction table, so
 * compressed instructions need no rows and no handlers of their own (the
 * decoded insn keeps len = 2, which jal/jalr use for the link value).
 */
#ifndef RIVET_RVC_H
#define RIVET_RVC_H

#include <stdint.h>

#include "cpu/isa.h"

/* Compressed forms beyond C's own, as flags of rvc_expand. */
#define RVC_ZCB     0x1u /* c.lbu, c.lh(u), c.sb, c.sh, c.zext.b, c.zext.w, c.not, c.mul */
#define RVC_ZCB_ZBB 0x2u /* c.sext.b, c.zext.h, c.sext.h: Zcb with Zbb */
#define RVC_ZCMOP   0x4u /* c.mop.N */
#define RVC_ALL     (RVC_ZCB | RVC_ZCB_ZBB | RVC_ZCMOP)

/* The flags for a machine with the ISA *isa. */
unsigned rvc_flags(const struct isa_set *isa);

/* Returns the 32-bit encoding that the compressed instruction c stands for,
 * or 0 when c is illegal or reserved (including the all-zero instruction and
 * any c whose low two bits are 11, which is not compressed), or belongs to an
 * extension that `ext` (RVC_* flags) leaves out. HINT encodings expand to a
 * valid instruction with no architectural effect. The expansion's row is
 * then gated like any 32-bit instruction (cpu/decode.h). Pure function,
 * callable from any thread. */
uint32_t rvc_expand(uint16_t c, unsigned ext);

#endif
