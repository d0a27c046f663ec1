# Hostile guests (issue #4, item 7): every selector value, system calls
# through every kind of gate, code that jumps into instructions, data and
# random bytes, the 4 GiB wraparound, code that patches itself at CPL3 —
# each attempt must end in the exception a real CPU raises.
bt386_add_guest(hostile_selectors hostile_selectors.c hostile_selectors_asm.S ${GUEST_PM_SOURCES})
bt386_guest_test(hostile_selectors)
bt386_add_guest(hostile_syscalls hostile_syscalls.c hostile_syscalls_asm.S sens_common.c ${GUEST_PM_SOURCES})
bt386_guest_test(hostile_syscalls)
bt386_add_guest(hostile_code hostile_code.c hostile_code_asm.S hostile_far_asm.S ../tests/smc_asm.S
                sens_common.c ${GUEST_PM_SOURCES})
bt386_guest_test(hostile_code)

# Segment limits: QEMU 7.2 does not check data-segment limits, so the
# QEMU comparison cannot serve; the SDM is the reference and bt386 runs the
# guest alone (bt386_guest_test_alone, guests/CMakeLists.txt).
bt386_add_guest(hostile_limits hostile_limits.c hostile_limits_asm.S hostile_far_asm.S sens_common.c
                ${GUEST_PM_SOURCES})
bt386_guest_test_alone(hostile_limits)

# CPL3 fuzzing: random sequences single-stepped at CPL3 (fuzz_cpl3.c).
# cli.fuzz_cpl3 runs bt386 under strace for two counts (10,000 and 20,000
# sequences) and checks the exit status, that every host system call comes
# from the monitor's code and that their number does not grow with the
# count (tests/cli/fuzz_cpl3.py). With --no-direct the guest's rewrites of
# its code page cost no host call; in the direct mode (cli.fuzz_cpl3.direct)
# each costs the monitor a write-protection fault and mprotect calls. In
# both, rt_sigreturn may grow: guest exceptions that the host CPU raises
# for the translated instruction itself (IDIV overflow, a misaligned SSE
# operand, an unmasked x87 exception) arrive as host signals (~1 in 1,000
# random sequences; docs/next-steps.md).
bt386_add_guest(fuzz_cpl3 fuzz_cpl3.c fuzz_cpl3_asm.S ${GUEST_PM_SOURCES})
add_test(NAME cli.fuzz_cpl3
  COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/cli/fuzz_cpl3.py $<TARGET_FILE:bt386>
          ${CMAKE_BINARY_DIR}/guests/fuzz_cpl3.elf --count 20000 --timeout 100 --bt386-arg=--no-direct
          --may-grow rt_sigreturn)
add_test(NAME cli.fuzz_cpl3.direct
  COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/cli/fuzz_cpl3.py $<TARGET_FILE:bt386>
          ${CMAKE_BINARY_DIR}/guests/fuzz_cpl3.elf --count 10000 --seed 2 --timeout 100
          --may-grow mprotect --may-grow rt_sigreturn)
set_tests_properties(cli.fuzz_cpl3 cli.fuzz_cpl3.direct PROPERTIES TIMEOUT 240)
# The full run of 10^6 sequences: cmake --build BUILD --target fuzz_cpl3_full
# (or the script with --count 1000000).
add_custom_target(fuzz_cpl3_full
  COMMAND python3 ${PROJECT_SOURCE_DIR}/tests/cli/fuzz_cpl3.py $<TARGET_FILE:bt386>
          ${CMAKE_BINARY_DIR}/guests/fuzz_cpl3.elf --count 1000000 --timeout 7200 --bt386-arg=--no-direct
  DEPENDS bt386 fuzz_cpl3 USES_TERMINAL)
