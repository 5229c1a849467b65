/* case_expect.c - expectation nodes of a case (see cases/README.md, "Expectations"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case/case_load.h"
#include "case/fields.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/tmpl.h"

void case_expect_free(struct case_expect *x)
{
	for (size_t i = 0; i < x->nchildren; i++)
		case_expect_free(&x->children[i]);
	free(x->children);
	free(x->because);
	memset(x, 0, sizeof *x);
}

static int parse_pattern(struct case_load *L, const cJSON *v, const char *path, struct case_expect *out, struct err *e)
{
	if (fields_validate(L->cs->protocol, v, 'e', path, e) < 0 || case_load_scan(L, v, path, e) < 0)
		return -1;
	out->kind = CASE_EXPECT_PACKET;
	out->pattern = v;
	return 0;
}

static int parse_children(struct case_load *L, const cJSON *arr, const char *path, struct case_expect *out,
			  int packets_only, struct err *e)
{
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
		return err_set(e, "%s: expected a non-empty array", path);
	out->nchildren = (size_t)cJSON_GetArraySize(arr);
	out->children = alloc_zeroed(out->nchildren, sizeof *out->children);
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		char p[300];
		snprintf(p, sizeof p, "%s[%zu]", path, i);
		int rc = packets_only ? parse_pattern(L, it, p, &out->children[i], e)
				      : case_expect_parse(L, it, p, &out->children[i], e);
		if (rc < 0)
			return -1;
		if (!packets_only && out->children[i].kind == CASE_EXPECT_CLOSED && i + 1 < out->nchildren)
			return err_set(e, "%s: {\"closed\": true} can only end a sequence", p);
		i++;
	}
	return 0;
}

/* {"repeat": N, "as": "i", "start": 0, "each": PATTERN} inside "ordered". */
static int parse_repeat(struct case_load *L, const cJSON *o, const char *path, struct case_expect *out, struct err *e)
{
	static const char *const keys[] = {"repeat", "as", "start", "each", NULL};
	long n, start = 0;
	const char *as;
	const cJSON *each = cJSON_GetObjectItemCaseSensitive(o, "each");
	if (json_util_known_keys(o, path, keys, e) < 0 || json_util_int(o, "repeat", path, 1, 1, 10000, &n, e) < 0 ||
	    json_util_str(o, "as", path, 1, &as, e) < 0 || json_util_int(o, "start", path, 0, -1000000, 1000000, &start, e) < 0)
		return -1;
	if (!cJSON_IsObject(each))
		return err_set(e, "%s.each: expected a packet pattern", path);
	cJSON *arr = case_load_own(L, cJSON_CreateArray());
	for (long k = 0; k < n; k++) {
		char val[32];
		snprintf(val, sizeof val, "%ld", start + k);
		cJSON *copy = cJSON_Duplicate(each, 1);
		tmpl_subst_json(copy, as, val);
		cJSON_AddItemToArray(arr, copy);
	}
	char p[300];
	snprintf(p, sizeof p, "%s.each", path);
	return parse_children(L, arr, p, out, 1, e);
}

/* any_of: two or more alternatives, each {"expect": ..., "because": ...}. */
static int parse_any_of(struct case_load *L, const cJSON *k, const char *p, struct case_expect *out, struct err *e)
{
	out->kind = CASE_EXPECT_ANY_OF;
	if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) < 2)
		return err_set(e, "%s: expected an array of at least two alternatives", p);
	out->nchildren = (size_t)cJSON_GetArraySize(k);
	out->children = alloc_zeroed(out->nchildren, sizeof *out->children);
	size_t i = 0;
	const cJSON *alt;
	cJSON_ArrayForEach(alt, k)
	{
		static const char *const keys[] = {"expect", "because", NULL};
		char q[300], q2[320];
		const char *because = NULL;
		snprintf(q, sizeof q, "%s[%zu]", p, i);
		if (!cJSON_IsObject(alt))
			return err_set(e, "%s: expected {\"expect\": ..., \"because\": ...}", q);
		if (json_util_known_keys(alt, q, keys, e) < 0 || json_util_str(alt, "because", q, 0, &because, e) < 0)
			return -1;
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(alt, "expect");
		if (!x)
			return err_set(e, "%s.expect: required field missing", q);
		snprintf(q2, sizeof q2, "%s.expect", q);
		if (case_expect_parse(L, x, q2, &out->children[i], e) < 0)
			return -1;
		if (out->children[i].kind == CASE_EXPECT_ANY_OF)
			return err_set(e, "%s: any_of cannot nest directly in any_of", q2);
		if (because)
			out->children[i].because = alloc_strdup(because);
		i++;
	}
	return 0;
}

int case_expect_parse(struct case_load *L, const cJSON *v, const char *path, struct case_expect *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!cJSON_IsObject(v))
		return err_set(e, "%s: expected an object (a packet pattern, closed, nothing, ordered, unordered or any_of)", path);
	if (cJSON_GetObjectItemCaseSensitive(v, "type"))
		return parse_pattern(L, v, path, out, e);
	if (cJSON_GetArraySize(v) != 1)
		return err_set(e, "%s: expected a packet pattern (with \"type\") or exactly one of closed, nothing, ordered, unordered, any_of",
			       path);
	const cJSON *k = v->child;
	char p[300];
	snprintf(p, sizeof p, "%s.%s", path, k->string);
	if (strcmp(k->string, "closed") == 0) {
		if (!cJSON_IsTrue(k))
			return err_set(e, "%s: expected true", p);
		out->kind = CASE_EXPECT_CLOSED;
		return 0;
	}
	if (strcmp(k->string, "nothing") == 0) {
		out->kind = CASE_EXPECT_NOTHING;
		if (cJSON_IsTrue(k))
			return 0;
		if (!cJSON_IsObject(k))
			return err_set(e, "%s: expected true or a packet pattern", p);
		if (fields_validate(L->cs->protocol, k, 'e', p, e) < 0 || case_load_scan(L, k, p, e) < 0)
			return -1;
		out->pattern = k;
		return 0;
	}
	if (strcmp(k->string, "ordered") == 0) {
		out->kind = CASE_EXPECT_ORDERED;
		return cJSON_IsObject(k) ? parse_repeat(L, k, p, out, e) : parse_children(L, k, p, out, 0, e);
	}
	if (strcmp(k->string, "unordered") == 0) {
		out->kind = CASE_EXPECT_UNORDERED;
		return parse_children(L, k, p, out, 1, e);
	}
	if (strcmp(k->string, "any_of") == 0)
		return parse_any_of(L, k, p, out, e);
	return err_set(e, "%s: unknown expectation (expected a packet pattern, closed, nothing, ordered, unordered or any_of)", p);
}
