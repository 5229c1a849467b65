/*
 * clock.h - the one clock windows and timings are measured on: monotonic,
 * in milliseconds, so a wall-clock step never stretches or cuts a window.
 */
#ifndef CLOCK_H
#define CLOCK_H

double clock_ms(void);

#endif
