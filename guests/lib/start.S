/* Multiboot v1 entry of every test guest: the header QEMU's -kernel and bt386
 * look for, a stack, and a call to main(); main's return value leaves
 * through isa-debug-exit so a guest can't forget to report. */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003          /* page-align modules, want memory info */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
stack_bottom:
    .skip 65536
stack_top:

    .section .text
    .globl _start
_start:
    mov $stack_top, %esp
    mov %eax, mb_magic
    mov %ebx, mb_info
    cld
    call guest_main_wrapper
1:  hlt
    jmp 1b

    .section .data
    .globl mb_magic, mb_info
mb_magic: .long 0
mb_info:  .long 0
