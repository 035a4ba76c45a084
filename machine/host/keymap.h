/*
 * Host keys to guest keys: USB HID usages of the Keyboard/Keypad page
 * (HID Usage Tables 1.3, section 10, page 0x07) to Linux evdev key codes.
 * SDL's scancodes are these usages by design (SDL_scancode.h says its values
 * come from that page), so the SDL front end passes them straight through,
 * and this table stays free of SDL so unit tests can check it.
 *
 * Covers every key of a 105-key ISO (and 104-key ANSI) keyboard: letters,
 * digits, punctuation, both non-US keys, F1-F24, the editing and arrow
 * block, the keypad, and the eight modifiers; plus the usual extra keys
 * (menu, power, volume, Japanese and Korean keys).
 */
#ifndef RIVET_KEYMAP_H
#define RIVET_KEYMAP_H

#include <stdint.h>

#define KEYMAP_HID_LIMIT 0xe8 /* usages 0x00 .. 0xe7 (Right GUI) */

/* The evdev KEY_* code for a HID usage; 0 (KEY_RESERVED) when unmapped. */
unsigned keymap_hid_to_evdev(unsigned usage);

#endif
