/* Multiboot v1 entry: the header, bss zeroed, the boot stack, kmain(magic,
 * info). The boot stack is also the scheduler's stack later (proc.c). */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003          /* page-align modules, want memory info */

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .section .bss
    .align 16
boot_stack:
    .skip 16384
boot_stack_top:

    .section .text
    .globl _start
_start:
    cli
    cld
    mov %eax, %edx                  /* Multiboot magic; EBX: the info block */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl
    mov $boot_stack_top, %esp
    push %ebx
    push %edx
    call kmain
1:  cli
    hlt
    jmp 1b
