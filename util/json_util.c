/* json_util.c - see json_util.h. */
#include "util/alloc.h"
#include "util/json_util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>




char *json_util_read_file(const char *path, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return err_set(e, "%s: %s", path, strerror(errno)), NULL;
	size_t cap = 4096, n = 0;
	char *buf = alloc_bytes(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > (size_t)64 << 20) {
				fclose(f);
				free(buf);
				return err_set(e, "%s: file larger than 64 MiB", path), NULL;
			}
			cap *= 2;
			buf = alloc_resize(buf, cap);
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return err_set(e, "%s: read error", path), NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

cJSON *json_util_parse(const char *text, struct err *e)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (root)
		return root;
	/* cJSON reports where it stopped; turn that into line:column. */
	size_t line = 1, col = 1;
	for (const char *p = text; end && p < end && *p; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	err_set(e, "line %zu, column %zu: JSON syntax error", line, col);
	return NULL;
}

cJSON *json_util_parse_file(const char *path, struct err *e)
{
	size_t len = 0;
	char *text = json_util_read_file(path, &len, e);
	if (!text)
		return NULL;
	if (strlen(text) != len) {
		free(text);
		return err_set(e, "%s: NUL byte in file", path), NULL;
	}
	cJSON *root = json_util_parse(text, e);
	free(text);
	if (!root)
		err_prefix(e, "%s", path);
	return root;
}

int json_util_known_keys(const cJSON *obj, const char *path, const char *const *keys, struct err *e)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, obj)
	{
		int ok = 0;
		for (const char *const *k = keys; *k; k++)
			if (strcmp(*k, it->string) == 0)
				ok = 1;
		if (!ok)
			return err_set(e, "%s.%s: unknown field", path, it->string);
	}
	return 0;
}

int json_util_str(const cJSON *obj, const char *key, const char *path, int required, const char **out, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return required ? err_set(e, "%s.%s: required field missing", path, key) : 1;
	if (!cJSON_IsString(v))
		return err_set(e, "%s.%s: expected a string", path, key);
	*out = v->valuestring;
	return 0;
}

int json_util_long(const cJSON *v, long *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= -9007199254740992.0 && v->valuedouble <= 9007199254740992.0))
		return -1;
	long x = (long)v->valuedouble;
	if ((double)x != v->valuedouble)
		return -1;
	*out = x;
	return 0;
}

int json_util_int(const cJSON *obj, const char *key, const char *path, int required, long lo, long hi, long *out, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return required ? err_set(e, "%s.%s: required field missing", path, key) : 1;
	long x;
	if (json_util_long(v, &x) < 0)
		return err_set(e, "%s.%s: expected an integer", path, key);
	if (x < lo || x > hi)
		return err_set(e, "%s.%s: %ld is out of range %ld..%ld", path, key, x, lo, hi);
	*out = x;
	return 0;
}

int json_util_bool(const cJSON *obj, const char *key, const char *path, int required, int *out, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return required ? err_set(e, "%s.%s: required field missing", path, key) : 1;
	if (!cJSON_IsBool(v))
		return err_set(e, "%s.%s: expected true or false", path, key);
	*out = cJSON_IsTrue(v);
	return 0;
}
