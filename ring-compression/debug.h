/* The debug architecture (SDM vol. 3A, chapter 17): EFLAGS.TF single-step,
 * DR0-DR3 instruction and data breakpoints under DR7, DR6 status. While any
 * of it is armed, the translation mode has MODE_STEP (dbt/mode.h): blocks of
 * one instruction, every access through C, so the run loop sees each
 * instruction boundary and every access is reported here.
 *
 *   if (dbg_instruction_breakpoint(v)) continue;     #DB fault raised
 *   ... run one instruction ...
 *   dbg_after_instruction(v, tf_before, rf_before);  #DB trap if due
 */
#ifndef BT386_DEBUG_H
#define BT386_DEBUG_H

#include "ring-compression/vcpu.h"

/* Before the instruction at CS:EIP: an enabled execute breakpoint on it
 * (and RF clear) raises #DB as a fault. */
bool dbg_instruction_breakpoint(struct vcpu *v);
/* A data access: matching read/write or write breakpoints are noted and
 * reported as a trap after the instruction. */
void dbg_data_access(struct vcpu *v, gva_t la, unsigned size, bool write);
/* After an instruction that completed: RF clears (unless the instruction
 * loaded it: IRET); a single-step (TF was set when it began) or noted data
 * breakpoint raises #DB as a trap, except right after MOV SS/POP SS, whose
 * shadow holds it until after the next instruction (v->ss_shadow). */
void dbg_after_instruction(struct vcpu *v, bool tf_before, bool rf_before);

#endif
