/* The HID usage -> evdev key table: every key of a 105-key ISO keyboard
 * maps, to the right code, and no two keys share a code by accident.
 * Usage numbers are written out from the HID Usage Tables (page 0x07),
 * which is also what SDL's scancodes are. */
#include <check.h>
#include <linux/input-event-codes.h>

#include "machine/host/keymap.h"

struct pair {
    unsigned usage, code;
};

/* The 105 keys of an ISO PC keyboard. */
static const struct pair iso105[] = {
    { 0x29, KEY_ESC },       { 0x3a, KEY_F1 },         { 0x3b, KEY_F2 },         { 0x3c, KEY_F3 },
    { 0x3d, KEY_F4 },        { 0x3e, KEY_F5 },         { 0x3f, KEY_F6 },         { 0x40, KEY_F7 },
    { 0x41, KEY_F8 },        { 0x42, KEY_F9 },         { 0x43, KEY_F10 },        { 0x44, KEY_F11 },
    { 0x45, KEY_F12 },       { 0x46, KEY_SYSRQ },      { 0x47, KEY_SCROLLLOCK }, { 0x48, KEY_PAUSE },
    { 0x35, KEY_GRAVE },     { 0x1e, KEY_1 },          { 0x1f, KEY_2 },          { 0x20, KEY_3 },
    { 0x21, KEY_4 },         { 0x22, KEY_5 },          { 0x23, KEY_6 },          { 0x24, KEY_7 },
    { 0x25, KEY_8 },         { 0x26, KEY_9 },          { 0x27, KEY_0 },          { 0x2d, KEY_MINUS },
    { 0x2e, KEY_EQUAL },     { 0x2a, KEY_BACKSPACE },  { 0x2b, KEY_TAB },        { 0x14, KEY_Q },
    { 0x1a, KEY_W },         { 0x08, KEY_E },          { 0x15, KEY_R },          { 0x17, KEY_T },
    { 0x1c, KEY_Y },         { 0x18, KEY_U },          { 0x0c, KEY_I },          { 0x12, KEY_O },
    { 0x13, KEY_P },         { 0x2f, KEY_LEFTBRACE },  { 0x30, KEY_RIGHTBRACE }, { 0x28, KEY_ENTER },
    { 0x39, KEY_CAPSLOCK },  { 0x04, KEY_A },          { 0x16, KEY_S },          { 0x07, KEY_D },
    { 0x09, KEY_F },         { 0x0a, KEY_G },          { 0x0b, KEY_H },          { 0x0d, KEY_J },
    { 0x0e, KEY_K },         { 0x0f, KEY_L },          { 0x33, KEY_SEMICOLON },  { 0x34, KEY_APOSTROPHE },
    { 0x32, KEY_BACKSLASH }, { 0xe1, KEY_LEFTSHIFT },  { 0x64, KEY_102ND },      { 0x1d, KEY_Z },
    { 0x1b, KEY_X },         { 0x06, KEY_C },          { 0x19, KEY_V },          { 0x05, KEY_B },
    { 0x11, KEY_N },         { 0x10, KEY_M },          { 0x36, KEY_COMMA },      { 0x37, KEY_DOT },
    { 0x38, KEY_SLASH },     { 0xe5, KEY_RIGHTSHIFT }, { 0xe0, KEY_LEFTCTRL },   { 0xe3, KEY_LEFTMETA },
    { 0xe2, KEY_LEFTALT },   { 0x2c, KEY_SPACE },      { 0xe6, KEY_RIGHTALT },   { 0xe7, KEY_RIGHTMETA },
    { 0x65, KEY_COMPOSE },   { 0xe4, KEY_RIGHTCTRL },  { 0x49, KEY_INSERT },     { 0x4a, KEY_HOME },
    { 0x4b, KEY_PAGEUP },    { 0x4c, KEY_DELETE },     { 0x4d, KEY_END },        { 0x4e, KEY_PAGEDOWN },
    { 0x52, KEY_UP },        { 0x50, KEY_LEFT },       { 0x51, KEY_DOWN },       { 0x4f, KEY_RIGHT },
    { 0x53, KEY_NUMLOCK },   { 0x54, KEY_KPSLASH },    { 0x55, KEY_KPASTERISK }, { 0x56, KEY_KPMINUS },
    { 0x5f, KEY_KP7 },       { 0x60, KEY_KP8 },        { 0x61, KEY_KP9 },        { 0x57, KEY_KPPLUS },
    { 0x5c, KEY_KP4 },       { 0x5d, KEY_KP5 },        { 0x5e, KEY_KP6 },        { 0x59, KEY_KP1 },
    { 0x5a, KEY_KP2 },       { 0x5b, KEY_KP3 },        { 0x58, KEY_KPENTER },    { 0x62, KEY_KP0 },
    { 0x63, KEY_KPDOT },
};

START_TEST(iso_105_keys)
{
    unsigned n = sizeof iso105 / sizeof iso105[0];
    ck_assert_uint_eq(n, 105);
    for (unsigned i = 0; i < n; i++)
        ck_assert_msg(keymap_hid_to_evdev(iso105[i].usage) == iso105[i].code, "usage 0x%02x -> %u, want %u",
                      iso105[i].usage, keymap_hid_to_evdev(iso105[i].usage), iso105[i].code);
}
END_TEST

START_TEST(extra_keys)
{
    ck_assert_uint_eq(keymap_hid_to_evdev(0x31), KEY_BACKSLASH); /* ANSI backslash */
    ck_assert_uint_eq(keymap_hid_to_evdev(0x68), KEY_F13);
    ck_assert_uint_eq(keymap_hid_to_evdev(0x73), KEY_F24);
    ck_assert_uint_eq(keymap_hid_to_evdev(0x66), KEY_POWER);
    ck_assert_uint_eq(keymap_hid_to_evdev(0x67), KEY_KPEQUAL);
    ck_assert_uint_eq(keymap_hid_to_evdev(0x7f), KEY_MUTE);
    ck_assert_uint_eq(keymap_hid_to_evdev(0x89), KEY_YEN);
}
END_TEST

START_TEST(unmapped_and_out_of_range)
{
    ck_assert_uint_eq(keymap_hid_to_evdev(0x00), KEY_RESERVED); /* no event */
    ck_assert_uint_eq(keymap_hid_to_evdev(0x01), KEY_RESERVED); /* ErrorRollOver */
    ck_assert_uint_eq(keymap_hid_to_evdev(0xe8), KEY_RESERVED);
    ck_assert_uint_eq(keymap_hid_to_evdev(0x1000), KEY_RESERVED);
    ck_assert_uint_eq(keymap_hid_to_evdev(~0u), KEY_RESERVED);
}
END_TEST

/* Only the two backslash keys (ANSI 0x31, ISO 0x32) share a code, as in
 * Linux's own HID table; any other duplicate is a typo. */
START_TEST(no_accidental_duplicates)
{
    unsigned seen[KEY_MAX + 1] = { 0 };
    for (unsigned u = 0; u < KEYMAP_HID_LIMIT; u++) {
        unsigned code = keymap_hid_to_evdev(u);
        ck_assert_uint_le(code, KEY_MAX);
        if (!code)
            continue;
        ck_assert_msg(!seen[code] || code == KEY_BACKSLASH, "usages 0x%02x and 0x%02x both give %u", seen[code], u,
                      code);
        seen[code] = u;
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("keymap");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, iso_105_keys);
    tcase_add_test(tc, extra_keys);
    tcase_add_test(tc, unmapped_and_out_of_range);
    tcase_add_test(tc, no_accidental_duplicates);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
