# Sensitive and privileged instructions (SDM vol. 2 per instruction, vol. 3A
# 2.4-2.8, 5.9, vol. 1 19.5): one guest per group, each check at CPL0 and,
# where the rule depends on the CPL, at CPL3. sens_common.c and sens_probes.S
# are their shared helpers (run at a CPL, check a fault, labelled probes).
set(SENS_COMMON sens_common.c sens_probes.S ${GUEST_PM_SOURCES})
bt386_add_guest(sens_tables sens_tables.c ${SENS_COMMON})
bt386_guest_test(sens_tables)
bt386_add_guest(sens_lar sens_lar.c ${SENS_COMMON})
bt386_guest_test(sens_lar)
bt386_add_guest(sens_sreg sens_sreg.c ${SENS_COMMON})
bt386_guest_test(sens_sreg)
bt386_add_guest(sens_flags sens_flags.c ${SENS_COMMON})
bt386_guest_test(sens_flags)
bt386_add_guest(sens_priv sens_priv.c sens_priv_asm.S ${SENS_COMMON})
bt386_guest_test(sens_priv)
# Proof that sens_flags can fail: POPF that cannot change IF at CPL0.
bt386_guest_must_fail(sens_flags popf)
