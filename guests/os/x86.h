/* The few IA-32 instructions the kernel needs that C cannot say: port I/O,
 * the control registers, the descriptor-table loads, and IF. */
#ifndef OS_X86_H
#define OS_X86_H

#include <stdint.h>
#include <stddef.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }

static inline uint32_t rcr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void lcr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline uint32_t rcr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline void lcr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline uint32_t rcr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }

struct dtr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static inline void lgdt(const void *base, uint16_t size)
{
    struct dtr d = { (uint16_t)(size - 1), (uint32_t)base };
    __asm__ volatile("lgdt %0" :: "m"(d));
}

static inline void lidt(const void *base, uint16_t size)
{
    struct dtr d = { (uint16_t)(size - 1), (uint32_t)base };
    __asm__ volatile("lidt %0" :: "m"(d));
}

static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" :: "r"(sel)); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
/* STI's one-instruction interrupt shadow covers the HLT: a request that
 * is already pending wakes the HLT instead of slipping in before it. */
static inline void sti_hlt_cli(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

#endif
