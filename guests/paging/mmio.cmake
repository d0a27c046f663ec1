# MMIO routing (pf_mmio.c): accesses to bt386's MMIO test device
# (devices/testdev.c, physical 0xfe000000) with paging off and on. QEMU has
# no such device, so there is no QEMU half: bt386 runs the guest alone and
# must exit with status 1 (main returned 0) and print no FAIL line, in the
# direct mode and with --no-direct (as guest.hostile_limits in
# guests/ring/hostile.cmake).
bt386_add_guest(pf_mmio pf_mmio.c ${GUEST_PM_SOURCES} ${GUEST_LIB_DIR}/paging.c)
foreach(variant bt386 bt386-shadowmap)
  set(extra "")
  if(variant STREQUAL bt386-shadowmap)
    set(extra --no-direct)
  endif()
  add_test(NAME guest.pf_mmio.${variant}
    COMMAND sh -c "out=$(timeout 120 \"$@\" </dev/null); rc=$?; printf '%s\\n' \"$out\"; \
[ $rc = 1 ] || { echo \"--- exit status $rc, want 1\"; exit 1; }; \
! printf '%s\\n' \"$out\" | grep -q '^FAIL'"
            sh $<TARGET_FILE:bt386> ${extra} ${CMAKE_BINARY_DIR}/guests/pf_mmio.elf)
  set_tests_properties(guest.pf_mmio.${variant} PROPERTIES TIMEOUT 150)
endforeach()
# ...and fails when bt386 hands every MMIO access over a byte at a time.
add_test(NAME guest.pf_mmio.broken-mmio-width
  COMMAND sh -c "out=$(timeout 60 \"$@\" </dev/null); rc=$?; printf '%s\\n' \"$out\"; \
[ $rc = 1 ] || exit 1; ! printf '%s\\n' \"$out\" | grep -q '^FAIL'"
          sh $<TARGET_FILE:bt386> --debug-break mmio-width ${CMAKE_BINARY_DIR}/guests/pf_mmio.elf)
set_tests_properties(guest.pf_mmio.broken-mmio-width PROPERTIES WILL_FAIL TRUE TIMEOUT 120)
