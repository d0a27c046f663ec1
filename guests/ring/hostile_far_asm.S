/* uint32_t hostile_far_call(uint32_t sel): CALL FAR sel:0 (through an
 * m16:32 in memory) into a code segment a hostile_*.c guest built; returns
 * the EAX that code leaves when it comes back with RET FAR. A cdecl
 * uint32_t fn(uint32_t), so it runs at CPL0 or through pm_run_user. */
    .data
    .balign 8
far_ptr:
    .long 0
    .word 0

    .text
    .globl hostile_far_call
hostile_far_call:
    mov 4(%esp), %eax
    movl $0, far_ptr
    mov %ax, far_ptr + 4
    lcall *far_ptr
    ret
