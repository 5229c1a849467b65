/* catalog.c - load the clause catalog. See catalog.h. */
#include "case/catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json_util.h"

static const char *const clause_keys[] = {"id", "section", "keyword", "level", "binds", "observable",
					  "summary", "untested_reason", "own", NULL};

const char *catalog_level_name(enum catalog_level l)
{
	switch (l) {
	case CATALOG_MUST:
		return "MUST";
	case CATALOG_SHOULD:
		return "SHOULD";
	case CATALOG_MAY:
		return "MAY";
	}
	return "?";
}

static int load_clause(struct catalog_clause *c, const cJSON *o, const char *path, struct err *e)
{
	const char *id, *section, *keyword, *level, *binds, *obs, *summary, *reason = NULL;
	int own = 0;
	if (!cJSON_IsObject(o))
		return err_set(e, "%s: expected an object", path);
	if (json_util_known_keys(o, path, clause_keys, e) < 0 || json_util_str(o, "id", path, 1, &id, e) < 0 ||
	    json_util_str(o, "section", path, 1, &section, e) < 0 ||
	    json_util_str(o, "keyword", path, 1, &keyword, e) < 0 ||
	    json_util_str(o, "level", path, 1, &level, e) < 0 || json_util_str(o, "binds", path, 1, &binds, e) < 0 ||
	    json_util_str(o, "observable", path, 1, &obs, e) < 0 ||
	    json_util_str(o, "summary", path, 1, &summary, e) < 0 ||
	    json_util_str(o, "untested_reason", path, 0, &reason, e) < 0 ||
	    json_util_bool(o, "own", path, 0, &own, e) < 0)
		return -1;
	if (strcmp(level, "MUST") == 0)
		c->level = CATALOG_MUST;
	else if (strcmp(level, "SHOULD") == 0)
		c->level = CATALOG_SHOULD;
	else if (strcmp(level, "MAY") == 0)
		c->level = CATALOG_MAY;
	else
		return err_set(e, "%s.level: expected MUST, SHOULD or MAY", path);
	if (strcmp(obs, "yes") && strcmp(obs, "partly") && strcmp(obs, "no"))
		return err_set(e, "%s.observable: expected yes, partly or no", path);
	if (strcmp(obs, "no") == 0 && !reason)
		return err_set(e, "%s.untested_reason: required when observable is \"no\"", path);
	c->id = alloc_strdup(id);
	c->section = alloc_strdup(section);
	c->keyword = alloc_strdup(keyword);
	c->binds = alloc_strdup(binds);
	c->observable = alloc_strdup(obs);
	c->summary = alloc_strdup(summary);
	c->untested_reason = reason ? alloc_strdup(reason) : NULL;
	c->own = own;
	return 0;
}

static void clause_free(struct catalog_clause *c)
{
	free(c->id);
	free(c->section);
	free(c->keyword);
	free(c->binds);
	free(c->observable);
	free(c->summary);
	free(c->untested_reason);
}

/* The clauses of one file, after `cat`'s; `first` is where they start. A
 * duplicate is looked for in this version's clauses only: the other
 * version's ids look alike on purpose. */
static int load_clauses(struct catalog *cat, const cJSON *arr, enum mqtt_version v, size_t first, struct err *e)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		char p[64];
		struct catalog_clause *c = &cat->clauses[cat->count];
		snprintf(p, sizeof p, "$.clauses[%zu]", cat->count - first);
		if (load_clause(c, it, p, e) < 0)
			return -1;
		c->version = v;
		cat->count++;
		for (size_t i = first; i + 1 < cat->count; i++)
			if (strcmp(cat->clauses[i].id, c->id) == 0)
				return err_set(e, "%s.id: duplicate clause %s", p, c->id);
	}
	return 0;
}

int catalog_add(struct catalog *cat, const char *path, enum mqtt_version v, struct err *e)
{
	if (!mqtt_version_name(v))
		return err_set(e, "%s: no protocol version %d", path, (int)v);
	if (catalog_part(cat, v) || cat->nparts >= CATALOG_MAX_VERSIONS)
		return err_set(e, "%s: the %s catalog is loaded already", path, mqtt_version_name(v));
	cJSON *root = json_util_parse_file(path, e);
	if (!root)
		return -1;
	const char *spec = "";
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "clauses");
	size_t first = cat->count;
	if (json_util_str(root, "spec", "$", 1, &spec, e) < 0)
		goto fail;
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
		err_set(e, "$.clauses: expected a non-empty array");
		goto fail;
	}
	cat->clauses = alloc_resize(cat->clauses, (first + (size_t)cJSON_GetArraySize(arr)) * sizeof *cat->clauses);
	memset(cat->clauses + first, 0, (size_t)cJSON_GetArraySize(arr) * sizeof *cat->clauses);
	if (load_clauses(cat, arr, v, first, e) < 0)
		goto fail;
	cat->parts[cat->nparts++] = (struct catalog_part){v, alloc_strdup(spec), first, cat->count - first};
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	for (size_t i = first; i < cat->count; i++)
		clause_free(&cat->clauses[i]);
	cat->count = first;
	if (!first) {
		free(cat->clauses);
		cat->clauses = NULL;
	}
	return err_prefix(e, "%s", path);
}

int catalog_load(struct catalog *cat, const char *path, enum mqtt_version v, struct err *e)
{
	memset(cat, 0, sizeof *cat);
	return catalog_add(cat, path, v, e);
}

void catalog_free(struct catalog *cat)
{
	for (size_t i = 0; i < cat->count; i++)
		clause_free(&cat->clauses[i]);
	for (size_t i = 0; i < cat->nparts; i++)
		free(cat->parts[i].spec);
	free(cat->clauses);
	memset(cat, 0, sizeof *cat);
}

const struct catalog_part *catalog_part(const struct catalog *cat, enum mqtt_version v)
{
	for (size_t i = 0; i < cat->nparts; i++)
		if (cat->parts[i].version == v)
			return &cat->parts[i];
	return NULL;
}

long catalog_index(const struct catalog *cat, enum mqtt_version v, const char *id)
{
	const struct catalog_part *p = catalog_part(cat, v);
	for (size_t i = 0; p && id && i < p->count; i++)
		if (strcmp(cat->clauses[p->first + i].id, id) == 0)
			return (long)(p->first + i);
	return -1;
}

const struct catalog_clause *catalog_find(const struct catalog *cat, enum mqtt_version v, const char *id)
{
	long i = catalog_index(cat, v, id);
	return i < 0 ? NULL : &cat->clauses[i];
}

int catalog_id_parse(const char *text, int *version, const char **id)
{
	const char *colon = strchr(text, ':');
	*version = -1;
	*id = text;
	if (!colon)
		return 0;
	char name[16];
	size_t n = (size_t)(colon - text);
	if (n >= sizeof name)
		return -1;
	memcpy(name, text, n);
	name[n] = '\0';
	int v = mqtt_version_from_name(name);
	if (v < 0)
		return -1;
	*version = v;
	*id = colon + 1;
	return 0;
}

char *catalog_id_qualify(enum mqtt_version v, const char *id, char *buf, size_t n)
{
	const char *name = mqtt_version_name(v);
	snprintf(buf, n, "%s:%s", name ? name : "?", id ? id : "?");
	return buf;
}

int catalog_section_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
			if (x != y)
				return x < y ? -1 : 1;
		} else {
			if (*a != *b)
				return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			a++;
			b++;
		}
	}
	return *a ? 1 : *b ? -1 : 0;
}

char *catalog_path(const char *dir, enum mqtt_version v, char *buf, size_t n)
{
	const char *name = mqtt_version_name(v);
	snprintf(buf, n, "%s/clauses/mqtt-%s.json", dir, name ? name : "?");
	return buf;
}
