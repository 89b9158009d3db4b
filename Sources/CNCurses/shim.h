// Wide-character ncurses for Swift 6: C globals such as stdscr, LINES and COLS are not
// concurrency-safe in Swift 6, so they are reached through static inline functions.
#ifndef PEERDEX_CNCURSES_SHIM_H
#define PEERDEX_CNCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

static inline WINDOW *peerdex_stdscr(void) { return stdscr; }
static inline int peerdex_lines(void) { return LINES; }
static inline int peerdex_cols(void) { return COLS; }
static inline int peerdex_colors(void) { return COLORS; }
static inline int peerdex_color_pairs(void) { return COLOR_PAIRS; }

/// libc's width of one code point, to detect clusters the terminal will measure differently.
extern int wcwidth(wchar_t c);
static inline int peerdex_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int peerdex_key_code_yes(void) { return KEY_CODE_YES; }
static inline int peerdex_err(void) { return ERR; }
static inline attr_t peerdex_a_bold(void) { return A_BOLD; }
static inline attr_t peerdex_a_reverse(void) { return A_REVERSE; }
static inline attr_t peerdex_a_underline(void) { return A_UNDERLINE; }
static inline attr_t peerdex_a_dim(void) { return A_DIM; }
static inline mmask_t peerdex_mouse_mask_all(void) {
    return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
        | BUTTON5_PRESSED
#endif
        ;
}
static inline int peerdex_button1(mmask_t state) { return (state & (BUTTON1_PRESSED | BUTTON1_CLICKED)) != 0; }
static inline int peerdex_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int peerdex_wheel_down(mmask_t state) {
#ifdef BUTTON5_PRESSED
    return (state & BUTTON5_PRESSED) != 0;
#else
    return 0;
#endif
}
/// Puts one grapheme cluster (spacing char plus up to four combining chars) at y, x.
static inline int peerdex_put_cluster(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

#endif
