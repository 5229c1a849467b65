/* case_load.c - what every part of the loader shares: the JSON it owns, and the
 * {name} references it checks once the whole case is read. See case_load.h. */
#include <string.h>

#include "case/case_load.h"
#include "util/alloc.h"
#include "case/tmpl.h"

cJSON *case_load_own(struct case_load *L, cJSON *node)
{
	cJSON_AddItemToArray(L->cs->owned, node);
	return node;
}

void case_load_ref_add(struct case_load *L, const char *name, const char *path)
{
	L->refs = alloc_resize(L->refs, (L->nrefs + 1) * sizeof *L->refs);
	L->refs[L->nrefs].name = alloc_strdup(name);
	L->refs[L->nrefs].path = alloc_strdup(path);
	L->nrefs++;
}

struct scan_arg {
	struct case_load *L;
	const char *path;
};

static int scan_cb(void *arg, const char *name, struct err *e)
{
	(void)e;
	struct scan_arg *a = arg;
	case_load_ref_add(a->L, name, a->path);
	return 0;
}

int case_load_scan(struct case_load *L, const cJSON *node, const char *path, struct err *e)
{
	if (cJSON_IsString(node)) {
		if (node->string && strcmp(node->string, "capture") == 0) {
			L->captures = alloc_resize(L->captures, (L->ncaptures + 1) * sizeof *L->captures);
			L->captures[L->ncaptures++] = alloc_strdup(node->valuestring);
			return 0;
		}
		if (node->string && strcmp(node->string, "because") == 0)
			return 0;
		size_t kl = node->string ? strlen(node->string) : 0;
		if (kl >= 3 && strcmp(node->string + kl - 3, "hex") == 0) {
			/* In hex, text goes in through {utf8:...} or {str:...}; a bare {name}
			 * would be ambiguous (its bytes? its length?). {auth_data} is hex
			 * already (the declared datum may be any bytes). */
			const char *v = node->valuestring;
			for (const char *b = strchr(v, '{'); b; b = strchr(b + 1, '{')) {
				int nested = 0;
				for (const char *q = v; q < b; q++)
					nested += *q == '{' ? 1 : *q == '}' ? -1 : 0;
				if (nested == 0 && strncmp(b + 1, "utf8:", 5) != 0 && strncmp(b + 1, "str:", 4) != 0 &&
				    strncmp(b + 1, "auth_data}", 10) != 0)
					return err_set(e, "%s.%s: in hex, put text in with {utf8:...} or {str:...}, not a bare {...}",
						       path, node->string);
			}
		}
		struct scan_arg a = {L, path};
		if (tmpl_scan(node->valuestring, scan_cb, &a, e) < 0)
			return err_prefix(e, "%s%s%s", path, node->string ? "." : "", node->string ? node->string : "");
		return 0;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, node)
	{
		if (case_load_scan(L, it, path, e) < 0)
			return -1;
	}
	return 0;
}
