/* Far control transfers between code segments and through call gates
 * (SDM vol. 3A 5.8, vol. 2A CALL/JMP, vol. 2B RET pseudo-code):
 *   - far JMP/CALL/RET at the same level, ptr16:32 and m16:32 forms: CS
 *     from the operand, CS:EIP pushed (8 bytes), RET far pops them;
 *   - a code segment with a nonzero base (3.4.5): EIP is an offset in it;
 *   - 16-bit operand size (0x66): JMP/CALL ptr16:16 and m16:16 push CS and
 *     IP (4 bytes), RET (o16) pops them; a D = 0 code segment defaults to
 *     16-bit operands;
 *   - a conforming DPL0 segment called or jumped to from CPL3 runs at CPL3
 *     (CS.RPL = CPL), no stack switch; a nonconforming DPL0 one faults
 *     #GP(selector), as does RPL > CPL;
 *   - call gates (5.8.5, 5.8.6): CPL3 -> DPL0 through a DPL3 gate switches
 *     to TSS ss0:esp0 and pushes SS, ESP, the param_count dwords copied in
 *     order, CS, EIP; RET n far to CPL3 releases n bytes on both stacks and
 *     nulls ES/FS/GS/DS holding data or nonconforming code with DPL < CPL;
 *     a gate to a same-level segment pushes CS:EIP only (nothing copied);
 *   - gate checks: gate DPL < CPL or < RPL -> #GP(gate), not present ->
 *     #NP(gate), JMP through a gate to a nonconforming segment of another
 *     level -> #GP(code selector). */
#include "pm.h"
#include "far_calls.h"
#include "far_try.h"

static int faults_user(uint32_t (*fn)(uint32_t))
{
    return far_faults_user(fn, 0x2);
}

static void expect_fault(int caught, uint32_t vector, uint32_t error, const char *eip, uint32_t cs,
                         const char *rule)
{
    CHECK(caught, "%s: faults", rule);
    CHECK_EQ(far_fault.vector, vector, "%s: vector %u", rule, vector);
    CHECK_EQ(far_fault.error_code, error, "%s: error code", rule);
    CHECK_EQ(far_fault.eip, (uint32_t)eip, "%s: EIP is the faulting instruction", rule);
    CHECK_EQ(far_fault.cs, cs, "%s: pushed CS", rule);
}

static void setup_gdt(void)
{
    uint32_t low = (uint32_t)far_low_base;
    pm_gdt_set(FC_KCODE2 >> 3, 0, 0xfffff, ACC_CODE_R, FLG_4K_32);
    pm_gdt_set(FC_CONF0 >> 3, 0, 0xfffff, 0x9e, FLG_4K_32);     /* type 0xe: conforming, readable */
    pm_gdt_set(FC_LOW32 >> 3, low, 0xffff, ACC_CODE_R, FLG_BYTE_32);
    pm_gdt_set(FC_LOW16 >> 3, low, 0xffff, ACC_CODE_R, 0);       /* D = 0 */
    pm_gdt_call_gate(FC_GATE3_P0 >> 3, SEL_KCODE, (uint32_t)fc_gate_p0, 3, 0);
    pm_gdt_call_gate(FC_GATE3_P3 >> 3, SEL_KCODE, (uint32_t)fc_gate_p3, 3, 3);
    pm_gdt_call_gate(FC_GATE0 >> 3, SEL_KCODE, (uint32_t)fc_gate_p0, 0, 0);
    pm_gdt_call_gate(FC_GATE2 >> 3, SEL_KCODE, (uint32_t)fc_gate_k, 2, 0);
    pm_gdt_call_gate(FC_GATE3_NP >> 3, SEL_KCODE, (uint32_t)fc_gate_p0, 3, 0);
    pm_gdt[FC_GATE3_NP >> 3] &= ~(1ull << 47);                   /* P = 0 */
    pm_gdt_call_gate(FC_GATE3_U >> 3, SEL_UCODE & ~3, (uint32_t)fc_gate_u, 3, 3);
    pm_gdt_call_gate(FC_GATE3_SEG >> 3, SEL_KCODE, (uint32_t)fc_gate_segs, 3, 0);
    pm_gdt_call_gate(FC_GATE3_UJ >> 3, SEL_UCODE & ~3, (uint32_t)fc_ujmp_target, 3, 0);
}

/* A same-level far CALL's frame and its RET far. */
static void check_same_level_call(uint32_t cs, uint32_t ret_eip, uint32_t caller_cs, const char *what)
{
    CHECK_EQ(fc_rec[FR_T_CS], cs, "%s: CS = the new selector", what);
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_BEFORE] - 8, "%s: no stack switch, 8 bytes pushed", what);
    CHECK_EQ(fc_rec[FR_T_FRAME], ret_eip, "%s: pushed EIP is the next instruction", what);
    CHECK_EQ(fc_rec[FR_T_FRAME + 1] & 0xffff, caller_cs, "%s: pushed CS is the caller's", what);
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE], "%s: ret far pops CS:EIP", what);
    CHECK_EQ(fc_rec[FR_CS_AFTER], caller_cs, "%s: ret far reloads the caller's CS", what);
}

static void test_same_level(void)
{
    fc_k_jmp();
    CHECK_EQ(fc_rec[FR_X], FC_KCODE2, "jmp ptr16:32 to another DPL0 code segment: CS = its selector");
    CHECK_EQ(fc_rec[FR_Y], SEL_KCODE, "jmp m16:32: CS = the pointer's selector");

    fc_k_call_ptr();
    check_same_level_call(FC_KCODE2, (uint32_t)fc_ret_ptr32, SEL_KCODE, "call ptr16:32, same level");
    fc_k_call_mem();
    check_same_level_call(FC_KCODE2, (uint32_t)fc_ret_m32, SEL_KCODE, "call m16:32, same level");
}

/* The 16-bit forms below run in segments based at far_low_base. */
static void test_based_code(void)
{
    fc_rec[FR_X] = fc_rec[FR_Y] = 0;
    fc_k_based();
    CHECK_EQ(fc_rec[FR_Y], FC_LOW32, "call ptr16:32 to a code segment with a nonzero base: CS = its selector");
    CHECK_EQ(fc_rec[FR_X], (uint32_t)fc_based_eip - (uint32_t)far_low_base,
             "code segment with a nonzero base: EIP is the offset from CS.base");
}

static void test_operand_size_16(void)
{
    uint32_t low = (uint32_t)far_low_base;
    fc_k_far16();
    CHECK_EQ(fc_rec[FR_Y], FC_LOW32, "jmp ptr16:16 (o16): reaches the 16-bit offset");
    CHECK_EQ(fc_rec[FR_T_CS], FC_LOW32, "call ptr16:16 (o16): CS = the new selector");
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_BEFORE] - 4, "call ptr16:16 (o16): pushes 2 + 2 bytes");
    CHECK_EQ(fc_rec[FR_T_FRAME], (uint32_t)FC_LOW32 << 16 | ((uint32_t)fc_o16_ret - low),
             "call ptr16:16 (o16): IP at [esp], CS at [esp+2]");
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE], "ret far (o16): pops IP and CS, 4 bytes");
    CHECK_EQ(fc_rec[FR_CS_AFTER], FC_LOW32, "ret far (o16): CS = the popped selector");

    fc_k_far16m();
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_BEFORE] - 4, "call m16:16 (o16): pushes 2 + 2 bytes");
    CHECK_EQ(fc_rec[FR_T_FRAME], (uint32_t)FC_LOW32 << 16 | ((uint32_t)fc_o16m_ret - low),
             "call m16:16 (o16): IP at [esp], CS at [esp+2]");
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE], "call m16:16 / ret far (o16): ESP restored");

    fc_rec[FR_X] = 0;
    fc_k_code16();
    CHECK_EQ(fc_rec[FR_X], 2, "16-bit code segment (D = 0): push moves 2 bytes; ret far o32 returns");
}

static void test_conforming(void)
{
    pm_run_user(fc_u_conforming, 0);
    CHECK_EQ(fc_rec[FR_T_CS], FC_CONF0 | 3, "call to a DPL0 conforming segment from CPL3: CPL stays 3 (CS.RPL = 3)");
    CHECK_EQ(fc_rec[FR_T_SS], SEL_UDATA, "call to a conforming segment: no stack switch (SS)");
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_BEFORE] - 8, "call to a conforming segment: no stack switch, CS:EIP pushed");
    CHECK_EQ(fc_rec[FR_T_FRAME], (uint32_t)fc_uconf_ret, "call to a conforming segment: pushed EIP");
    CHECK_EQ(fc_rec[FR_T_FRAME + 1] & 0xffff, SEL_UCODE, "call to a conforming segment: pushed CS");
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE], "ret far from a conforming segment: ESP restored");
    CHECK_EQ(fc_rec[FR_CS_AFTER], SEL_UCODE, "ret far from a conforming segment: CS = SEL_UCODE");
    CHECK_EQ(fc_rec[FR_X], FC_CONF0 | 3, "jmp to a DPL0 conforming segment from CPL3: CS.RPL = 3");

    expect_fault(faults_user(fc_u_gp_call), 13, FC_KCODE2, fc_ugp_call, SEL_UCODE,
                 "call to a nonconforming DPL0 segment from CPL3: #GP(sel)");
    expect_fault(faults_user(fc_u_gp_jmp), 13, FC_KCODE2, fc_ugp_jmp, SEL_UCODE,
                 "jmp to a nonconforming DPL0 segment from CPL3: #GP(sel)");
    expect_fault(far_faults(fc_k_code_rpl3), 13, FC_KCODE2, fc_krpl_code, SEL_KCODE,
                 "call to a nonconforming segment with RPL > CPL: #GP(sel)");
}

/* CPL3 -> CPL0 through a call gate and RET (n) far back. */
static void check_inner_call(int nparams, uint32_t ret_eip, const char *what)
{
    uint32_t caller_esp = nparams ? fc_rec[FR_ESP_PARAMS] : fc_rec[FR_ESP_BEFORE];
    uint32_t frame = 16 + 4 * (uint32_t)nparams;
    CHECK_EQ(fc_rec[FR_T_SS], pm_tss.tss.ss0, "%s: SS = TSS ss0", what);
    CHECK_EQ(fc_rec[FR_T_ESP], pm_tss.tss.esp0 - frame, "%s: ESP = TSS esp0 - %u", what, frame);
    CHECK_EQ(fc_rec[FR_T_CS], SEL_KCODE, "%s: CS = the gate's selector, CPL 0", what);
    CHECK_EQ(fc_rec[FR_T_FRAME], ret_eip, "%s: [esp] = return EIP", what);
    CHECK_EQ(fc_rec[FR_T_FRAME + 1] & 0xffff, SEL_UCODE, "%s: [esp+4] = caller's CS", what);
    static const uint32_t params[3] = { 0x33333333, 0x22222222, 0x11111111 };
    for (int i = 0; i < nparams; i++)
        CHECK_EQ(fc_rec[FR_T_FRAME + 2 + i], params[i], "%s: [esp+%d] = caller's [esp+%d] (copied in order)",
                 what, 8 + 4 * i, 4 * i);
    CHECK_EQ(fc_rec[FR_T_FRAME + 2 + nparams], caller_esp, "%s: then the caller's ESP", what);
    CHECK_EQ(fc_rec[FR_T_FRAME + 3 + nparams] & 0xffff, SEL_UDATA, "%s: then the caller's SS", what);
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE],
             nparams ? "%s: ret 12 far to CPL3 releases the params on both stacks"
                     : "%s: ret far to CPL3 restores the caller's ESP", what);
    CHECK_EQ(fc_rec[FR_SS_AFTER], SEL_UDATA, "%s: ret far to CPL3 restores SS", what);
    CHECK_EQ(fc_rec[FR_CS_AFTER], SEL_UCODE, "%s: ret far to CPL3 restores CS", what);
}

static void test_call_gates(void)
{
    pm_run_user(fc_u_call_p0, 0);
    check_inner_call(0, (uint32_t)fc_ucall_p0_ret, "call gate CPL3->0, 0 params");
    pm_run_user(fc_u_call_p3, 0);
    check_inner_call(3, (uint32_t)fc_ucall_p3_ret, "call gate CPL3->0, 3 params");

    pm_run_user(fc_u_segs, 0);
    CHECK_EQ(fc_rec[FR_DS], SEL_UDATA, "ret far to CPL3: DS with a DPL3 data segment kept");
    CHECK_EQ(fc_rec[FR_ES], 0, "ret far to CPL3: ES with a DPL0 data segment nulled");
    CHECK_EQ(fc_rec[FR_FS], FC_CONF0, "ret far to CPL3: FS with a DPL0 conforming code segment kept");
    CHECK_EQ(fc_rec[FR_GS], 0, "ret far to CPL3: GS with a DPL0 nonconforming code segment nulled");

    pm_run_user(fc_u_call_same, 0);
    CHECK_EQ(fc_rec[FR_T_CS], SEL_UCODE, "call gate to a same-level segment: CS = gate's selector, RPL = CPL");
    CHECK_EQ(fc_rec[FR_T_SS], SEL_UDATA, "call gate to a same-level segment: no stack switch (SS)");
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_PARAMS] - 8,
             "call gate to a same-level segment: CS:EIP pushed on the caller's stack, nothing copied");
    CHECK_EQ(fc_rec[FR_T_FRAME], (uint32_t)fc_ucall_u_ret, "call gate to a same-level segment: pushed EIP");
    CHECK_EQ(fc_rec[FR_T_FRAME + 2], 0x66666666, "call gate to a same-level segment: the params follow in place");
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE], "ret 12 far, same level: params released");

    pm_run_user(fc_u_jmp_same, 0);
    CHECK_EQ(fc_rec[FR_T_CS], SEL_UCODE, "jmp through a call gate to a same-level segment: CS = gate's selector");
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_BEFORE], "jmp through a call gate: pushes nothing");

    fc_k_gate2();
    CHECK_EQ(fc_rec[FR_T_CS], SEL_KCODE, "call gate DPL2 at CPL0, RPL 0: allowed, CS = gate's selector");
    CHECK_EQ(fc_rec[FR_T_ESP], fc_rec[FR_ESP_BEFORE] - 8, "call gate to a same-level segment at CPL0: no stack switch");
    CHECK_EQ(fc_rec[FR_T_FRAME], (uint32_t)fc_kgate2_ret, "call gate at CPL0: pushed EIP");
    CHECK_EQ(fc_rec[FR_ESP_AFTER], fc_rec[FR_ESP_BEFORE], "call gate at CPL0: ret far pops CS:EIP");

    expect_fault(faults_user(fc_u_gate0), 13, FC_GATE0, fc_ugate0, SEL_UCODE,
                 "call gate DPL < CPL: #GP(gate sel)");
    expect_fault(far_faults(fc_k_gate2_rpl3), 13, FC_GATE2, fc_krpl_gate, SEL_KCODE,
                 "call gate DPL < RPL: #GP(gate sel)");
    expect_fault(faults_user(fc_u_gate_np), 11, FC_GATE3_NP, fc_ugate_np, SEL_UCODE,
                 "call gate not present: #NP(gate sel)");
    expect_fault(faults_user(fc_u_jmp_gate), 13, SEL_KCODE, fc_ujmp_gate, SEL_UCODE,
                 "jmp through a call gate to a nonconforming segment of another level: #GP(code sel)");
}

int main(void)
{
    pm_init();
    setup_gdt();
    test_same_level();
    test_conforming();
    test_call_gates();
    test_based_code();
    test_operand_size_16();
    CHECK_EQ(pm_cpl(), 0, "back at CPL0");
    return check_summary();
}
