/* tmpl_arith.c - integer expressions. See tmpl_arith.h. */
#include "case/tmpl_arith.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* Nesting deep enough for any case, shallow enough for any stack. */
#define ARITH_DEPTH 16

static int expr(struct tmpl_arith *a, int depth, long *out);

static void blanks(struct tmpl_arith *a)
{
	while (isspace((unsigned char)*a->s))
		a->s++;
}

static int fail(struct tmpl_arith *a, const char *why)
{
	a->why = why;
	return -1;
}

/* A number, a parenthesised expression, or either negated. */
static int factor(struct tmpl_arith *a, int depth, long *out)
{
	blanks(a);
	if (*a->s == '-') {
		a->s++;
		long v;
		if (factor(a, depth + 1, &v) < 0)
			return -1;
		if (__builtin_sub_overflow(0L, v, out))
			return fail(a, "overflow");
		return 0;
	}
	if (*a->s == '(') {
		a->s++;
		if (depth >= ARITH_DEPTH)
			return fail(a, "parentheses nested too deep");
		if (expr(a, depth + 1, out) < 0)
			return -1;
		blanks(a);
		if (*a->s != ')')
			return fail(a, "missing ')'");
		a->s++;
		return 0;
	}
	if (!isdigit((unsigned char)*a->s))
		return fail(a, "expected a number");
	char *end;
	errno = 0;
	*out = strtol(a->s, &end, 0);
	if (errno)
		return fail(a, "number out of range");
	a->s = end;
	return 0;
}

static int term(struct tmpl_arith *a, int depth, long *out)
{
	if (factor(a, depth, out) < 0)
		return -1;
	for (;;) {
		blanks(a);
		char op = *a->s;
		if (op != '*' && op != '/')
			return 0;
		a->s++;
		long r;
		if (factor(a, depth, &r) < 0)
			return -1;
		if (op == '/' && r == 0)
			return fail(a, "division by zero");
		if (op == '*' ? __builtin_mul_overflow(*out, r, out) : (*out == -__LONG_MAX__ - 1 && r == -1))
			return fail(a, "overflow");
		if (op == '/')
			*out /= r;
	}
}

static int expr(struct tmpl_arith *a, int depth, long *out)
{
	if (term(a, depth, out) < 0)
		return -1;
	for (;;) {
		blanks(a);
		char op = *a->s;
		if (op != '+' && op != '-')
			return 0;
		a->s++;
		long r;
		if (term(a, depth, &r) < 0)
			return -1;
		if (op == '+' ? __builtin_add_overflow(*out, r, out) : __builtin_sub_overflow(*out, r, out))
			return fail(a, "overflow");
	}
}

int tmpl_arith_eval(struct tmpl_arith *a, long *out)
{
	if (expr(a, 0, out) < 0)
		return -1;
	blanks(a);
	return *a->s ? fail(a, "unexpected text after the expression") : 0;
}
