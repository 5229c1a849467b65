/* case.c - load case files (top level, clients, variables, folders). See case.h. */
#include "case/case.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "case/case_load.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/tmpl.h"

static const char *const top_keys[] = {"id",	"title",   "description",    "clients", "vars",
				       "steps", "cleanup", "outside_prefix", "needs",   "protocol", NULL};

/* The folder of the tree that holds each version's cases. */
static const struct {
	enum mqtt_version version;
	const char *folder;
} folders[] = {
	{MQTT_V311, "cases/mqtt-3.1.1/"},
	{MQTT_V5, "cases/mqtt-5.0/"},
};
#define NFOLDERS (sizeof folders / sizeof folders[0])

/* "protocol": a case speaks one version, and a file of the tree lives in that
 * version's folder (a file elsewhere, --cases DIR, may live anywhere). Every
 * client of the case speaks it, and its packets are built, read and judged
 * in it. */
static int parse_protocol(struct case_spec *cs, const cJSON *root, struct err *e)
{
	const char *name = NULL;
	if (json_util_str(root, "protocol", "$", 0, &name, e) < 0)
		return -1;
	int level = name ? mqtt_version_from_name(name) : MQTT_V311;
	if (level < 0)
		return err_set(e, "$.protocol: \"%s\": expected \"3.1.1\" or \"5.0\"", name);
	for (size_t i = 0; i < NFOLDERS; i++)
		if (strstr(cs->file, folders[i].folder) && (int)folders[i].version != level)
			return err_set(e, "$.protocol: the case speaks %s%s, but it is in %s, whose cases speak %s",
				       mqtt_version_name((enum mqtt_version)level), name ? "" : " (the default)",
				       folders[i].folder, mqtt_version_name(folders[i].version));
	cs->protocol = (enum mqtt_version)level;
	return 0;
}

static int known_var(struct case_load *L, const char *name)
{
	struct case_spec *cs = L->cs;
	if (tmpl_is_builtin(name))
		return 1;
	const char *client = tmpl_client_var(name);
	if (client) {
		for (size_t i = 0; i < cs->nclients; i++)
			if (strcmp(cs->clients[i].name, client) == 0)
				return 1;
		return 0;
	}
	for (size_t i = 0; i < cs->nvars; i++)
		if (strcmp(cs->var_names[i], name) == 0)
			return 1;
	for (size_t i = 0; i < L->ncaptures; i++)
		if (strcmp(L->captures[i], name) == 0)
			return 1;
	return 0;
}

static int valid_client_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 8 || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static int valid_id(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.'))
			return 0;
	return 1;
}

static int parse_clients(struct case_load *L, const cJSON *cl, struct err *e)
{
	struct case_spec *cs = L->cs;
	if (!cJSON_IsObject(cl) || cJSON_GetArraySize(cl) == 0)
		return err_set(e, "$.clients: expected an object with at least one client");
	cs->clients = alloc_zeroed((size_t)cJSON_GetArraySize(cl), sizeof *cs->clients);
	const cJSON *it;
	cJSON_ArrayForEach(it, cl)
	{
		static const char *const keys[] = {"client_id", "client_id_length", "auto_ack", "auto_auth", NULL};
		char p[200];
		snprintf(p, sizeof p, "$.clients.%s", it->string);
		if (!valid_client_name(it->string))
			return err_set(e, "%s: a client name is 1-8 characters of [a-z0-9], starting with a letter", p);
		if (!cJSON_IsObject(it))
			return err_set(e, "%s: expected an object of client options ({} for none)", p);
		const char *id = NULL;
		long len = 0;
		int ack = 0, auth = 0;
		/* Generated ids are up to 19 characters; a length below 20 could not keep them unique. */
		if (json_util_known_keys(it, p, keys, e) < 0 || json_util_str(it, "client_id", p, 0, &id, e) < 0 ||
		    json_util_int(it, "client_id_length", p, 0, 20, 65535, &len, e) < 0 ||
		    json_util_bool(it, "auto_ack", p, 0, &ack, e) < 0 || json_util_bool(it, "auto_auth", p, 0, &auth, e) < 0)
			return -1;
		if (auth && cs->protocol != MQTT_V5)
			return err_set(e, "%s.auto_auth: enhanced authentication (AUTH) is MQTT 5.0's; this case speaks 3.1.1", p);
		if (id && len)
			return err_set(e, "%s: give client_id or client_id_length, not both", p);
		cs->clients[cs->nclients].name = alloc_strdup(it->string);
		cs->clients[cs->nclients].client_id = id ? alloc_strdup(id) : NULL;
		cs->clients[cs->nclients].client_id_length = len;
		cs->clients[cs->nclients].auto_ack = ack;
		cs->clients[cs->nclients].auto_auth = auth;
		cs->nclients++;
		if (id && case_load_scan(L, cJSON_GetObjectItemCaseSensitive(it, "client_id"), p, e) < 0)
			return -1;
	}
	return 0;
}

static int parse_vars(struct case_load *L, const cJSON *v, struct err *e)
{
	struct case_spec *cs = L->cs;
	if (!cJSON_IsObject(v))
		return err_set(e, "$.vars: expected an object of name: value");
	size_t n = (size_t)cJSON_GetArraySize(v);
	cs->var_names = alloc_zeroed(n, sizeof(char *));
	cs->var_values = alloc_zeroed(n, sizeof(char *));
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char buf[64];
		const char *val;
		long num;
		if (cJSON_IsString(it)) {
			val = it->valuestring;
		} else if (json_util_long(it, &num) == 0) {
			snprintf(buf, sizeof buf, "%ld", num);
			val = buf;
		} else {
			return err_set(e, "$.vars.%s: expected a string or an integer", it->string);
		}
		if (tmpl_is_builtin(it->string) || strchr(it->string, '.') || strchr(it->string, '{') ||
		    strchr(it->string, '}') || strchr(it->string, ':'))
			return err_set(e, "$.vars.%s: reserved or invalid variable name", it->string);
		cs->var_names[cs->nvars] = alloc_strdup(it->string);
		cs->var_values[cs->nvars] = alloc_strdup(val);
		cs->nvars++;
	}
	return 0;
}

static void add_claim(struct case_spec *cs, const char *id)
{
	for (size_t i = 0; i < cs->nclaims; i++)
		if (cs->claims[i] == id)
			return;
	cs->claims = alloc_resize(cs->claims, (cs->nclaims + 1) * sizeof *cs->claims);
	cs->claims[cs->nclaims++] = id;
}

/* A send that holds its bytes (ws.with_next) is followed by a send of the same
 * client in the same list, which frames them: else they would never leave. */
static int check_held(const struct case_spec *cs, struct err *e)
{
	for (size_t i = 0; i < cs->nsteps + cs->ncleanup; i++) {
		const struct case_step *s = &cs->steps[i];
		if (!s->ws || !s->ws->hold)
			continue;
		const struct case_step *n = i + 1 < cs->nsteps + cs->ncleanup && i + 1 != cs->nsteps ? s + 1 : NULL;
		if (!n || (n->kind != CASE_STEP_SEND && n->kind != CASE_STEP_SEND_HEX) || n->client != s->client)
			return err_set(e, "%s.ws.with_next: the next step must be a send of the same client (it frames the held bytes)",
				       s->path);
	}
	return 0;
}

static int load_tree(struct case_load *L, const cJSON *root, struct err *e)
{
	struct case_spec *cs = L->cs;
	const char *id, *title, *desc = NULL;
	if (!cJSON_IsObject(root))
		return err_set(e, "$: expected an object");
	if (json_util_known_keys(root, "$", top_keys, e) < 0 || json_util_str(root, "id", "$", 1, &id, e) < 0 ||
	    json_util_str(root, "title", "$", 1, &title, e) < 0 ||
	    json_util_str(root, "description", "$", 0, &desc, e) < 0)
		return -1;
	if (!valid_id(id))
		return err_set(e, "$.id: \"%s\": use lowercase letters, digits, '-' and '.'", id);
	if (parse_protocol(cs, root, e) < 0)
		return -1;
	cs->id = alloc_strdup(id);
	cs->title = alloc_strdup(title);
	cs->description = desc ? alloc_strdup(desc) : NULL;
	const char *outside = NULL;
	if (json_util_str(root, "outside_prefix", "$", 0, &outside, e) < 0)
		return -1;
	cs->outside_prefix = outside ? alloc_strdup(outside) : NULL;
	const cJSON *needs = cJSON_GetObjectItemCaseSensitive(root, "needs");
	profile_caps_none(&cs->needs);
	if (needs && profile_parse_needs(needs, "$.needs", cs->protocol, &cs->needs, e) < 0)
		return -1;
	const cJSON *clients = cJSON_GetObjectItemCaseSensitive(root, "clients");
	if (!clients)
		return err_set(e, "$.clients: required field missing");
	if (parse_clients(L, clients, e) < 0)
		return -1;
	const cJSON *vars = cJSON_GetObjectItemCaseSensitive(root, "vars");
	if (vars && parse_vars(L, vars, e) < 0)
		return -1;
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(root, "steps");
	if (!steps)
		return err_set(e, "$.steps: required field missing");
	if (!cJSON_IsArray(steps) || cJSON_GetArraySize(steps) == 0)
		return err_set(e, "$.steps: expected a non-empty array");
	if (case_step_parse_list(L, steps, "steps", 0, e) < 0)
		return -1;
	const cJSON *cleanup = cJSON_GetObjectItemCaseSensitive(root, "cleanup");
	if (cleanup && case_step_parse_list(L, cleanup, "cleanup", 1, e) < 0)
		return -1;
	if (check_held(cs, e) < 0)
		return -1;
	for (size_t i = 0; i < L->nrefs; i++)
		if (!known_var(L, L->refs[i].name))
			return err_set(e, "%s: unknown variable {%s}", L->refs[i].path, L->refs[i].name);
	for (size_t i = 0; i < cs->nsteps; i++)
		for (size_t j = 0; j < cs->steps[i].nchecks; j++)
			add_claim(cs, cs->steps[i].checks[j]);
	if (cs->nclaims == 0)
		return err_set(e, "$.steps: no step has checks; a case must check at least one clause");
	return 0;
}

int case_load_file(struct case_spec *cs, const char *path, const struct catalog *cat, struct err *e)
{
	memset(cs, 0, sizeof *cs);
	cs->file = alloc_strdup(path);
	cs->owned = cJSON_CreateArray();
	cs->root = json_util_parse_file(path, e);
	if (!cs->root) {
		case_free(cs);
		return -1;
	}
	struct case_load L = {cs, cat, 0, NULL, 0, NULL, 0, NULL, 0xF000};
	int rc = load_tree(&L, cs->root, e);
	for (size_t i = 0; i < L.ncaptures; i++)
		free(L.captures[i]);
	free(L.captures);
	for (size_t i = 0; i < L.nrefs; i++) {
		free(L.refs[i].name);
		free(L.refs[i].path);
	}
	free(L.refs);
	free(L.labels);
	if (rc < 0) {
		case_free(cs);
		return err_prefix(e, "%s", path);
	}
	return 0;
}

void case_free(struct case_spec *cs)
{
	for (size_t i = 0; i < cs->nsteps + cs->ncleanup; i++) {
		struct case_step *s = &cs->steps[i];
		free(s->path);
		free(s->hex);
		free(s->ws);
		free(s->label);
		free(s->branch);
		free(s->checks);
		free(s->polices);
		case_expect_free(&s->expect);
		for (size_t g = 0; g < s->ngates; g++) {
			free(s->gates[g].var);
			for (size_t j = 0; j < s->gates[g].nvalues; j++)
				free(s->gates[g].values[j]);
			free(s->gates[g].values);
		}
		free(s->gates);
	}
	free(cs->steps);
	for (size_t i = 0; i < cs->nclients; i++) {
		free(cs->clients[i].name);
		free(cs->clients[i].client_id);
	}
	free(cs->clients);
	for (size_t i = 0; i < cs->nvars; i++) {
		free(cs->var_names[i]);
		free(cs->var_values[i]);
	}
	free(cs->var_names);
	free(cs->var_values);
	free(cs->claims);
	free(cs->file);
	free(cs->id);
	free(cs->title);
	free(cs->description);
	free(cs->outside_prefix);
	cJSON_Delete(cs->root);
	cJSON_Delete(cs->owned);
	memset(cs, 0, sizeof *cs);
}

/* Collect *.json paths under dir, skipping clauses/ (the catalog lives there). */
static int collect(const char *dir, char ***paths, size_t *n, int depth, struct err *e)
{
	if (depth > 8)
		return err_set(e, "%s: folders nested too deeply", dir);
	DIR *d = opendir(dir);
	if (!d)
		return err_set(e, "%s: cannot open folder", dir);
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char p[4096];
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		struct stat st;
		if (stat(p, &st) < 0)
			continue;
		size_t l = strlen(de->d_name);
		if (S_ISDIR(st.st_mode)) {
			if (strcmp(de->d_name, "clauses") == 0)
				continue;
			if (collect(p, paths, n, depth + 1, e) < 0) {
				closedir(d);
				return -1;
			}
		} else if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) {
			*paths = alloc_resize(*paths, (*n + 1) * sizeof **paths);
			(*paths)[(*n)++] = alloc_strdup(p);
		}
	}
	closedir(d);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int case_load_dir(struct case_set *set, const char *dir, const struct catalog *cat, struct err *e)
{
	memset(set, 0, sizeof *set);
	char **paths = NULL;
	size_t n = 0;
	int rc = collect(dir, &paths, &n, 0, e);
	if (rc == 0 && n == 0)
		rc = err_set(e, "%s: no case files (*.json) found", dir);
	if (rc == 0) {
		qsort(paths, n, sizeof *paths, cmp_str);
		set->cases = alloc_zeroed(n, sizeof *set->cases);
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (case_load_file(&set->cases[set->n], paths[i], cat, e) < 0) {
			rc = -1;
			break;
		}
		set->n++;
		for (size_t j = 0; j + 1 < set->n; j++)
			if (strcmp(set->cases[j].id, set->cases[set->n - 1].id) == 0) {
				rc = err_set(e, "%s: $.id: \"%s\" is also the id of %s", paths[i], set->cases[j].id,
					     set->cases[j].file);
				break;
			}
	}
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	if (rc < 0)
		case_set_free(set);
	return rc;
}

void case_set_free(struct case_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		case_free(&set->cases[i]);
	free(set->cases);
	memset(set, 0, sizeof *set);
}
