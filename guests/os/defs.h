/* What each kernel file offers the others (one section per file). */
#ifndef OS_DEFS_H
#define OS_DEFS_H

#include <stdint.h>
#include <stddef.h>
#include <stdarg.h>
#include "libc.h"   /* guests/lib: memset, memcpy, strlen, vsnprintf */

struct trapframe;
struct rtc_time;
struct proc;

/* string.c */

/* printf.c */

/* console.c */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void machine_exit(int code) __attribute__((noreturn));

/* uart.c */
void uart_init(void);
void uart_write(const char *s, size_t n);
void uart_intr(void);
void uart_flush(void);
void uart_polled_write(const char *s);
extern uint32_t uart_thre_intrs, uart_bytes_queued, uart_bytes_by_intr;

/* gdt.c */
void gdt_init(void);
void tss_set_kstack(uint32_t esp0);

/* trap.c */
void trap_init(void);
extern volatile uint32_t ticks;

/* pic.c */
#define IRQ_BASE 0x20
#define IRQ_TIMER 0
#define IRQ_COM1 4
void pic_init(void);
void pic_eoi(unsigned irq);
int pic_in_service(unsigned irq);

/* pit.c */
#define HZ 1000
void pit_init(void);

/* rtc.c */
int rtc_read(struct rtc_time *t);
uint8_t cmos_read(uint8_t reg);
void cmos_write(uint8_t reg, uint8_t v);

/* kbd.c */
void i8042_reboot(void) __attribute__((noreturn));

/* kalloc.c */
void *kalloc(void);

/* vm.c */
void kvm_init(void);
void vm_enable(void);
void vm_switch_kernel(void);
uint32_t *uvm_create(void);
void uvm_map(uint32_t *pgdir, uint32_t va, uint32_t pa);
uint32_t uvm_translate(uint32_t *pgdir, uint32_t va);
int user_range_ok(uint32_t va, uint32_t len);

/* proc.c */
void proc_create(const uint8_t *img, uint32_t size);
void scheduler(void);
void yield(void);
void sleep_ticks(uint32_t n);
void proc_exit(int status) __attribute__((noreturn));
void proc_kill(struct trapframe *tf) __attribute__((noreturn));
void proc_wakeup(void);
void proc_log(struct proc *p, const char *s, uint32_t n);
extern struct proc *cur;

/* syscall.c */
void syscall(struct trapframe *tf);

/* user image (userbin.S) */
extern const uint8_t user_img[], user_img_end[];

#endif
