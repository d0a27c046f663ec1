/* The guest's descriptor tables as the CPU reads them: descriptors by
 * selector from the GDT or the LDT, the accessed and busy bits it writes
 * back, and segment-register loads with every protected-mode check (SDM
 * vol. 3A, 3.4-3.5 and 5.5-5.8). All accesses are implicit supervisor
 * accesses through the guest's linear address space. A function returning
 * false has raised the guest exception (raise_exception, dbt/callouts.h).
 *
 *   uint32_t d[2];
 *   switch (desc_fetch(v, sel, d)) { case DESC_OUTSIDE: return fault(v, 13, sel & ~3u); ... }
 *   if (!seg_load(v, S_DS, sel)) return false;
 */
#ifndef BT386_DESCRIPTORS_H
#define BT386_DESCRIPTORS_H

#include "ring-compression/vcpu.h"

enum desc_status {
    DESC_OK,
    DESC_OUTSIDE,       /* beyond the table's limit, or an LDT selector with no LDT */
    DESC_MEMFAULT,      /* reading the table faulted: that exception is raised */
};

/* System descriptor types (S = 0), SDM vol. 3A table 3-2. */
enum {
    DT_TSS16_AVAIL = 1, DT_LDT = 2, DT_TSS16_BUSY = 3, DT_CALL16 = 4, DT_TASK_GATE = 5,
    DT_INT16 = 6, DT_TRAP16 = 7, DT_TSS32_AVAIL = 9, DT_TSS32_BUSY = 11, DT_CALL32 = 12,
    DT_INT32 = 14, DT_TRAP32 = 15,
};

static inline unsigned desc_type(const uint32_t d[2]) { return (d[1] >> 8) & 0xf; }
static inline bool desc_is_system(const uint32_t d[2]) { return !(d[1] & (1u << 12)); }
static inline unsigned desc_dpl(const uint32_t d[2]) { return (d[1] >> 13) & 3; }
static inline bool desc_present(const uint32_t d[2]) { return d[1] & (1u << 15); }
static inline bool desc_is_code(const uint32_t d[2]) { return !desc_is_system(d) && (d[1] & (1u << 11)); }
static inline bool desc_conforming(const uint32_t d[2]) { return desc_is_code(d) && (d[1] & (1u << 10)); }
/* Byte-granular limit of a segment descriptor. */
uint32_t desc_limit(const uint32_t d[2]);
uint32_t desc_base(const uint32_t d[2]);

/* Raises vector with an error code; returns false, for `return fault(...)`. */
bool fault(struct vcpu *v, int vector, uint32_t error_code);

enum desc_status desc_fetch(struct vcpu *v, uint16_t sel, uint32_t d[2]);
/* Writes d[1] (the high dword) back to the table: accessed and busy bits. */
bool desc_store_high(struct vcpu *v, uint16_t sel, uint32_t d1);

/* MOV/POP sreg, LDS…: loads a data segment register or SS with the checks
 * of the current CPL. CS is loaded by far transfers (far.c). */
bool seg_load(struct vcpu *v, int sreg, uint16_t sel);
/* The same with the #GP of the checks replaced by gp_vector: a task
 * switch loads the new task's segments with #TS (CS included). */
bool seg_load_with(struct vcpu *v, int sreg, uint16_t sel, int gp_vector);
/* Loads CS's hidden part from a checked descriptor, RPL = new CPL. */
void seg_load_cs(struct vcpu *v, uint16_t sel, uint32_t d[2], unsigned cpl);
/* Returning to an outer level: DS, ES, FS, GS whose descriptors the new
 * CPL may not use become null (SDM RET/IRET "RETURN-TO-OUTER-PRIVILEGE"). */
void seg_null_inaccessible(struct vcpu *v);

/* Does the TSS (TR) let CPL > IOPL code access `size` ports from `port`?
 * Raises #GP(0) and returns false if not (SDM vol. 1, 19.5.2). */
bool io_permitted(struct vcpu *v, uint16_t port, unsigned size);

#endif
