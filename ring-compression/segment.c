/* Descriptor decoding and segment-load checks (see segment.h). The order of
 * the checks is the SDM's: type and privilege first (#GP), presence last
 * (#NP, or #SS for SS). */
#include "ring-compression/segment.h"

void seg_from_descriptor(struct segment *s, uint16_t sel, const uint32_t d[2])
{
    s->selector = sel;
    s->base = (d[0] >> 16) | ((d[1] & 0xff) << 16) | (d[1] & 0xff000000u);
    s->limit = (d[0] & 0xffff) | (d[1] & 0x000f0000u);
    s->attrib = (d[1] >> 8) & 0xf0ff;
    if (s->attrib & SEG_ATTR_G)
        s->limit = (s->limit << 12) | 0xfff;
}

static bool fail(struct seg_fault *f, int vector, uint16_t sel)
{
    f->vector = vector;
    f->error_code = sel & 0xfffc;
    return false;
}

bool seg_check_load(const struct vcpu *v, int sreg, uint16_t sel, const uint32_t d[2],
                    struct seg_fault *f)
{
    uint32_t attr = (d[1] >> 8) & 0xf0ff;
    unsigned dpl = (attr >> 5) & 3, rpl = sel & 3, cpl = v->cpl;
    bool system = !(attr & SEG_ATTR_S);
    bool code = attr & SEG_ATTR_TYPE_CODE;
    bool conforming = code && (attr & SEG_ATTR_TYPE_ED);   /* type bit 2: C for code */
    bool readable_or_writable = attr & 2;                  /* R for code, W for data */

    if (sreg == S_SS) {
        if (system || code || !readable_or_writable || rpl != cpl || dpl != cpl)
            return fail(f, 13, sel);
        if (!(attr & SEG_ATTR_P))
            return fail(f, 12, sel);
    } else if (sreg == S_CS) {
        if (system || !code)
            return fail(f, 13, sel);
        if (conforming ? dpl > cpl : (rpl > cpl || dpl != cpl))
            return fail(f, 13, sel);
        if (!(attr & SEG_ATTR_P))
            return fail(f, 11, sel);
    } else {
        if (system || (code && !readable_or_writable))
            return fail(f, 13, sel);
        if ((!code || !conforming) && (rpl > dpl || cpl > dpl))
            return fail(f, 13, sel);
        if (!(attr & SEG_ATTR_P))
            return fail(f, 11, sel);
    }
    return true;
}
