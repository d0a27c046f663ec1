/* Shadow map maintenance (see shadow.h). With paging off, guest linear
 * addresses are physical ones and every RAM page maps to host RAM; the
 * shadow-MMU issue adds the guest page-table walk behind shadow_resolve.
 *
 * Why unaligned accesses need no check in the emitted code while paging is
 * off: RAM is one contiguous host mapping, so an access that crosses from
 * page P into P+1 lands in the right bytes whenever P+1 is RAM too. An entry
 * for P is therefore filled only when P+1 is also RAM and, for writes, P+1
 * holds no translated code; the last page of RAM is always a slow path. */
#include "shadow-mmu/shadow.h"
#include "common/panic.h"

#include <string.h>
#include <sys/mman.h>

static struct shadow_map *map;
/* Two pages of 0xff: what a read of a guest-physical hole returns (an
 * access of up to 512 bytes, FXRSTOR, may run past the first page). */
static uint8_t open_bus[2 * GUEST_PAGE_SIZE] __attribute__((aligned(4096)));
static struct physmem *ram;

int shadow_init(struct physmem *pm)
{
    ram = pm;
    memset(open_bus, 0xff, sizeof open_bus);
    /* 32 MiB of tables, touched up front: first-touch faults cost ~20 us. */
    map = mmap(NULL, sizeof *map, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    return 0;
}

struct shadow_map *shadow_current(void)
{
    return map;
}

const struct physmem *shadow_physmem(void)
{
    return ram;
}

void shadow_flush(void)
{
    memset(map, 0, sizeof *map);
}

bool shadow_linear_to_phys(gva_t la, gpa_t *pa)
{
    *pa = la;
    return true;
}

static bool page_is_ram(uint64_t page)
{
    return (page + 1) * GUEST_PAGE_SIZE <= ram->size;
}

enum shadow_result shadow_resolve(gva_t la, unsigned size, bool write, bool user,
                                  uint64_t *addend, struct shadow_fault *fault)
{
    gpa_t pa;
    uint64_t page = la >> GUEST_PAGE_SHIFT;
    if (!shadow_linear_to_phys(la, &pa) || (uint64_t)pa + size > ram->size) {
        if (!write && shadow_linear_to_phys(la, &pa) && pa >= ram->size) {
            /* No device answers there yet: reads see an open bus, all ones,
             * as on a PC. Never cached: the next access asks again. */
            *addend = (uint64_t)(uintptr_t)open_bus - (la & GUEST_PAGE_MASK);
            return SHADOW_OK;
        }
        fault->vector = SHADOW_NO_RAM;
        fault->error_code = write;
        fault->address = la;
        return SHADOW_FAULT;
    }
    *addend = (uint64_t)(uintptr_t)ram->ram + pa - la;
    /* Cache the translation only where the emitted code may use it blindly. */
    if (page_is_ram(page + 1) &&
        (!write || (!codecache_page_has_code((gpa_t)(page << GUEST_PAGE_SHIFT)) &&
                    !codecache_page_has_code((gpa_t)((page + 1) << GUEST_PAGE_SHIFT)))))
        map->addend[shadow_table_for(user, write)][page] = *addend;
    return SHADOW_OK;
}

uint8_t *shadow_host_ptr(gva_t la, unsigned size, bool write, bool user,
                         struct shadow_fault *fault)
{
    uint64_t addend;
    if (shadow_resolve(la, size, write, user, &addend, fault) != SHADOW_OK)
        return NULL;
    return (uint8_t *)(uintptr_t)(addend + la);
}

void shadow_protect_code(gpa_t page)
{
    /* Paging off: the linear page is the physical one. */
    uint32_t p = page >> GUEST_PAGE_SHIFT;
    physmem_set_writable(ram, page, false);
    map->addend[SM_SUP_WRITE][p] = 0;
    map->addend[SM_USER_WRITE][p] = 0;
    if (p > 0) {
        map->addend[SM_SUP_WRITE][p - 1] = 0;
        map->addend[SM_USER_WRITE][p - 1] = 0;
    }
}

void shadow_unprotect_code(gpa_t page)
{
    /* Write entries come back lazily through the slow path. */
    physmem_set_writable(ram, page, true);
}
