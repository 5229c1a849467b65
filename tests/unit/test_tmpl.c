/* test_tmpl.c - case/tmpl: templates expand built-in variables, case
 * variables and captures (a tentative capture first), "{{" and "}}" stay
 * literal braces, and every bad template is an error saying what is wrong;
 * integer fields and hex sends go through the same expansion. */
#include <check.h>
#include <limits.h>
#include <string.h>

#include "case/tmpl.h"
#include "tests/unit/suites.h"

static char *names[] = {"a", "sub"};
static char *ids[] = {"MsRunA", "MsRunSub"};

static struct tmpl_ctx ctx(void)
{
	struct tmpl_ctx c;
	memset(&c, 0, sizeof c);
	c.run = "r1";
	c.topic = "mqttspec/r1/case";
	c.topic_rest = "r1/case";
	c.nclients = 2;
	c.client_names = names;
	c.client_ids = ids;
	return c;
}

static const char *expand(struct tmpl_ctx *c, struct arena *a, const char *in)
{
	struct err e;
	char *out = NULL;
	ck_assert_msg(tmpl_expand(c, in, a, &out, &e) == 0, "%s: %s", in, e.msg);
	return out;
}

static const char *expand_err(struct tmpl_ctx *c, struct arena *a, const char *in, struct err *e)
{
	char *out = NULL;
	ck_assert_int_eq(tmpl_expand(c, in, a, &out, e), -1);
	return e->msg;
}

START_TEST(builtins)
{
	struct tmpl_ctx c = ctx();
	struct arena a = {0};
	ck_assert_str_eq(expand(&c, &a, "{topic}/x"), "mqttspec/r1/case/x");
	ck_assert_str_eq(expand(&c, &a, "+/{topic_rest}"), "+/r1/case");
	ck_assert_str_eq(expand(&c, &a, "{run}:{client.sub}"), "r1:MsRunSub");
	/* No credentials: empty, not an error (a case may always name them). */
	ck_assert_str_eq(expand(&c, &a, "[{username}][{password}]"), "[][]");
	c.username = "u";
	c.password = "p";
	ck_assert_str_eq(expand(&c, &a, "{username}:{password}"), "u:p");
	ck_assert_str_eq(expand(&c, &a, "{{literal}} {{"), "{literal} {");
	arena_free(&a);
}
END_TEST

START_TEST(vars_and_overlay)
{
	struct tmpl_ctx c = ctx();
	struct arena a = {0};
	tmpl_vars_set(&c.vars, "g", "1");
	tmpl_vars_set(&c.vars, "g", "2"); /* replaced, not added */
	ck_assert_uint_eq(c.vars.n, 1);
	ck_assert_str_eq(expand(&c, &a, "qos {g}"), "qos 2");
	struct tmpl_vars over = {0};
	tmpl_vars_set(&over, "g", "0");
	c.overlay = &over;
	ck_assert_str_eq(tmpl_get(&c, "g"), "0");
	c.overlay = NULL;
	ck_assert_str_eq(tmpl_get(&c, "g"), "2");
	ck_assert_ptr_null(tmpl_get(&c, "client.nobody"));
	tmpl_vars_clear(&over);
	tmpl_vars_clear(&c.vars);
	ck_assert_uint_eq(c.vars.n, 0);
	arena_free(&a);
}
END_TEST

START_TEST(bad_templates)
{
	struct tmpl_ctx c = ctx();
	struct arena a = {0};
	struct err e;
	ck_assert_str_eq(expand_err(&c, &a, "{nope}/x", &e), "unknown variable {nope}");
	ck_assert_ptr_nonnull(strstr(expand_err(&c, &a, "{topic", &e), "unbalanced '{'"));
	ck_assert_ptr_nonnull(strstr(expand_err(&c, &a, "topic}", &e), "unbalanced '}'"));
	arena_free(&a);
}
END_TEST

/* Integer fields take arithmetic once expanded: precedence, parentheses,
 * unary minus, hex; overflow, division by zero and stray text are errors. */
START_TEST(arithmetic)
{
	static const struct {
		const char *in;
		long want;
		const char *why; /* NULL: evaluates to want */
	} t[] = {
		{"{g} * 1000 - 500", 1500, NULL},
		{"1 + 2 * 3", 7, NULL},
		{"(1 + 2) * 3", 9, NULL},
		{"-{g} + 0x10", 14, NULL},
		{" 7 / 2 ", 3, NULL},
		{"-7 / 2", -3, NULL},
		{"--3", 3, NULL},
		{"1 / 0", 0, "division by zero"},
		{"9223372036854775807 + 1", 0, "overflow"},
		{"3000000000 * 4000000000", 0, "overflow"},
		{"(1 + 2", 0, "missing ')'"},
		{"1 +", 0, "expected a number"},
		{"", 0, "expected a number"},
		{"2 3", 0, "unexpected text after the expression"},
		{"((((((((((((((((((1))))))))))))))))))", 0, "parentheses nested too deep"},
	};
	struct tmpl_ctx c = ctx();
	struct arena a = {0};
	tmpl_vars_set(&c.vars, "g", "2");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct err e = {{0}};
		long x = -99;
		cJSON *v = cJSON_CreateString(t[i].in);
		int rc = tmpl_int(&c, v, LONG_MIN, LONG_MAX, &a, &x, &e);
		if (t[i].why) {
			ck_assert_msg(rc == -1 && strstr(e.msg, t[i].why), "\"%s\": rc %d, \"%s\"", t[i].in, rc, e.msg);
		} else {
			ck_assert_msg(rc == 0, "\"%s\": %s", t[i].in, e.msg);
			ck_assert_int_eq(x, t[i].want);
		}
		cJSON_Delete(v);
	}
	tmpl_vars_clear(&c.vars);
	arena_free(&a);
}
END_TEST

START_TEST(integers)
{
	struct tmpl_ctx c = ctx();
	struct arena a = {0};
	struct err e;
	long x = -1;
	tmpl_vars_set(&c.vars, "g", "2");
	cJSON *v = cJSON_CreateString("{g}");
	ck_assert_int_eq(tmpl_int(&c, v, 0, 2, &a, &x, &e), 0);
	ck_assert_int_eq(x, 2);
	ck_assert_int_eq(tmpl_int(&c, v, 0, 1, &a, &x, &e), -1);
	ck_assert_str_eq(e.msg, "2 is out of range 0..1");
	cJSON_SetValuestring(v, "{g}x");
	ck_assert_int_eq(tmpl_int(&c, v, 0, 9, &a, &x, &e), -1);
	ck_assert_str_eq(e.msg, "\"{g}x\" expands to \"2x\", not an integer: unexpected text after the expression");
	cJSON_Delete(v);
	v = cJSON_CreateNumber(1.5);
	ck_assert_int_eq(tmpl_int(&c, v, 0, 9, &a, &x, &e), -1);
	cJSON_Delete(v);
	v = cJSON_CreateTrue();
	ck_assert_int_eq(tmpl_int(&c, v, 0, 9, &a, &x, &e), 0);
	ck_assert_int_eq(x, 1);
	cJSON_Delete(v);
	tmpl_vars_clear(&c.vars);
	arena_free(&a);
}
END_TEST

START_TEST(hex)
{
	struct tmpl_ctx c = ctx();
	struct arena a = {0};
	struct err e;
	uint8_t *b = NULL;
	size_t n = 0;
	ck_assert_int_eq(tmpl_hex(&c, "30 0d:00", &a, &b, &n, &e), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(b, "\x30\x0d\x00", 3);
	ck_assert_int_eq(tmpl_hex(&c, "82 {str:{run}/t} {utf8:ab}", &a, &b, &n, &e), 0);
	ck_assert_uint_eq(n, 1 + 2 + 4 + 2);
	ck_assert_mem_eq(b, "\x82\x00\x04r1/tab", 9);
	ck_assert_int_eq(tmpl_hex(&c, "3", &a, &b, &n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not an even number of hex digits"));
	ck_assert_int_eq(tmpl_hex(&c, "zz", &a, &b, &n, &e), -1);
	ck_assert_int_eq(tmpl_hex(&c, "{topic}", &a, &b, &n, &e), -1);
	ck_assert_str_eq(e.msg, "hex: expected {utf8:TEXT} or {str:TEXT}, got {topic}");
	arena_free(&a);
}
END_TEST

struct seen {
	char names[8][32];
	int n;
};

static int collect(void *arg, const char *name, struct err *e)
{
	struct seen *s = arg;
	(void)e;
	if (s->n < 8)
		strncpy(s->names[s->n++], name, 31);
	return 0;
}

START_TEST(scan_and_subst)
{
	struct seen s = {0};
	struct err e;
	ck_assert_int_eq(tmpl_scan("{a}/{{x}}/{str:{b}}/{utf8:c{d}}", collect, &s, &e), 0);
	ck_assert_int_eq(s.n, 2 + 0 + 1);
	ck_assert_str_eq(s.names[0], "a");
	ck_assert_str_eq(s.names[1], "b");
	ck_assert_str_eq(s.names[2], "d");
	ck_assert_int_eq(tmpl_scan("{}", collect, &s, &e), -1);
	ck_assert_int_eq(tmpl_scan("{a", collect, &s, &e), -1);

	cJSON *j = cJSON_Parse("{\"t\":\"{i}/{i}\",\"l\":[\"x{i}\",{\"k\":\"{j}\"}]}");
	tmpl_subst_json(j, "i", "7");
	char *out = cJSON_PrintUnformatted(j);
	ck_assert_str_eq(out, "{\"t\":\"7/7\",\"l\":[\"x7\",{\"k\":\"{j}\"}]}");
	cJSON_free(out);
	cJSON_Delete(j);
}
END_TEST

Suite *tmpl_suite(void)
{
	Suite *s = suite_create("tmpl");
	TCase *tc = tcase_create("tmpl");
	tcase_add_test(tc, builtins);
	tcase_add_test(tc, vars_and_overlay);
	tcase_add_test(tc, bad_templates);
	tcase_add_test(tc, integers);
	tcase_add_test(tc, arithmetic);
	tcase_add_test(tc, hex);
	tcase_add_test(tc, scan_and_subst);
	suite_add_tcase(s, tc);
	return s;
}
