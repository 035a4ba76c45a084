/*
 * The SDL2 window (see display.h): the only file that includes SDL.
 *
 * Threading: everything SDL happens on the window's own thread (init,
 * window, renderer, events, redraw), so the emulation thread never waits on
 * the window. The thread reads guest RAM through framebuffer_refresh()
 * and talks to the guest only through display.h's queued input calls.
 * Redraws happen at most every FRAME_MS and only when a line changed or the
 * window needs repainting (exposed, resized).
 */
#include <SDL.h>
#include <linux/input-event-codes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "devices/framebuffer.h"
#include "machine/host/display.h"
#include "machine/host/keymap.h"
#include "machine/board/machine.h"

#define FRAME_MS   16 /* up to 60 Hz */
#define TITLE      "rivet - " DISPLAY_MACHINE_NAME
#define TITLE_GRAB TITLE " - Ctrl-Alt-G releases the pointer"

enum ui_state { UI_STARTING, UI_RUNNING, UI_FAILED };

struct display_sdl {
    struct machine *m;
    struct framebuffer *fb;
    pthread_t thread;
    atomic_bool stop;

    /* Start-up handshake: the opener waits until the window shows or fails. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    enum ui_state state;
    char err[RIVET_ERR_LEN];

    /* Owned by the window thread. */
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    bool grabbed, closing, repaint;
};

static void set_state(struct display_sdl *d, enum ui_state s)
{
    pthread_mutex_lock(&d->lock);
    d->state = s;
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->lock);
}

static bool sdl_fail(struct display_sdl *d, const char *what)
{
    snprintf(d->err, sizeof d->err, "-display sdl: %s: %s", what, SDL_GetError());
    return false;
}

static bool ui_init(struct display_sdl *d)
{
    unsigned w = framebuffer_width(d->fb), h = framebuffer_height(d->fb);
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1"); /* SIGINT/SIGTERM stay rivet's */
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return sdl_fail(d, "cannot open the display");
    d->win =
        SDL_CreateWindow(TITLE, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, (int)w, (int)h, SDL_WINDOW_RESIZABLE);
    if (!d->win)
        return sdl_fail(d, "cannot create the window");
    d->ren = SDL_CreateRenderer(d->win, -1, 0);
    if (!d->ren)
        d->ren = SDL_CreateRenderer(d->win, -1, SDL_RENDERER_SOFTWARE);
    if (!d->ren)
        return sdl_fail(d, "cannot create a renderer");
    /* The logical size scales the picture to the window with its aspect
     * ratio kept (letterboxed), and maps mouse positions back to pixels. */
    SDL_RenderSetLogicalSize(d->ren, (int)w, (int)h);
    d->tex = SDL_CreateTexture(d->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, (int)w, (int)h);
    if (!d->tex)
        return sdl_fail(d, "cannot create the texture");
    framebuffer_invalidate(d->fb);
    d->repaint = true;
    return true;
}

static void ui_cleanup(struct display_sdl *d)
{
    if (d->tex)
        SDL_DestroyTexture(d->tex);
    if (d->ren)
        SDL_DestroyRenderer(d->ren);
    if (d->win)
        SDL_DestroyWindow(d->win);
    SDL_Quit();
}

static void set_grab(struct display_sdl *d, bool on)
{
    d->grabbed = on;
    SDL_SetWindowGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowKeyboardGrab(d->win, on ? SDL_TRUE : SDL_FALSE);
    SDL_SetWindowTitle(d->win, on ? TITLE_GRAB : TITLE);
}

static void screenshot_key(struct display_sdl *d)
{
    char path[64], err[RIVET_ERR_LEN];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(path, sizeof path, "rivet-%Y%m%d-%H%M%S.png", &tm);
    if (screenshot_write_png(d->fb, path, err, sizeof err))
        fprintf(stderr, "\r\nrivet: screenshot written to %s\r\n", path);
    else
        fprintf(stderr, "\r\nrivet: %s\r\n", err);
}

/* Ctrl-Alt-G and Ctrl-Alt-S are rivet's; every other key goes to the guest.
 * Host auto-repeat is dropped: the guest repeats keys itself (EV_REP). */
static void on_key(struct display_sdl *d, const SDL_KeyboardEvent *k)
{
    bool down = k->type == SDL_KEYDOWN;
    if (down && k->repeat)
        return;
    SDL_Keymod mod = SDL_GetModState();
    if (down && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        if (k->keysym.scancode == SDL_SCANCODE_G) {
            set_grab(d, false);
            return;
        }
        if (k->keysym.scancode == SDL_SCANCODE_S) {
            screenshot_key(d);
            return;
        }
    }
    unsigned code = keymap_hid_to_evdev((unsigned)k->keysym.scancode);
    if (code)
        display_key(d->m, code, down);
}

static unsigned clamp_pos(int v) { return v < 0 ? 0 : (unsigned)v; }

static void on_button(struct display_sdl *d, const SDL_MouseButtonEvent *b)
{
    static const unsigned buttons[] = {
        [SDL_BUTTON_LEFT] = BTN_LEFT,
        [SDL_BUTTON_MIDDLE] = BTN_MIDDLE,
        [SDL_BUTTON_RIGHT] = BTN_RIGHT,
    };
    bool down = b->type == SDL_MOUSEBUTTONDOWN;
    if (down && !d->grabbed)
        set_grab(d, true); /* a click in the window gives it keyboard and pointer */
    display_pointer(d->m, clamp_pos(b->x), clamp_pos(b->y));
    if (b->button < sizeof buttons / sizeof buttons[0] && buttons[b->button])
        display_button(d->m, buttons[b->button], down);
}

/* Closing the window is the power button; the window goes at once and the
 * guest has DISPLAY_POWEROFF_GRACE_MS to power off. */
static void on_close(struct display_sdl *d)
{
    if (d->closing)
        return;
    d->closing = true;
    set_grab(d, false);
    SDL_HideWindow(d->win);
    fprintf(stderr, "\r\nrivet: window closed: pressing the guest's power button\r\n");
    display_power_button(d->m);
}

static void on_event(struct display_sdl *d, const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_QUIT: on_close(d); break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_CLOSE)
            on_close(d);
        else
            d->repaint = true; /* exposed, resized, shown: draw the whole picture again */
        break;
    case SDL_KEYDOWN:
    case SDL_KEYUP: on_key(d, &ev->key); break;
    case SDL_MOUSEMOTION: display_pointer(d->m, clamp_pos(ev->motion.x), clamp_pos(ev->motion.y)); break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP: on_button(d, &ev->button); break;
    case SDL_MOUSEWHEEL:
        display_wheel(d->m, ev->wheel.direction == SDL_MOUSEWHEEL_FLIPPED ? -ev->wheel.y : ev->wheel.y);
        break;
    }
}

/* Uploads the lines that changed since the last frame, then presents when
 * anything did or the window needs it. */
static void redraw(struct display_sdl *d)
{
    unsigned first, end;
    if (framebuffer_refresh(d->fb, &first, &end)) {
        unsigned stride = framebuffer_stride(d->fb);
        SDL_Rect r = { 0, (int)first, (int)framebuffer_width(d->fb), (int)(end - first) };
        SDL_UpdateTexture(d->tex, &r, framebuffer_shadow(d->fb) + (size_t)first * stride, (int)stride);
        d->repaint = true;
    }
    if (!d->repaint || d->closing)
        return;
    SDL_SetRenderDrawColor(d->ren, 0, 0, 0, 255);
    SDL_RenderClear(d->ren);
    SDL_RenderCopy(d->ren, d->tex, NULL, NULL);
    SDL_RenderPresent(d->ren);
    d->repaint = false;
}

static void ui_loop(struct display_sdl *d)
{
    Uint32 next = SDL_GetTicks();
    while (!atomic_load(&d->stop)) {
        Uint32 now = SDL_GetTicks();
        int wait = SDL_TICKS_PASSED(now, next) ? 0 : (int)(next - now);
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, wait)) {
            on_event(d, &ev);
            while (SDL_PollEvent(&ev))
                on_event(d, &ev);
        }
        if (SDL_TICKS_PASSED(SDL_GetTicks(), next)) {
            redraw(d);
            next = SDL_GetTicks() + FRAME_MS;
        }
    }
}

static void *ui_thread(void *arg)
{
    struct display_sdl *d = arg;
    if (!ui_init(d)) {
        ui_cleanup(d);
        set_state(d, UI_FAILED);
        return NULL;
    }
    redraw(d);
    set_state(d, UI_RUNNING);
    ui_loop(d);
    ui_cleanup(d);
    return NULL;
}

static void free_display(struct display_sdl *d)
{
    pthread_cond_destroy(&d->cond);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* Starts the thread and waits for its verdict. */
static bool start(struct display_sdl *d, char *err, size_t errlen)
{
    if (pthread_create(&d->thread, NULL, ui_thread, d) != 0) {
        machine_err(err, errlen, "-display sdl: cannot start the display thread");
        return false;
    }
    pthread_mutex_lock(&d->lock);
    while (d->state == UI_STARTING)
        pthread_cond_wait(&d->cond, &d->lock);
    pthread_mutex_unlock(&d->lock);
    if (d->state == UI_RUNNING)
        return true;
    pthread_join(d->thread, NULL);
    machine_err(err, errlen, "%s", d->err);
    return false;
}

struct display_sdl *display_sdl_open(struct machine *m, char *err, size_t errlen)
{
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) {
        machine_err(err, errlen, "-display sdl: no display to open (neither DISPLAY nor WAYLAND_DISPLAY is set)");
        return NULL;
    }
    struct framebuffer *fb = display_framebuffer(m);
    struct display_sdl *d = fb ? calloc(1, sizeof *d) : NULL;
    if (!d) {
        machine_err(err, errlen, "-display sdl: %s", fb ? "out of memory" : "the machine has no framebuffer");
        return NULL;
    }
    d->m = m;
    d->fb = fb;
    atomic_init(&d->stop, false);
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->cond, NULL);
    if (!start(d, err, errlen)) {
        free_display(d);
        return NULL;
    }
    return d;
}

void display_sdl_close(struct display_sdl *d)
{
    if (!d)
        return;
    atomic_store(&d->stop, true);
    pthread_join(d->thread, NULL);
    free_display(d);
}
