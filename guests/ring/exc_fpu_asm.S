/* The x87/SSE instructions of exc_fpu.c, each a C-callable
 * uint32_t NAME(uint32_t) that runs at CPL0 or CPL3 (pm_run_user) with the
 * instruction under test at NAME_at. A case that runs through returns
 * 0x600d. */
    .macro CASE name
    .text
    .globl \name, \name\()_at
\name:
    .endm

    .data
    .globl fpu_result, fpu_cw_zm
fpu_result: .long 0
fpu_zero:   .long 0                 /* 0.0f */
fpu_cw_zm:  .word 0x037b            /* FCW default with ZM (bit 2) clear: #Z unmasked */

/* One x87 instruction; FSTP pops what it pushed when it runs through. */
    CASE x87_fld1
x87_fld1_at:
    fld1
    fstp %st(0)
    mov $0x600d, %eax
    ret

/* One SSE instruction (the compiler never keeps anything in XMM0). */
    CASE sse_addps
sse_addps_at:
    addps %xmm0, %xmm0
    mov $0x600d, %eax
    ret

    CASE x87_fwait
x87_fwait_at:
    fwait
    mov $0x600d, %eax
    ret

/* The lazy-FPU case: the kernel left 2.5 in ST(0); FLD1 (the first FPU
 * instruction after CR0.TS was set), FADDP, FSTP m32fp: 3.5. */
    CASE lazy_add
lazy_add_at:
    fld1
    faddp
    fstps fpu_result
    mov $0x600d, %eax
    ret

/* 1.0 / 0.0 with #Z unmasked: the exception is pending after FDIV and is
 * reported (#MF) on the next waiting instruction, the FWAIT. */
    CASE mf_fwait
    fninit
    fldcw fpu_cw_zm
    fld1
    fdivs fpu_zero
mf_fwait_at:
    fwait
    fstp %st(0)
    mov $0x600d, %eax
    ret

/* The same with #Z masked (FNINIT's control word): +inf, no #MF. */
    CASE mf_masked
    fninit
    fld1
    fdivs fpu_zero
mf_masked_at:
    fwait
    fstps fpu_result
    mov $0x600d, %eax
    ret

/* Unmasked #Z, then FNCLEX (no wait) clears the pending exception:
 * the FWAIT after it does not fault. */
    CASE mf_fnclex
    fninit
    fldcw fpu_cw_zm
    fld1
    fdivs fpu_zero
    fnclex
mf_fnclex_at:
    fwait
    fninit
    mov $0x600d, %eax
    ret
