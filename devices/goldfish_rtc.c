/*
 * Goldfish RTC: see goldfish_rtc.h for the registers and the contract.
 * The register semantics follow how Linux's rtc-goldfish driver uses them
 * (time read LOW then HIGH; set HIGH then LOW; alarm HIGH then LOW).
 */
#include "devices/goldfish_rtc.h"

#include "rivet/snapstream.h"

#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define NS_PER_SEC 1000000000ull
#define LOW_HALF   0x00000000ffffffffull
#define HIGH_HALF  0xffffffff00000000ull

struct goldfish_rtc {
    struct irq_line irq;
    uint64_t (*now_ns)(void *opaque); /* the host clock */
    void *clock_opaque;
    uint64_t offset;    /* RTC time = host clock + offset (mod 2^64) */
    uint32_t time_high; /* latched by the last TIME_LOW read */
    uint64_t alarm;
    bool alarm_armed;
    bool irq_pending;
    bool irq_enabled;
};

static uint64_t host_realtime_ns(void *opaque)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0)
        return 0;
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

struct goldfish_rtc *goldfish_rtc_create(struct irq_line irq)
{
    struct goldfish_rtc *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->irq = irq;
    r->now_ns = host_realtime_ns;
    return r;
}

void goldfish_rtc_destroy(struct goldfish_rtc *r) { free(r); }

static void rtc_drive_irq(struct goldfish_rtc *r);

void goldfish_rtc_reset(struct goldfish_rtc *r)
{
    r->alarm = 0;
    r->alarm_armed = r->irq_pending = r->irq_enabled = false;
    r->time_high = 0;
    rtc_drive_irq(r);
}

void goldfish_rtc_set_clock(struct goldfish_rtc *r, uint64_t (*now_ns)(void *opaque), void *opaque)
{
    r->now_ns = now_ns ? now_ns : host_realtime_ns;
    r->clock_opaque = opaque;
}

void goldfish_rtc_shift(struct goldfish_rtc *r, uint64_t ns)
{
    if (r)
        r->offset -= ns; /* unsigned wrap: host + offset moves back by ns */
}

static uint64_t rtc_now(const struct goldfish_rtc *r) { return r->now_ns(r->clock_opaque) + r->offset; }

static void rtc_drive_irq(struct goldfish_rtc *r) { irq_set(&r->irq, r->irq_pending && r->irq_enabled); }

void goldfish_rtc_update(struct goldfish_rtc *r)
{
    if (!r->alarm_armed || rtc_now(r) < r->alarm)
        return;
    r->alarm_armed = false;
    r->irq_pending = true;
    rtc_drive_irq(r);
}

uint64_t goldfish_rtc_ns_until_alarm(struct goldfish_rtc *r)
{
    if (!r->alarm_armed)
        return UINT64_MAX;
    uint64_t now = rtc_now(r);
    return now >= r->alarm ? 0 : r->alarm - now;
}

/* Replaces the bits `mask` of the current time with those of `value`. */
static void rtc_set_time_bits(struct goldfish_rtc *r, uint64_t mask, uint64_t value)
{
    uint64_t host = r->now_ns(r->clock_opaque);
    uint64_t t = ((host + r->offset) & ~mask) | (value & mask);
    r->offset = t - host; /* unsigned wrap keeps host + offset == t */
}

static uint32_t rtc_read32(struct goldfish_rtc *r, uint64_t offset)
{
    switch (offset) {
    case GOLDFISH_RTC_TIME_LOW: {
        uint64_t now = rtc_now(r);
        r->time_high = (uint32_t)(now >> 32);
        return (uint32_t)now;
    }
    case GOLDFISH_RTC_TIME_HIGH: return r->time_high;
    case GOLDFISH_RTC_ALARM_LOW: return (uint32_t)r->alarm;
    case GOLDFISH_RTC_ALARM_HIGH: return (uint32_t)(r->alarm >> 32);
    case GOLDFISH_RTC_IRQ_ENABLED: return r->irq_enabled;
    case GOLDFISH_RTC_ALARM_STATUS: return r->alarm_armed;
    default: return 0;
    }
}

static void rtc_write32(struct goldfish_rtc *r, uint64_t offset, uint32_t value)
{
    switch (offset) {
    case GOLDFISH_RTC_TIME_LOW: rtc_set_time_bits(r, LOW_HALF, value); break;
    case GOLDFISH_RTC_TIME_HIGH: rtc_set_time_bits(r, HIGH_HALF, (uint64_t)value << 32); break;
    case GOLDFISH_RTC_ALARM_LOW:
        r->alarm = (r->alarm & HIGH_HALF) | value;
        r->alarm_armed = true;
        goldfish_rtc_update(r); /* an alarm in the past fires at once */
        break;
    case GOLDFISH_RTC_ALARM_HIGH: r->alarm = (r->alarm & LOW_HALF) | ((uint64_t)value << 32); break;
    case GOLDFISH_RTC_IRQ_ENABLED:
        r->irq_enabled = value & 1;
        rtc_drive_irq(r);
        break;
    case GOLDFISH_RTC_CLEAR_ALARM: r->alarm_armed = false; break;
    case GOLDFISH_RTC_CLEAR_INTERRUPT:
        r->irq_pending = false;
        rtc_drive_irq(r);
        break;
    default: break;
    }
}

/* The guest's time as it reads now, not the offset: restoring goes on from
 * there whatever the host clock says then. */
void goldfish_rtc_save(const struct goldfish_rtc *r, struct snapshot_writer *w)
{
    snap_put_u64(w, rtc_now(r));
    snap_put_u32(w, r->time_high);
    snap_put_u64(w, r->alarm);
    snap_put_bool(w, r->alarm_armed);
    snap_put_bool(w, r->irq_pending);
    snap_put_bool(w, r->irq_enabled);
}

bool goldfish_rtc_restore(struct goldfish_rtc *r, struct snapshot_reader *rd)
{
    uint64_t now = snap_get_u64(rd);
    uint32_t time_high = snap_get_u32(rd);
    uint64_t alarm = snap_get_u64(rd);
    bool armed = snap_get_bool(rd), pending = snap_get_bool(rd), enabled = snap_get_bool(rd);
    if (!snap_end(rd) || rd->dry)
        return !rd->bad;
    r->offset = now - r->now_ns(r->clock_opaque);
    r->time_high = time_high;
    r->alarm = alarm;
    r->alarm_armed = armed;
    r->irq_pending = pending;
    r->irq_enabled = enabled;
    return true;
}

MMIO_REG32_CALLBACKS(rtc, struct goldfish_rtc)

struct mmio_region goldfish_rtc_region(struct goldfish_rtc *r, uint64_t base, uint64_t size)
{
    return (struct mmio_region){
        /* clang-format off */
        .name = "rtc", .base = base, .size = size, .min_access = 4, .max_access = 4,
        .read = rtc_mmio_read, .write = rtc_mmio_write, .opaque = r,
        /* clang-format on */
    };
}
