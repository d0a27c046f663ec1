# MMIO routing (pf_mmio.c): accesses to bt386's MMIO test device
# (devices/testdev.c, physical 0xfe000000) with paging off and on. QEMU has
# no such device, so bt386 runs the guest alone (bt386_guest_test_alone);
# it must fail when bt386 hands every MMIO access over a byte at a time.
bt386_add_guest(pf_mmio pf_mmio.c ${GUEST_PM_SOURCES} ${GUEST_LIB_DIR}/paging.c)
bt386_guest_test_alone(pf_mmio)
bt386_guest_test_alone(pf_mmio --debug-break mmio-width)
