/* The system-call attempts of hostile_syscalls.c, each a cdecl
 * uint32_t fn(uint32_t) that runs at CPL0 (a call) or CPL3 (pm_run_user).
 * Labels on the instructions let the C side check the pushed EIP: a fault
 * while delivering INT n points at the INT itself, a delivered INT n
 * returns after it. */

    .text
/* uint32_t hsc_int80(uint32_t v): INT 0x80 with EAX = v; returns EAX as the
 * handler's IRET left it (the kit's stubs restore every register). */
    .globl hsc_int80, hsc_int80_insn, hsc_int80_after
hsc_int80:
    mov 4(%esp), %eax
hsc_int80_insn:
    int $0x80
hsc_int80_after:
    ret

/* SYSENTER (0F 34) and SYSCALL (0F 05): neither may complete here. */
    .globl hsc_sysenter
hsc_sysenter:
    sysenter
    ud2

    .globl hsc_syscall
hsc_syscall:
    .byte 0x0f, 0x05
    ud2

/* 256 entries of 3 bytes, entry n at hsc_int_table + 3 * n: INT n (CD n,
 * spelled out: GAS may write INT 3 as CC) and RET. */
    .globl hsc_int_table
hsc_int_table:
    .set n, 0
    .rept 256
    .byte 0xcd, n, 0xc3
    .set n, n + 1
    .endr
