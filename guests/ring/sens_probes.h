/* The probes of sens_probes.S: uint32_t sens_X(uint32_t arg), and sens_X_at,
 * the address of the instruction under test (the EIP of its fault). */
#ifndef SENS_PROBES_H
#define SENS_PROBES_H

#include <stdint.h>

#define SENS_PROBE(name) uint32_t sens_##name(uint32_t); extern char sens_##name##_at[]
/* MOV Sreg, arg, then the caller's selector back; returns 0. */
SENS_PROBE(load_ds); SENS_PROBE(load_es); SENS_PROBE(load_fs); SENS_PROBE(load_gs); SENS_PROBE(load_ss);
/* PUSH arg, POP Sreg, then the caller's selector back; returns 0. */
SENS_PROBE(pop_ds); SENS_PROBE(pop_es); SENS_PROBE(pop_fs); SENS_PROBE(pop_gs); SENS_PROBE(pop_ss);
extern uint32_t sens_pop_esp;   /* ESP right before the last POP Sreg */
/* LxS ECX, [arg], the caller's selector back; returns the offset loaded
 * (LSS: ESP, its offset set to the current ESP first; returns 0). */
SENS_PROBE(lds); SENS_PROBE(les); SENS_PROBE(lfs); SENS_PROBE(lgs); SENS_PROBE(lss);
SENS_PROBE(set_fs);              /* MOV FS, arg (left loaded) */
SENS_PROBE(fs_read);             /* returns the dword at fs:arg */
SENS_PROBE(mov_cs);              /* MOV CS, AX: #UD */
SENS_PROBE(lldt);                /* LLDT arg */
SENS_PROBE(ltr);                 /* LTR arg */
SENS_PROBE(cli);                 /* CLI; returns EFLAGS after it */
SENS_PROBE(sti);                 /* STI; returns EFLAGS after it */
#undef SENS_PROBE

#endif
