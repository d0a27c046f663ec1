/* Segment limits (SDM vol. 3A 5.3, 6.15 #GP/#SS): an access any byte of
 * which lies beyond a segment's limit faults before anything is written,
 * #GP(0) through DS/ES/FS/GS, #SS(0) through SS; an expand-down segment's
 * valid offsets are those above the limit; a code segment's limit bounds
 * both jump targets and the last byte of each instruction (#GP(0)).
 * A byte-granular data segment of limit 0xfff over a 4 KiB buffer:
 *   - 4 bytes at 0xffc load, at 0xffd/0xffe/0xfff #GP(0), via each of
 *     DS, ES, FS, GS, at CPL0 and CPL3; 2 bytes at 0xffe load, at 0xfff
 *     #GP(0); 1 byte at 0xfff loads, at 0x1000 #GP(0);
 *   - a 4-byte store at 0xffe: #GP(0), and the bytes below the limit are
 *     unchanged;
 *   - as SS at CPL3: PUSH with ESP = 0x1000 works, with 0x1002 #SS(0)
 *     (ESP unchanged in the frame); POP with ESP = 0xffc works, 0xffe
 *     #SS(0); MOV EAX, [EBP] with EBP = 0xffe #SS(0);
 *   - expand-down, limit 0xfff: 0x1000 loads, 0xfff and 4 bytes at 0xffe
 *     #GP(0).
 * Code segments of limit 0xf: RET FAR from within works; JMP to 0x22
 *     #GP(0) with EIP on the JMP; an instruction at 0xc..0x10 #GP(0).
 *
 * QEMU 7.2 checks none of these limits (it computes base + offset and
 * accesses it; it runs a near JMP's target and an instruction's last byte
 * past CS.limit), so this guest is not a QEMU comparison: the SDM is the
 * reference, and ctest runs it under bt386 alone, expecting exit status 1
 * (main returned 0) and no FAIL line (guests/ring/hostile.cmake). */
#include "sens_common.h"

extern uint32_t hl_sel;
uint32_t hl_read4_ds(uint32_t), hl_read4_es(uint32_t), hl_read4_fs(uint32_t), hl_read4_gs(uint32_t);
uint32_t hl_read1(uint32_t), hl_read2(uint32_t), hl_write4(uint32_t);
uint32_t hl_push(uint32_t), hl_pop(uint32_t), hl_ebp_read(uint32_t), hostile_far_call(uint32_t);
extern char hl_read4_ds_insn[], hl_read4_es_insn[], hl_read4_fs_insn[], hl_read4_gs_insn[];
extern char hl_read1_insn[], hl_read2_insn[], hl_write4_insn[], hl_push_insn[], hl_pop_insn[],
    hl_ebp_read_insn[];
extern uint8_t hl_code_fits[], hl_code_jump[], hl_code_straddle[];

/* The segments cover the first 4 KiB; the second is a guard, so that an
 * access a CPU wrongly lets through past the limit lands in the guest's
 * own memory (QEMU does that). */
static uint8_t buf[8192] __attribute__((aligned(4096)));

#define ACC_DATA_DOWN 0x96      /* present, DPL0, data, writable, expand-down */

static void check_read(int cpl, sens_fn fn, const char *insn, uint32_t off, int faults, const char *what)
{
    struct sens_run r;
    sens_run(&r, cpl, 0x2, fn, off);
    if (faults)
        sens_check_fault(&r, 13, 0, (uint32_t)insn, "cpl%d: %s at %x, limit 0xfff: #GP(0)", cpl, what, off);
    else
        sens_check_none(&r, "cpl%d: %s at %x, limit 0xfff: loads", cpl, what, off);
}

static void test_data_limits(void)
{
    static const struct {
        sens_fn fn;
        const char *insn, *name;
    } regs[] = {
        { hl_read4_ds, hl_read4_ds_insn, "4 bytes via ds" }, { hl_read4_es, hl_read4_es_insn, "4 bytes via es" },
        { hl_read4_fs, hl_read4_fs_insn, "4 bytes via fs" }, { hl_read4_gs, hl_read4_gs_insn, "4 bytes via gs" },
    };
    for (int cpl = 0; cpl <= 3; cpl += 3) {
        hl_sel = pm_gdt_set(GDT_FIRST_FREE, (uint32_t)buf, 0xfff, ACC_DATA_W | ACC_DPL(cpl), FLG_BYTE_32) | cpl;
        for (unsigned i = 0; i < 4; i++) {
            check_read(cpl, regs[i].fn, regs[i].insn, 0xffc, 0, regs[i].name);
            for (uint32_t off = 0xffd; off <= 0xfff; off++)
                check_read(cpl, regs[i].fn, regs[i].insn, off, 1, regs[i].name);
        }
        check_read(cpl, hl_read2, hl_read2_insn, 0xffe, 0, "2 bytes");
        check_read(cpl, hl_read2, hl_read2_insn, 0xfff, 1, "2 bytes");
        check_read(cpl, hl_read1, hl_read1_insn, 0xfff, 0, "1 byte");
        check_read(cpl, hl_read1, hl_read1_insn, 0x1000, 1, "1 byte");

        memset(buf + 0xff8, 0x5a, 8);
        struct sens_run r;
        sens_run(&r, cpl, 0x2, hl_write4, 0xffe);
        sens_check_fault(&r, 13, 0, (uint32_t)hl_write4_insn, "cpl%d: 4-byte store at 0xffe, limit 0xfff: #GP(0)", cpl);
        CHECK(buf[0xffe] == 0x5a && buf[0xfff] == 0x5a, "cpl%d: ... and the 2 bytes below the limit are unchanged", cpl);
    }
}

static void test_stack_limits(void)
{
    hl_sel = pm_gdt_set(GDT_FIRST_FREE, (uint32_t)buf, 0xfff, ACC_DATA_W | ACC_DPL(3), FLG_BYTE_32) | 3;
    struct sens_run r;
    sens_run(&r, 3, 0x2, hl_push, 0x1000);
    sens_check_none(&r, "cpl3: push with ss limit 0xfff, esp 0x1000: writes 0xffc..0xfff");
    sens_run(&r, 3, 0x2, hl_push, 0x1002);
    sens_check_fault(&r, 12, 0, (uint32_t)hl_push_insn, "cpl3: push with esp 0x1002 (writes 0xffe..0x1001): #SS(0)");
    CHECK_EQ(r.f.esp, 0x1002, "cpl3: ... the frame's ESP is the one before the push");
    sens_run(&r, 3, 0x2, hl_pop, 0xffc);
    sens_check_none(&r, "cpl3: pop with esp 0xffc: reads 0xffc..0xfff");
    sens_run(&r, 3, 0x2, hl_pop, 0xffe);
    sens_check_fault(&r, 12, 0, (uint32_t)hl_pop_insn, "cpl3: pop with esp 0xffe: #SS(0)");
    sens_run(&r, 3, 0x2, hl_ebp_read, 0xffe);
    sens_check_fault(&r, 12, 0, (uint32_t)hl_ebp_read_insn, "cpl3: mov eax, [ebp] with ebp 0xffe: #SS(0)");
}

static void test_expand_down(void)
{
    /* Expand-down, B = 1: offsets 0x1000..0xffffffff are valid. The base
     * is put 4 KiB below buf so that offset 0x1000 is buf[0]. */
    hl_sel = pm_gdt_set(GDT_FIRST_FREE, (uint32_t)buf - 0x1000, 0xfff, ACC_DATA_DOWN, FLG_BYTE_32);
    check_read(0, hl_read4_ds, hl_read4_ds_insn, 0x1000, 0, "4 bytes, expand-down,");
    check_read(0, hl_read1, hl_read1_insn, 0xfff, 1, "1 byte, expand-down,");
    check_read(0, hl_read4_ds, hl_read4_ds_insn, 0xffe, 1, "4 bytes, expand-down,");
}

static void test_code_limits(void)
{
    uint8_t code_acc = ACC_CODE_R;
    uint16_t fits = pm_gdt_set(GDT_FIRST_FREE + 1, (uint32_t)hl_code_fits, 0xf, code_acc, FLG_BYTE_32);
    uint16_t jump = pm_gdt_set(GDT_FIRST_FREE + 2, (uint32_t)hl_code_jump, 0xf, code_acc, FLG_BYTE_32);
    uint16_t straddle = pm_gdt_set(GDT_FIRST_FREE + 3, (uint32_t)hl_code_straddle, 0xf, code_acc, FLG_BYTE_32);
    struct sens_run r;
    sens_run(&r, 0, 0x2, hostile_far_call, fits);
    sens_check_none(&r, "cpl0: code segment limit 0xf: code below it runs and returns far");
    CHECK_EQ(r.ret, 0x600d, "cpl0: ... with its value");
    sens_run(&r, 0, 0x2, hostile_far_call, jump);
    sens_check_fault(&r, 13, 0, 0, "cpl0: jmp to 0x22 in a code segment of limit 0xf: #GP(0), EIP on the jmp");
    CHECK(r.vector != SENS_NONE && r.f.cs == jump, "cpl0: ... in that code segment");
    sens_run(&r, 0, 0x2, hostile_far_call, straddle);
    sens_check_fault(&r, 13, 0, 0xc, "cpl0: an instruction at 0xc..0x10, limit 0xf: #GP(0), EIP on it");
    CHECK(r.vector != SENS_NONE && r.f.cs == straddle, "cpl0: ... in that code segment");
}

int main(void)
{
    pm_init();
    test_data_limits();
    test_stack_limits();
    test_expand_down();
    test_code_limits();
    return check_summary();
}
