/*
 * capture.h - standard output and standard error of a call, for the tests of
 * commands that print (the cli_* functions print to the terminal and nowhere
 * else). Both go to one temporary file, in the order they were written.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

/* Send fds 1 and 2 to a temporary file until capture_end. Not nested. */
void capture_begin(void);
/* Restore them and return what was written, malloc'd and NUL-terminated. */
char *capture_end(void);

#endif
