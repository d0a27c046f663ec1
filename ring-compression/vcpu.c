/* vCPU creation, the reset state Multiboot specifies, and the EFLAGS and
 * segment helpers shared by the monitor and the callouts. */
#include "ring-compression/vcpu.h"
#include "common/panic.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

_Static_assert(sizeof(struct vcpu) <= VCPU_POLL, "struct vcpu must fit its first page");

struct vcpu *vcpu_create(void)
{
    /* The vCPU page, then the poll page translated code reads at
     * [r15 + VCPU_POLL] (vcpu.h). */
    struct vcpu *v = mmap(NULL, VCPU_POLL + 4096, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (v == MAP_FAILED)
        panic("out of memory for the vCPU");
    vcpu_reset(v);
    return v;
}

/* The copy a page-crossing access or a device store works on (vcpu.h):
 * outside struct vcpu, whose hot fields stay in few cache lines. */
static uint8_t bounce_buffer[VCPU_BOUNCE_BYTES] __attribute__((aligned(16)));

void vcpu_reset(struct vcpu *v)
{
    if (v->poll_armed)
        vcpu_arm_poll(v, false);
    memset(v, 0, sizeof *v);
    v->eflags = EFL_RSV1;
    v->exception = -1;
    /* FXSAVE image of a freshly initialised FPU: FCW 0x37f, MXCSR 0x1f80. */
    v->fpu_state[0] = 0x7f;
    v->fpu_state[1] = 0x03;
    v->fpu_state[24] = 0x80;
    v->fpu_state[25] = 0x1f;
    v->bounce = bounce_buffer;
}

void vcpu_destroy(struct vcpu *v)
{
    munmap(v, VCPU_POLL + 4096);
}

void vcpu_arm_poll(struct vcpu *v, bool armed)
{
    mprotect((uint8_t *)v + VCPU_POLL, 4096, armed ? PROT_NONE : PROT_READ);
}

uint32_t vcpu_get_eflags(const struct vcpu *v)
{
    return (v->eflags & ~EFL_IF) | (v->if_flag ? EFL_IF : 0) | EFL_RSV1;
}

void vcpu_set_eflags(struct vcpu *v, uint32_t value)
{
    /* Bits 3, 5, 15 and 22..31 are reserved as 0, bit 1 as 1. */
    value &= 0x003f7fd5;
    v->if_flag = (value & EFL_IF) != 0;
    v->eflags = (value & ~EFL_IF) | EFL_RSV1;
}

void vcpu_segment_changed(struct vcpu *v, int sreg)
{
    v->seg_base[sreg] = v->seg[sreg].base;
    v->seg_limit[sreg] = v->seg[sreg].limit;
}

bool vcpu_segment_is_flat(const struct vcpu *v, int sreg)
{
    const struct segment *s = &v->seg[sreg];
    bool expand_down = !(s->attrib & SEG_ATTR_TYPE_CODE) && (s->attrib & SEG_ATTR_TYPE_ED);
    return s->base == 0 && s->limit == 0xffffffff && !expand_down;
}

void vcpu_set_flat_segments(struct vcpu *v)
{
    /* Multiboot: CS a 32-bit read/execute code segment with offset 0 and
     * limit 0xFFFFFFFF; DS, ES, FS, GS, SS read/write data segments alike.
     * Selectors as QEMU's loader leaves them: 0x08 code, 0x10 data. */
    for (int s = 0; s < S_COUNT; s++) {
        struct segment *seg = &v->seg[s];
        seg->selector = s == S_CS ? 0x08 : 0x10;
        seg->base = 0;
        seg->limit = 0xffffffff;
        seg->attrib = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G |
                      (s == S_CS ? 0xb : 0x3);
        vcpu_segment_changed(v, s);
    }
    v->cr0 = 0x11;          /* PE | ET */
    v->cpl = 0;
}
