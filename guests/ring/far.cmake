# Far control transfers, task switches, fast system calls and the debug
# architecture (SDM vol. 3A 5.8, ch. 7, ch. 17; vol. 2 CALL/JMP/RET/IRET/
# SYSENTER/SYSEXIT): one guest per group of rules.
bt386_add_guest(far_calls far_calls.c far_calls_asm.S far_try.c ${GUEST_PM_SOURCES})
bt386_guest_test(far_calls)
bt386_add_guest(far_tasks far_tasks.c far_tasks_asm.S far_try.c ${GUEST_PM_SOURCES})
bt386_guest_test(far_tasks)
bt386_add_guest(far_sysenter far_sysenter.c far_sysenter_asm.S far_try.c ${GUEST_PM_SOURCES})
bt386_guest_test(far_sysenter)
bt386_add_guest(far_debug far_debug.c far_debug_asm.S far_try.c ${GUEST_PM_SOURCES})
bt386_guest_test(far_debug)
# The same through a 16-bit (80286) TSS.
bt386_add_guest(far_tasks16 far_tasks16.c ${GUEST_PM_SOURCES})
bt386_guest_test(far_tasks16)
