/* The user program (user/, built as a flat binary linked at USER_BASE),
 * embedded in the kernel image; proc_create copies it into each task's
 * own frames. USER_BIN is its path in the build tree (CMakeLists.txt). */
    .section .rodata
    .align 4096
    .globl user_img, user_img_end
user_img:
    .incbin USER_BIN
user_img_end:
