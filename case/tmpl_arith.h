/*
 * tmpl_arith.h - the integer expressions of an integer field once its
 * template is expanded: "{e} * 1000 - {slack_ms}" becomes "4 * 1000 - 1000".
 *
 * Numbers are decimal or 0x hex; + - * / (integer division, truncating),
 * unary minus, parentheses, blanks between. Overflow and division by zero
 * are errors, not wrapped values: a window computed from a capture must be
 * what the case says or nothing.
 */
#ifndef TMPL_ARITH_H
#define TMPL_ARITH_H

struct tmpl_arith {
	const char *s;   /* the text; advanced while parsing */
	const char *why; /* set on failure */
};

/* Evaluate the whole of a->s into *out. 0 or -1 (a->why says what is wrong). */
int tmpl_arith_eval(struct tmpl_arith *a, long *out);

#endif
