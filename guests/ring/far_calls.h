/* The GDT layout and the assembly entry points of far_calls (far_calls.c,
 * far_calls_asm.S): one header so that the selectors typed as immediates
 * in the assembly (JMP ptr16:32) and the descriptors built in C agree.
 * Entries start at GDT_FIRST_FREE (6) of the kit's GDT (guests/lib/pm.h). */
#ifndef FAR_CALLS_H
#define FAR_CALLS_H

#define FC_KCODE2    0x30   /* DPL0 code, flat, nonconforming: an alias of SEL_KCODE */
#define FC_CONF0     0x38   /* DPL0 code, flat, conforming, readable */
#define FC_LOW32     0x40   /* DPL0 code, 32-bit, base far_low_base, limit 0xffff */
#define FC_LOW16     0x48   /* DPL0 code, 16-bit (D = 0), same base and limit */
#define FC_GATE3_P0  0x50   /* call gate DPL3 -> SEL_KCODE:fc_gate_p0, 0 params */
#define FC_GATE3_P3  0x58   /* call gate DPL3 -> SEL_KCODE:fc_gate_p3, 3 params */
#define FC_GATE0     0x60   /* call gate DPL0 -> SEL_KCODE:fc_gate_p0 */
#define FC_GATE2     0x68   /* call gate DPL2 -> SEL_KCODE:fc_gate_k (CPL0 target) */
#define FC_GATE3_NP  0x70   /* call gate DPL3, not present */
#define FC_GATE3_U   0x78   /* call gate DPL3 -> SEL_UCODE:fc_gate_u, 3 params (same level) */
#define FC_GATE3_SEG 0x80   /* call gate DPL3 -> SEL_KCODE:fc_gate_segs, 0 params */
#define FC_GATE3_UJ  0x88   /* call gate DPL3 -> SEL_UCODE:fc_ujmp_target (JMP, same level) */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Labels (far_calls_asm.S). */
extern char far_low_base[], far_low_end[];
extern char fc_gate_p0[], fc_gate_p3[], fc_gate_k[], fc_gate_u[], fc_gate_segs[], fc_ujmp_target[];
extern char fc_far_target[], fc_ret_ptr32[], fc_ret_m32[], fc_jmp_back[], fc_kgate2_ret[];
extern char fc_o16_ret[], fc_o16m_ret[], fc_based_eip[];
extern char fc_uconf_ret[], fc_ucall_p0_ret[], fc_ucall_p3_ret[], fc_ucall_u_ret[];
extern char fc_ugp_call[], fc_ugp_jmp[], fc_ugate0[], fc_ugate_np[], fc_ujmp_gate[];
extern char fc_krpl_gate[], fc_krpl_code[];

/* CPL0, same level. */
void fc_k_jmp(void);            /* JMP ptr16:32 to FC_KCODE2, JMP m16:32 back */
void fc_k_call_ptr(void);       /* CALL ptr16:32 FC_KCODE2:fc_far_target */
void fc_k_call_mem(void);       /* CALL m16:32, same target */
void fc_k_based(void);          /* CALL into FC_LOW32, whose base is far_low_base */
void fc_k_far16(void);          /* JMP/CALL ptr16:16 and RET (o16) in FC_LOW32 */
void fc_k_far16m(void);         /* CALL m16:16 */
void fc_k_code16(void);         /* CALL into the 16-bit FC_LOW16 */
void fc_k_gate2(void);          /* CALL through FC_GATE2 with RPL 0 */
void fc_k_gate2_rpl3(void);     /* ... with RPL 3: #GP(gate) */
void fc_k_code_rpl3(void);      /* CALL FC_KCODE2 with RPL 3: #GP(sel) */

/* CPL3 (through pm_run_user). */
uint32_t fc_u_conforming(uint32_t);
uint32_t fc_u_call_p0(uint32_t);
uint32_t fc_u_call_p3(uint32_t);
uint32_t fc_u_call_same(uint32_t);
uint32_t fc_u_jmp_same(uint32_t);
uint32_t fc_u_segs(uint32_t);
uint32_t fc_u_gp_call(uint32_t);
uint32_t fc_u_gp_jmp(uint32_t);
uint32_t fc_u_gate0(uint32_t);
uint32_t fc_u_gate_np(uint32_t);
uint32_t fc_u_jmp_gate(uint32_t);

/* What the code above saw: fc_rec[i] named by the FR_ indices. */
extern uint32_t fc_rec[32];
#endif

/* fc_rec indices (byte offset = 4 * index in the assembly). */
#define FR_ESP_BEFORE 0     /* caller's ESP before the call (and its pushes) */
#define FR_ESP_AFTER  1     /* caller's ESP after the return */
#define FR_CS_AFTER   2     /* caller's CS after the return */
#define FR_T_ESP      3     /* ESP on entry to the target */
#define FR_T_SS       4     /* SS in the target */
#define FR_T_CS       5     /* CS in the target */
#define FR_T_FRAME    6     /* 7 dwords from the target's ESP: FR_T_FRAME..+6 */
#define FR_ESP_PARAMS 13    /* caller's ESP after pushing the parameters */
#define FR_DS         14    /* segment registers after the return */
#define FR_ES         15
#define FR_FS         16
#define FR_GS         17
#define FR_SS_AFTER   18
#define FR_X          19    /* test-specific */
#define FR_Y          20

#endif
