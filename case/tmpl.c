/* tmpl.c - template expansion. See tmpl.h. */
#include "case/tmpl.h"
#include "case/tmpl_arith.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json_util.h"

void tmpl_vars_set(struct tmpl_vars *vs, const char *name, const char *value)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0) {
			free(vs->v[i].value);
			vs->v[i].value = alloc_strdup(value);
			return;
		}
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 8;
		vs->v = alloc_resize(vs->v, vs->cap * sizeof *vs->v);
	}
	vs->v[vs->n].name = alloc_strdup(name);
	vs->v[vs->n].value = alloc_strdup(value);
	vs->n++;
}

const char *tmpl_vars_get(const struct tmpl_vars *vs, const char *name)
{
	for (size_t i = 0; vs && i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0)
			return vs->v[i].value;
	return NULL;
}

void tmpl_vars_clear(struct tmpl_vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	memset(vs, 0, sizeof *vs);
}

/* Each built-in variable: its name, where the context holds its value, and
 * whether unset reads as "" (the credentials) rather than unknown. */
static const struct {
	const char *name;
	size_t at;
	int empty_if_unset;
} builtins[TMPL_NBUILTINS] = {
	[TMPL_TOPIC] = {"topic", offsetof(struct tmpl_ctx, topic), 0},
	[TMPL_TOPIC_REST] = {"topic_rest", offsetof(struct tmpl_ctx, topic_rest), 0},
	[TMPL_RUN] = {"run", offsetof(struct tmpl_ctx, run), 0},
	[TMPL_USERNAME] = {"username", offsetof(struct tmpl_ctx, username), 1},
	[TMPL_PASSWORD] = {"password", offsetof(struct tmpl_ctx, password), 1},
	[TMPL_TOL_MS] = {"tol_ms", offsetof(struct tmpl_ctx, tol_ms), 0},
	[TMPL_SLACK_MS] = {"slack_ms", offsetof(struct tmpl_ctx, slack_ms), 0},
	[TMPL_PERIOD_MS] = {"period_ms", offsetof(struct tmpl_ctx, period_ms), 0},
	[TMPL_MAX_WAIT_MS] = {"max_wait_ms", offsetof(struct tmpl_ctx, max_wait_ms), 0},
	[TMPL_AUTH_METHOD] = {"auth_method", offsetof(struct tmpl_ctx, auth_method), 1},
	[TMPL_AUTH_DATA] = {"auth_data", offsetof(struct tmpl_ctx, auth_data), 1},
};

const char *tmpl_builtin_name(enum tmpl_builtin b)
{
	return builtins[b].name;
}

static int builtin_index(const char *name)
{
	for (int i = 0; i < TMPL_NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return i;
	return -1;
}

int tmpl_is_builtin(const char *name)
{
	return builtin_index(name) >= 0;
}

const char *tmpl_client_var(const char *name)
{
	return strncmp(name, "client.", 7) == 0 ? name + 7 : NULL;
}

const char *tmpl_get(const struct tmpl_ctx *c, const char *name)
{
	const char *v = tmpl_vars_get(c->overlay, name);
	if (v)
		return v;
	int b = builtin_index(name);
	if (b >= 0) {
		v = *(const char *const *)((const char *)c + builtins[b].at);
		return v || !builtins[b].empty_if_unset ? v : "";
	}
	const char *client = tmpl_client_var(name);
	if (client) {
		for (size_t i = 0; i < c->nclients; i++)
			if (strcmp(c->client_names[i], client) == 0)
				return c->client_ids[i];
		return NULL;
	}
	return tmpl_vars_get(&c->vars, name);
}

/* A growable byte buffer inside expansion. */
struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = alloc_resize(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* Index of the '}' closing the '{' at s[0], honouring nesting; 0 if none. */
static size_t closing(const char *s)
{
	int depth = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i;
	}
	return 0;
}

static int expand_into(const struct tmpl_ctx *c, const char *in, size_t len, struct buf *b, struct err *e)
{
	for (size_t i = 0; i < len;) {
		if (in[i] == '{' && i + 1 < len && in[i + 1] == '{') {
			buf_add(b, "{", 1);
			i += 2;
		} else if (in[i] == '}' && i + 1 < len && in[i + 1] == '}') {
			buf_add(b, "}", 1);
			i += 2;
		} else if (in[i] == '{') {
			size_t j = closing(in + i);
			if (j == 0 || i + j >= len)
				return err_set(e, "unbalanced '{' in \"%.*s\"", (int)len, in);
			char name[128];
			size_t n = j - 1;
			if (n >= sizeof name)
				return err_set(e, "variable name too long in \"%.*s\"", (int)len, in);
			memcpy(name, in + i + 1, n);
			name[n] = '\0';
			const char *v = tmpl_get(c, name);
			if (!v)
				return err_set(e, "unknown variable {%s}", name);
			buf_add(b, v, strlen(v));
			i += j + 1;
		} else if (in[i] == '}') {
			return err_set(e, "unbalanced '}' in \"%.*s\"", (int)len, in);
		} else {
			buf_add(b, in + i, 1);
			i++;
		}
	}
	return 0;
}

int tmpl_expand(const struct tmpl_ctx *c, const char *in, struct arena *a, char **out, struct err *e)
{
	struct buf b = {0};
	buf_add(&b, "", 0);
	if (expand_into(c, in, strlen(in), &b, e) < 0) {
		free(b.p);
		return -1;
	}
	*out = arena_strndup(a, b.p, b.n);
	free(b.p);
	return 0;
}

int tmpl_int(const struct tmpl_ctx *c, const cJSON *v, long lo, long hi, struct arena *a, long *out, struct err *e)
{
	long x;
	if (cJSON_IsNumber(v)) {
		if (json_util_long(v, &x) < 0)
			return err_set(e, "%g is not an integer in range %ld..%ld", v->valuedouble, lo, hi);
	} else if (cJSON_IsBool(v)) {
		x = cJSON_IsTrue(v);
	} else if (cJSON_IsString(v)) {
		char *s;
		if (tmpl_expand(c, v->valuestring, a, &s, e) < 0)
			return -1;
		struct tmpl_arith ar = {s, 0};
		if (tmpl_arith_eval(&ar, &x) < 0)
			return err_set(e, "\"%s\" expands to \"%s\", not an integer: %s", v->valuestring, s, ar.why);
	} else {
		return err_set(e, "expected an integer");
	}
	if (x < lo || x > hi)
		return err_set(e, "%ld is out of range %ld..%ld", x, lo, hi);
	*out = x;
	return 0;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* {auth_data} in hex: the declared datum's bytes (its value is their hex). */
static int hex_auth_data(const struct tmpl_ctx *c, struct buf *b, struct err *e)
{
	const char *h = c->auth_data ? c->auth_data : "";
	for (size_t i = 0; h[i] && h[i + 1]; i += 2) {
		int hi = hexval(h[i]), lo = hexval(h[i + 1]);
		if (hi < 0 || lo < 0)
			return err_set(e, "hex: {auth_data} is not hex");
		uint8_t x = (uint8_t)(hi << 4 | lo);
		buf_add(b, &x, 1);
	}
	return 0;
}

/* The {utf8:TEXT} or {str:TEXT} at s (its '}' at s[j]): the expanded text's
 * bytes, after a two-byte length for str:, appended to b. */
static int hex_insert(const struct tmpl_ctx *c, const char *s, size_t j, struct buf *b, struct err *e)
{
	const char *inner = s + 1;
	size_t ilen = j - 1, skip;
	int with_len;
	if (strncmp(inner, "utf8:", 5) == 0) {
		with_len = 0;
		skip = 5;
	} else if (strncmp(inner, "str:", 4) == 0) {
		with_len = 1;
		skip = 4;
	} else if (ilen == 9 && strncmp(inner, "auth_data", 9) == 0) {
		return hex_auth_data(c, b, e);
	} else {
		return err_set(e, "hex: expected {utf8:TEXT} or {str:TEXT}, got {%.*s}", (int)ilen, inner);
	}
	struct buf t = {0};
	buf_add(&t, "", 0);
	if (expand_into(c, inner + skip, ilen - skip, &t, e) < 0) {
		free(t.p);
		return -1;
	}
	if (with_len) {
		if (t.n > 65535) {
			free(t.p);
			return err_set(e, "hex: {str:...} longer than 65535 bytes");
		}
		uint8_t l[2] = {(uint8_t)(t.n >> 8), (uint8_t)t.n};
		buf_add(b, l, 2);
	}
	buf_add(b, t.p, t.n);
	free(t.p);
	return 0;
}

int tmpl_hex(const struct tmpl_ctx *c, const char *in, struct arena *a, uint8_t **out, size_t *n, struct err *e)
{
	struct buf b = {0};
	buf_add(&b, "", 0);
	int hi = -1;
	for (size_t i = 0; in[i];) {
		if (in[i] == '{') {
			size_t j = closing(in + i);
			if (j == 0 || hi >= 0)
				goto bad;
			if (hex_insert(c, in + i, j, &b, e) < 0) {
				free(b.p);
				return -1;
			}
			i += j + 1;
			continue;
		}
		if (isspace((unsigned char)in[i]) || in[i] == ':') {
			i++;
			continue;
		}
		int v = hexval((unsigned char)in[i]);
		if (v < 0)
			goto bad;
		if (hi < 0) {
			hi = v;
		} else {
			uint8_t byte = (uint8_t)(hi << 4 | v);
			buf_add(&b, &byte, 1);
			hi = -1;
		}
		i++;
	}
	if (hi >= 0)
		goto bad;
	*n = b.n;
	*out = arena_alloc(a, b.n ? b.n : 1);
	memcpy(*out, b.p, b.n);
	free(b.p);
	return 0;
bad:
	free(b.p);
	return err_set(e, "hex: \"%s\" is not an even number of hex digits", in);
}

int tmpl_scan(const char *in, int (*cb)(void *arg, const char *name, struct err *e), void *arg, struct err *e)
{
	size_t len = strlen(in);
	for (size_t i = 0; i < len;) {
		if ((in[i] == '{' && in[i + 1] == '{') || (in[i] == '}' && in[i + 1] == '}')) {
			i += 2;
		} else if (in[i] == '{') {
			size_t j = closing(in + i);
			if (j == 0)
				return err_set(e, "unbalanced '{' in \"%s\"", in);
			char name[128];
			size_t n = j - 1;
			if (n >= sizeof name || n == 0)
				return err_set(e, "bad variable name in \"%s\"", in);
			memcpy(name, in + i + 1, n);
			name[n] = '\0';
			if (strncmp(name, "utf8:", 5) == 0 || strncmp(name, "str:", 4) == 0) {
				if (tmpl_scan(strchr(name, ':') + 1, cb, arg, e) < 0)
					return -1;
			} else if (cb(arg, name, e) < 0) {
				return -1;
			}
			i += j + 1;
		} else if (in[i] == '}') {
			return err_set(e, "unbalanced '}' in \"%s\"", in);
		} else {
			i++;
		}
	}
	return 0;
}

static char *replace_all(const char *s, const char *pat, const char *rep)
{
	size_t pl = strlen(pat), rl = strlen(rep);
	struct buf b = {0};
	buf_add(&b, "", 0);
	while (*s) {
		if (strncmp(s, pat, pl) == 0) {
			buf_add(&b, rep, rl);
			s += pl;
		} else {
			buf_add(&b, s, 1);
			s++;
		}
	}
	return b.p;
}

void tmpl_subst_json(cJSON *node, const char *name, const char *value)
{
	char pat[160];
	snprintf(pat, sizeof pat, "{%s}", name);
	if (cJSON_IsString(node) && strstr(node->valuestring, pat)) {
		char *r = replace_all(node->valuestring, pat, value);
		cJSON_SetValuestring(node, r);
		free(r);
	}
	cJSON *it;
	cJSON_ArrayForEach(it, node)
	{
		tmpl_subst_json(it, name, value);
	}
}
