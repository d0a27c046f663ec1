/* The virtual CPU: everything the translated code and the monitor know about
 * one guest processor. The translation cache reads and writes this structure
 * through r15 (see monitor/tc_entry.S and ../shared/design/TRANSLATION.md), so
 * every field that emitted code touches has its offset generated below with
 * offsetof and checked at compile time — never typed twice.
 *
 * While guest code runs, the general registers live in host registers and the
 * arithmetic flags in host RFLAGS; `regs` and `eflags` are current only in the
 * monitor (after an exit or inside a callout).
 *
 *   struct vcpu *v = vcpu_create();
 *   v->regs[R_EAX] = 0x2BADB002; v->eip = entry;
 *   vcpu_set_flat_segments(v);
 */
#ifndef BT386_VCPU_H
#define BT386_VCPU_H

#include "common/types.h"

/* Register numbers in the IA-32 encoding order (ModRM reg field). */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
/* Segment registers in the encoding order (sreg field). */
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_COUNT };

/* EFLAGS bits (SDM vol. 1, 3.4.3). */
#define EFL_CF   (1u << 0)
#define EFL_RSV1 (1u << 1)     /* reads as 1 */
#define EFL_PF   (1u << 2)
#define EFL_AF   (1u << 4)
#define EFL_ZF   (1u << 6)
#define EFL_SF   (1u << 7)
#define EFL_TF   (1u << 8)
#define EFL_IF   (1u << 9)
#define EFL_DF   (1u << 10)
#define EFL_OF   (1u << 11)
#define EFL_IOPL (3u << 12)
#define EFL_NT   (1u << 14)
#define EFL_RF   (1u << 16)
#define EFL_VM   (1u << 17)
#define EFL_AC   (1u << 18)
#define EFL_VIF  (1u << 19)
#define EFL_VIP  (1u << 20)
#define EFL_ID   (1u << 21)
/* The bits that live in host RFLAGS while translated code runs. */
#define EFL_HOST_LIVE (EFL_CF | EFL_PF | EFL_AF | EFL_ZF | EFL_SF | EFL_OF | EFL_DF)

/* A segment register with its hidden (cached) descriptor part, as the CPU
 * keeps it: a later change of the descriptor table does not change it. */
struct segment {
    uint16_t selector;
    uint16_t pad;
    uint32_t base;
    uint32_t limit;      /* byte granular, already scaled by G */
    uint32_t attrib;     /* descriptor bits 40..55: type, S, DPL, P, AVL, L, D/B, G */
};

#define SEG_ATTR_P    (1u << 7)
#define SEG_ATTR_DB   (1u << 14)
#define SEG_ATTR_G    (1u << 15)
#define SEG_ATTR_TYPE_CODE (1u << 3)
#define SEG_ATTR_TYPE_ED   (1u << 2)   /* expand-down, data segments */
#define SEG_ATTR_S    (1u << 4)
#define SEG_ATTR_DPL(a) (((a) >> 5) & 3)

/* Control-register bits the monitor acts on (SDM vol. 3A, 2.5). */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)
#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE  (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)

/* Why the translation cache returned to the monitor (vcpu.exit_reason). */
enum tc_exit {
    TC_EXIT_BLOCK_END,   /* direct branch to a target not chained yet: exit_eip, exit_link */
    TC_EXIT_INDIRECT,    /* indirect branch missed the in-TC table: exit_eip */
    TC_EXIT_CALLOUT,     /* a callout asked to leave (exception, stop, SMC…): eip is current */
    TC_EXIT_MEMFAULT,    /* a direct-mode access faulted (code page, hole): redo exit_eip
                            through the shadow-map slow path */
};

struct vcpu {
    /* --- read and written by translated code; offsets in VCPU_OFF_* --- */
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags;           /* full EFLAGS; live bits only valid in the monitor */
    uint64_t host_rsp;         /* monitor stack pointer at TC entry */
    uint64_t scratch[4];       /* scratch slots for emitted sequences */
    uint32_t exit_reason;      /* enum tc_exit */
    uint32_t exit_eip;         /* guest EIP the exit wants to go to */
    uint64_t exit_link;        /* host address of the exit's patchable jmp, or 0 */
    uint32_t stop_request;     /* nonzero: a callout wants to leave the TC */
    uint32_t cur_eip;          /* guest EIP of the instruction in a callout */
    uint64_t slow_resume;      /* executable address just after the access's instruction */
    uint32_t callout_info;     /* argument a stub passes to its callout */
    uint32_t pad2;
    uint64_t callout_ret;      /* host return address of the current callout */
    uint64_t xr[3];            /* host r8, r9, r10 across a callout */
    uint64_t ibtc_hits;        /* counted in the TC (flag-free increments), with --stats */
    uint64_t blocks_executed;  /* likewise: block entries, with --stats */
    uint8_t if_flag;           /* the virtual EFLAGS.IF, a byte so CLI/STI are one MOV */
    uint8_t debug_no_fpu_restore; /* --debug-break fpu: callouts lose the guest FPU state */
    volatile uint8_t kick;     /* set by the kick signal: leave the TC soon (monitor/kick.c) */
    uint8_t pad1[5];
    uint64_t shadow_base;      /* struct shadow_map * for the current mode */
    uint64_t window;           /* guest physical 0 in the direct mode's 4 GiB window (r13) */
    uint64_t ibtc_table;       /* host address of the in-TC indirect table */
    uint64_t callout_entry;    /* tc_callout: saves the whole FPU state (FXSAVE) */
    uint64_t callout_light_entry; /* tc_callout_light: XMM0-7 and MXCSR only */
    uint64_t exit_entry;       /* tc_exit_to_monitor */
    uint64_t seg_base[S_COUNT];/* segment bases, zero-extended, for emitted adds */
    uint32_t seg_limit[S_COUNT];
    uint32_t pad0;
    uint64_t tsc_offset;       /* guest TSC - host TSC (WRMSR 0x10 moves it) */

    /* --- monitor-only state --- */
    uint32_t mode_key;         /* current translation mode (dbt/mode.h) */
    int exception;             /* pending guest exception vector, or -1 */
    uint32_t error_code;
    bool has_error_code;
    struct segment seg[S_COUNT];
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t gdtr_base, idtr_base;
    uint16_t gdtr_limit, idtr_limit;
    struct segment ldtr, tr;   /* hidden parts as LLDT/LTR/task switches load them */
    uint32_t dr[8];            /* DR0-DR3, (4, 5 unused), DR6, DR7 */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t mtrr[32];         /* MTRRs: stored, no effect (no caches to model) */
    bool event_soft;           /* the pending exception is INT n/INT3/INTO: gate DPL checked */
    bool event_ext;            /* …an external interrupt: EXT set in error codes */
    uint32_t pending_dr6;      /* #DB trap bits to deliver after the current instruction */
    bool shutdown;             /* triple fault: the guest is dead */
    bool ss_shadow;            /* the instruction was MOV SS/POP SS: no #DB until the next one */
    uint32_t key_hint;         /* KEY_HINT_VALID | the mode key a callout already knows */
    bool intr;                 /* the PIC asserts INTR (devices/irq.h, cpu_set_intr) */
    bool irq_shadow;           /* run one more instruction before taking an interrupt (STI, MOV SS) */
    bool poll_armed;           /* the poll page is inaccessible (vcpu_arm_poll) */
    bool smc_hit;              /* a C-side store rewrote the running block */
    bool smc_whole_page;       /* a store to code invalidates its whole page (monitor/run.c) */
    uint32_t cpl;
    bool halted;
    bool in_tc;                /* between tc_enter and its return (signals.c) */
    uint64_t last_tsc;         /* the guest's TSC never goes backwards (callout_rdtsc) */
    uint8_t fpu_state[512] __attribute__((aligned(16)));   /* FXSAVE image */
    /* A page-crossing access with paging on (dbt/callouts.c): the
     * instruction is redone alone (redo_alone), on a copy of its bytes in
     * bounce; a store's bytes are written back when it completes. */
    bool redo_alone;
    uint32_t writeback_la, writeback_size;
    bool writeback_user;
    uint8_t *bounce;           /* 1 KiB (vcpu_create): FXSAVE's 512 bytes fit */
};

#define VCPU_OFF(field) offsetof(struct vcpu, field)

#define VCPU_BOUNCE_BYTES 1024

/* A page after the vCPU's own that translated code reads right after a
 * guest STI or POPF at CPL 0 (the instructions that set IF inline) and
 * never uses the value of. Made inaccessible (vcpu_arm_poll) while an
 * interrupt waits for IF, it turns that read into a host fault that leaves
 * the translation cache at an instruction boundary (monitor/signals.c). */
#define VCPU_POLL 4096
void vcpu_arm_poll(struct vcpu *v, bool armed);
/* Marks vcpu.key_hint as set (mode keys use bits 0-21; 0 is a valid key). */
#define KEY_HINT_VALID (1u << 31)

struct vcpu *vcpu_create(void);
/* Back to the state of vcpu_create (a machine reset). */
void vcpu_reset(struct vcpu *v);
void vcpu_destroy(struct vcpu *v);
/* Flat 4 GiB code/data segments at CPL0, as Multiboot hands over. */
void vcpu_set_flat_segments(struct vcpu *v);
/* EFLAGS as the guest sees it (the IF byte merged in); valid in the monitor. */
uint32_t vcpu_get_eflags(const struct vcpu *v);
void vcpu_set_eflags(struct vcpu *v, uint32_t value);
/* Reload the emitted-code mirror (seg_base/seg_limit) of one segment. */
void vcpu_segment_changed(struct vcpu *v, int sreg);
/* Is sreg a flat segment: base 0, limit 4 GiB - 1, expand-up? */
bool vcpu_segment_is_flat(const struct vcpu *v, int sreg);

#endif
