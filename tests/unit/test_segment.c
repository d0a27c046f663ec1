/* Segment descriptors and load checks against the SDM (ring-compression/
 * segment.c): which descriptor each segment register accepts at which
 * privilege, with which fault, and the hidden part a load caches. */
#include "check.h"
#include "ring-compression/segment.h"

/* A descriptor from its fields (SDM vol. 3, figure 3-8). */
static void desc(uint32_t d[2], uint32_t base, uint32_t limit, unsigned access, unsigned flags)
{
    d[0] = (limit & 0xffff) | (base << 16);
    d[1] = ((base >> 16) & 0xff) | (access << 8) | (limit & 0xf0000) | (flags << 20) | (base & 0xff000000u);
}

static int load(unsigned cpl, int sreg, uint16_t sel, unsigned access, struct seg_fault *f)
{
    struct vcpu v = { .cpl = cpl };
    uint32_t d[2];
    desc(d, 0, 0xfffff, access, 0xc);
    f->vector = 0;
    return seg_check_load(&v, sreg, sel, d, f) ? 0 : f->vector;
}

int main(void)
{
    struct seg_fault f;
    /* access byte: P(80) DPL(60) S(10) type: data 0-7 (W=2, E=4), code 8-f (R=2, C=4) */
    CHECK(load(0, S_DS, 0x10, 0x93, &f) == 0, "DS: writable data, DPL 0, at CPL 0");
    CHECK(load(0, S_DS, 0x13, 0x93, &f) == 13 && f.error_code == 0x10, "DS: RPL 3 > DPL 0 -> #GP(sel)");
    CHECK(load(3, S_DS, 0x13, 0x93, &f) == 13, "DS: CPL 3 > DPL 0 -> #GP");
    CHECK(load(3, S_DS, 0x13, 0xf3, &f) == 0, "DS: DPL 3 data at CPL 3");
    CHECK(load(0, S_DS, 0x08, 0x99, &f) == 13, "DS: execute-only code -> #GP");
    CHECK(load(0, S_DS, 0x08, 0x9b, &f) == 0, "DS: readable code");
    CHECK(load(3, S_DS, 0x0b, 0x9f, &f) == 0, "DS: conforming readable code skips the privilege check");
    CHECK(load(0, S_DS, 0x10, 0x13, &f) == 11 && f.error_code == 0x10, "DS: not present -> #NP(sel)");
    CHECK(load(0, S_DS, 0x10, 0x82, &f) == 13, "DS: a system descriptor (LDT) -> #GP");
    CHECK(load(0, S_SS, 0x10, 0x93, &f) == 0, "SS: writable data, RPL = DPL = CPL");
    CHECK(load(0, S_SS, 0x10, 0x91, &f) == 13, "SS: read-only data -> #GP");
    CHECK(load(0, S_SS, 0x13, 0x93, &f) == 13, "SS: RPL != CPL -> #GP");
    CHECK(load(3, S_SS, 0x13, 0x93, &f) == 13, "SS: DPL != CPL -> #GP");
    CHECK(load(0, S_SS, 0x10, 0x13, &f) == 12 && f.error_code == 0x10, "SS: not present -> #SS(sel)");
    CHECK(load(0, S_CS, 0x08, 0x9b, &f) == 0, "CS (far jump): non-conforming code, DPL = CPL");
    CHECK(load(0, S_CS, 0x10, 0x93, &f) == 13, "CS: data -> #GP");
    CHECK(load(3, S_CS, 0x0b, 0x9b, &f) == 13, "CS: non-conforming DPL 0 from CPL 3 -> #GP");
    CHECK(load(3, S_CS, 0x0b, 0x9f, &f) == 0, "CS: conforming DPL 0 from CPL 3");
    CHECK(load(0, S_CS, 0x08, 0x1b, &f) == 11, "CS: not present -> #NP");

    uint32_t d[2];
    struct segment s;
    desc(d, 0x12345678, 0xabcde, 0x93, 0xc);
    seg_from_descriptor(&s, 0x10, d);
    CHECK(s.base == 0x12345678 && s.limit == 0xabcdefff && (s.attrib & SEG_ATTR_G) && (s.attrib & SEG_ATTR_DB),
          "decode: base %08x, 4 KiB-granular limit %08x", s.base, s.limit);
    desc(d, 0x1000, 0xffff, 0x93, 0);
    seg_from_descriptor(&s, 0x10, d);
    CHECK(s.limit == 0xffff && !(s.attrib & SEG_ATTR_DB), "decode: byte-granular 16-bit segment");
    return check_summary();
}
