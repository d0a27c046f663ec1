/* The shadow MMU's address spaces (internal to shadow-mmu/): one shadow map
 * per guest address space, cached across MOV CR3 and keyed by the page
 * directory's physical address, a bounded number kept, the least recently
 * used one recycled. Slot SPACE_IDENTITY is the map used while paging is
 * off (linear = physical).
 *
 * What a space remembers besides its map, so entries can be dropped without
 * touching (and so populating) all 32 MiB of it:
 *  - a log of the entries it filled (clearing the whole map walks the log;
 *    past LOG_MAX it falls back to madvise);
 *  - which page-directory slots had entries filled under them, and which
 *    4 KiB pages of its tables were touched (the memory it costs);
 *  - pt_of[pdi]: the guest page table its entries under slot pdi came
 *    from, for the tracing of page-table writes (trace.c).
 *
 *   struct space *s = space_for_cr3(cr3, &hit);     switch address space
 *   space_fill(s, SM_USER_READ, lpage, addend);
 *   space_drop_page(s, lpage);                       INVLPG, a traced PTE write */
#ifndef BT386_SPACE_H
#define BT386_SPACE_H

#include "shadow-mmu/shadow.h"

#define SPACE_PAGING_SLOTS 8
#define SPACE_IDENTITY SPACE_PAGING_SLOTS
#define SPACE_SLOTS (SPACE_PAGING_SLOTS + 1)
#define SPACE_NO_PT 0xffffffffu

struct space {
    struct shadow_map *map;
    gpa_t cr3;                  /* page directory (paging slots), when used */
    bool used;
    uint64_t stamp;             /* LRU clock */
    uint32_t *log;              /* filled entries: table << 20 | lpage */
    uint32_t nlog;
    bool log_overflow;
    uint32_t pde_used[1024 / 32];
    uint64_t touched[SM_TABLES * SHADOW_PAGES / 512 / 64];
    uint32_t ntouched;
    gpa_t pt_of[1024];
};

extern struct space spaces[SPACE_SLOTS];

/* Linear pages filled from global (G, CR4.PGE) translations: copied into a
 * new space and dropped in every space at once (SDM 4.10.2.4: they survive
 * CR3 loads). */
bool space_page_is_global(uint32_t lpage);
void space_mark_global(uint32_t lpage);

int space_init(void);
struct space *space_current(void);
int space_slot(const struct space *s);
/* The space for page directory `cr3` (made current); *hit says whether it
 * was cached. */
struct space *space_for_cr3(gpa_t cr3, bool *hit);
/* Paging off: the identity space is current. */
void space_use_identity(void);

void space_fill(struct space *s, enum shadow_table t, uint32_t lpage, uint64_t addend);
/* Drop every entry of a linear page (and, for a global page, in all spaces). */
void space_drop_page(struct space *s, uint32_t lpage);
/* Drop the 4 MiB under page-directory slot pdi. */
void space_drop_pde(struct space *s, unsigned pdi);
/* Drop the write entries of lpage that point at guest physical page `pa`. */
void space_drop_write_to(struct space *s, uint32_t lpage, gpa_t pa);
void space_clear(struct space *s);
/* Every paging space cleared (CR0.PG/WP, CR4.PSE/PGE changes). */
void space_clear_all(void);
/* Host address of guest physical page `pa` as an addend for lpage. */
uint64_t space_addend(uint32_t lpage, gpa_t pa);
/* The guest physical page an entry's addend reaches (RAM only). */
bool space_entry_phys(uint32_t lpage, uint64_t addend, gpa_t *pa);
uint64_t space_bytes_touched(void);

#endif
