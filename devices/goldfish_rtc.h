/*
 * Google goldfish RTC (compatible "google,goldfish-rtc"), as on QEMU virt.
 *
 * Time is host wall-clock time in ns since the epoch (CLOCK_REALTIME) plus
 * an offset that guest writes to TIME adjust. Registers, 4-byte accesses:
 *   0x00 TIME_LOW        read: low 32 bits of the time, latches the high half
 *                        write: replaces the low half of the current time
 *   0x04 TIME_HIGH       read: the half latched by the last TIME_LOW read
 *                        write: replaces the high half of the current time
 *                        (Linux writes HIGH then LOW, which sets all 64 bits)
 *   0x08 ALARM_LOW       read: low half of the alarm
 *                        write: sets the low half and arms the alarm
 *   0x0c ALARM_HIGH      read/write: high half of the alarm (does not arm)
 *   0x10 IRQ_ENABLED     bit 0: the alarm interrupt may reach the line
 *   0x14 CLEAR_ALARM     write: disarms the alarm
 *   0x18 ALARM_STATUS    read: 1 while an alarm is armed
 *   0x1c CLEAR_INTERRUPT write: acknowledges the alarm interrupt
 * Unknown offsets read 0 and ignore writes.
 *
 * When the RTC time reaches an armed alarm, the alarm disarms and the
 * interrupt becomes pending; the line level is (pending && IRQ_ENABLED).
 * The check runs at ALARM_LOW writes and in goldfish_rtc_update(), which the
 * board calls between rounds.
 * Threading: emulation thread only.
 */
#ifndef RIVET_GOLDFISH_RTC_H
#define RIVET_GOLDFISH_RTC_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/irq.h"
#include "mmu/bus.h"

#define GOLDFISH_RTC_TIME_LOW        0x00
#define GOLDFISH_RTC_TIME_HIGH       0x04
#define GOLDFISH_RTC_ALARM_LOW       0x08
#define GOLDFISH_RTC_ALARM_HIGH      0x0c
#define GOLDFISH_RTC_IRQ_ENABLED     0x10
#define GOLDFISH_RTC_CLEAR_ALARM     0x14
#define GOLDFISH_RTC_ALARM_STATUS    0x18
#define GOLDFISH_RTC_CLEAR_INTERRUPT 0x1c

struct goldfish_rtc;

struct goldfish_rtc *goldfish_rtc_create(struct irq_line irq);
void goldfish_rtc_destroy(struct goldfish_rtc *r);
/* A machine reset: the alarm disarmed, IRQ_ENABLED and the interrupt
 * cleared, the line low. The time goes on (a battery-backed clock, as
 * QEMU's keeps its offset across a reset). */
void goldfish_rtc_reset(struct goldfish_rtc *r);
struct mmio_region goldfish_rtc_region(struct goldfish_rtc *r, uint64_t base, uint64_t size);
/* Alarm check, called by the board between rounds. */
void goldfish_rtc_update(struct goldfish_rtc *r);
/* Nanoseconds until the armed alarm is due: 0 when due, UINT64_MAX when no
 * alarm is armed (lets an idle board bound its sleep). */
uint64_t goldfish_rtc_ns_until_alarm(struct goldfish_rtc *r);
/* The machine stood still for ns (paused): the RTC goes on from where it
 * was, its offset moved back by ns. NULL is fine. */
void goldfish_rtc_shift(struct goldfish_rtc *r, uint64_t ns);
/* Replaces the host clock (ns since the epoch) by another, for tests. */
void goldfish_rtc_set_clock(struct goldfish_rtc *r, uint64_t (*now_ns)(void *opaque), void *opaque);

/* Snapshots (include/rivet/snapstream.h): the guest's time as it reads now
 * (restore makes it go on from there), the alarm and interrupt state. Under
 * the caller's lock of the RTC, with no hart running. */
struct snapshot_writer;
struct snapshot_reader;
void goldfish_rtc_save(const struct goldfish_rtc *r, struct snapshot_writer *w);
bool goldfish_rtc_restore(struct goldfish_rtc *r, struct snapshot_reader *rd);

#endif
