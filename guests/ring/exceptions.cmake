# Exception and interrupt delivery (SDM vol. 3A, chapter 6), one guest per
# group of rules; all use the protected-mode kit (guests/lib/pm.h).
# The kit itself: #UD at CPL0 and CPL3, pm_run_user, pm_try, handlers.
bt386_add_guest(exc_kit exc_kit.c ${GUEST_PM_SOURCES})
bt386_guest_test(exc_kit)
# Integer exceptions: vector, error code, fault/trap EIP, frame, stack switch.
bt386_add_guest(exc_vectors exc_vectors.c exc_vectors_asm.S ${GUEST_PM_SOURCES})
bt386_guest_test(exc_vectors)
# x87/SSE: #NM (TS, EM, MP), the lazy FPU switch, #MF, #UD for SSE.
bt386_add_guest(exc_fpu exc_fpu.c exc_fpu_asm.S ${GUEST_PM_SOURCES})
bt386_guest_test(exc_fpu)
# Gates: interrupt vs trap, DPL, not present, IDT limit, 16-bit gates, IRET.
bt386_add_guest(exc_gates exc_gates.c exc_gates_asm.S ${GUEST_PM_SOURCES})
bt386_guest_test(exc_gates)
# Exceptions during delivery: #DF, serial delivery, #DF through a task gate.
bt386_add_guest(exc_nested exc_nested.c exc_nested_asm.S ${GUEST_PM_SOURCES})
bt386_guest_test(exc_nested)
# Triple fault on purpose: no ctest pair (QEMU resets); a CLI test must
# check that bt386 reports the guest shutdown and exits cleanly.
bt386_add_guest(exc_triple exc_triple.c)
