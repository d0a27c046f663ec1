/* Address-space types shared by every module. A number that is a guest
 * address says which kind it is; host addresses are pointers. Never convert
 * between them silently: go through the shadow MMU or physmem. */
#ifndef BT386_TYPES_H
#define BT386_TYPES_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

typedef uint32_t gva_t;   /* guest linear (virtual) address, after segmentation */
typedef uint32_t gpa_t;   /* guest physical address */

#define GUEST_PAGE_SHIFT 12
#define GUEST_PAGE_SIZE  (1u << GUEST_PAGE_SHIFT)
#define GUEST_PAGE_MASK  (~(GUEST_PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
