/* repro.c - standalone reproducers of failing cases. See repro.h. */
#include "cli/repro.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "case/tmpl.h"
#include "util/alloc.h"
#include "util/json_util.h"

static int mkdir_p(const char *dir, struct err *e)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return err_set(e, "%s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return err_set(e, "%s: %s", buf, strerror(errno));
	return 0;
}

static int write_text(const char *path, const char *text, struct err *e)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return err_set(e, "%s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		return err_set(e, "%s: write error", path);
	return 0;
}

/* s with every "{name}" of the table replaced ("{{" stays a literal brace). */
static char *substitute(const char *s, const char *const *names, const char *const *values, size_t n)
{
	size_t cap = strlen(s) + 1, len = 0;
	char *out = alloc_bytes(cap);
	while (*s) {
		size_t k = n;
		if (s[0] == '{' && s[1] == '{') {
			k = n + 1; /* copy both braces untouched */
		} else if (s[0] == '{') {
			for (k = 0; k < n; k++) {
				size_t l = strlen(names[k]);
				if (strncmp(s + 1, names[k], l) == 0 && s[1 + l] == '}')
					break;
			}
		}
		const char *piece = k < n ? values[k] : s;
		size_t plen = k < n ? strlen(values[k]) : k == n + 1 ? 2 : 1;
		size_t skip = k < n ? strlen(names[k]) + 2 : plen;
		if (len + plen + 1 > cap) {
			cap = 2 * (len + plen + 1);
			out = alloc_resize(out, cap);
		}
		memcpy(out + len, piece, plen);
		len += plen;
		s += skip;
	}
	out[len] = '\0';
	return out;
}

static void fix_strings(cJSON *node, const char *const *names, const char *const *values, size_t n)
{
	cJSON *it;
	if (cJSON_IsString(node) && node->valuestring) {
		char *v = substitute(node->valuestring, names, values, n);
		cJSON_SetValuestring(node, v);
		free(v);
		return;
	}
	cJSON_ArrayForEach(it, node)
	{
		fix_strings(it, names, values, n);
	}
}

static int failed(const struct case_result *r)
{
	return r->verdict == VERDICT_FAIL || r->verdict == VERDICT_WARN;
}

/* The replay command, on one line. */
static void command(char *buf, size_t n, const char *dir, const char *id, const struct repro_opts *o)
{
	snprintf(buf, n, "mqttspec run%s --cases '%s' --only %s", o->replay ? o->replay : "", dir, id);
}

static int write_case(const char *dir, const struct run_result *run, const struct case_result *r,
		      const struct case_spec *cs, const struct repro_opts *o, FILE *readme, struct err *e)
{
	const char *prefix = run->run_prefix ? run->run_prefix : "";
	char topic[512], rest[512];
	snprintf(topic, sizeof topic, "%s/%s/%s", o->topic_prefix ? o->topic_prefix : "mqttspec", prefix, cs->id);
	snprintf(rest, sizeof rest, "%s/%s", prefix, cs->id);
	size_t n = 3 + r->nclients;
	const char **names = alloc_bytes(n * sizeof *names), **values = alloc_bytes(n * sizeof *values);
	char **owned = alloc_bytes((r->nclients + 1) * sizeof *owned);
	names[0] = tmpl_builtin_name(TMPL_TOPIC);
	values[0] = topic;
	names[1] = tmpl_builtin_name(TMPL_TOPIC_REST);
	values[1] = rest;
	names[2] = tmpl_builtin_name(TMPL_RUN);
	values[2] = prefix;
	for (size_t i = 0; i < r->nclients; i++) {
		size_t l = strlen(r->clients[i]) + 8;
		owned[i] = alloc_bytes(l);
		snprintf(owned[i], l, "client.%s", r->clients[i]);
		names[3 + i] = owned[i];
		values[3 + i] = r->client_ids[i] ? r->client_ids[i] : "";
	}
	cJSON *root = cJSON_Duplicate(cs->root, 1);
	fix_strings(root, names, values, n);
	/* Generated ids become fixed ones: a replay uses the failing run's ids. */
	cJSON *clients = cJSON_GetObjectItemCaseSensitive(root, "clients");
	for (size_t i = 0; clients && i < r->nclients; i++) {
		cJSON *c = cJSON_GetObjectItemCaseSensitive(clients, r->clients[i]);
		if (!c || cJSON_GetObjectItemCaseSensitive(c, "client_id"))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(c, "client_id_length");
		cJSON_AddStringToObject(c, "client_id", r->client_ids[i] ? r->client_ids[i] : "");
	}
	char cmd[2048], desc[2600], path[4400];
	command(cmd, sizeof cmd, dir, cs->id, o);
	snprintf(desc, sizeof desc,
		 "Reproducer written by mqttspec --repro from run %s (%s): the client ids and topics are that run's. "
		 "Replay: %s",
		 prefix, run->started_at ? run->started_at : "", cmd);
	cJSON_DeleteItemFromObjectCaseSensitive(root, "description");
	cJSON_AddStringToObject(root, "description", desc);
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	snprintf(path, sizeof path, "%s/%s.json", dir, cs->id);
	int rc = text ? write_text(path, text, e) : err_set(e, "out of memory");
	free(text);
	fprintf(readme, "%s\n", cmd);
	for (size_t i = 0; i < r->nclients; i++)
		free(owned[i]);
	free(owned);
	free(names);
	free(values);
	return rc;
}

/* The catalog of version `v`, so DIR works as --cases DIR on its own. 0, -1,
 * or 1 when the tool has no catalog of that version (5.0, before it ships). */
static int copy_catalog(const char *dir, const struct repro_opts *o, enum mqtt_version v, struct err *e)
{
	char path[4400];
	catalog_path(o->cases_dir ? o->cases_dir : "cases", v, path, sizeof path);
	if (v != MQTT_V311 && access(path, R_OK) != 0)
		return 1;
	size_t len;
	char *catalog = json_util_read_file(path, &len, e);
	if (!catalog)
		return -1;
	catalog_path(dir, v, path, sizeof path);
	int rc = write_text(path, catalog, e);
	free(catalog);
	return rc < 0 ? -1 : 0;
}

int repro_write_dir(const char *dir, const struct run_result *run, const struct case_spec *cases, size_t ncases,
		    const struct repro_opts *o, struct err *e)
{
	size_t nfail = 0;
	for (size_t i = 0; i < run->ncases && i < ncases; i++)
		nfail += (size_t)failed(&run->cases[i]);
	if (nfail == 0)
		return 0;
	char path[4400];
	snprintf(path, sizeof path, "%s/clauses", dir);
	if (mkdir_p(path, e) < 0)
		return -1;
	int rc = copy_catalog(dir, o, MQTT_V311, e);
	if (rc == 0 && copy_catalog(dir, o, MQTT_V5, e) == -1)
		rc = -1;
	if (rc < 0)
		return -1;
	snprintf(path, sizeof path, "%s/README", dir);
	FILE *readme = fopen(path, "w");
	if (!readme)
		return err_set(e, "%s: %s", path, strerror(errno));
	fprintf(readme, "# Reproducers of the failing cases of mqttspec run %s; one command per case:\n",
		run->run_prefix ? run->run_prefix : "");
	for (size_t i = 0; rc == 0 && i < run->ncases && i < ncases; i++)
		if (failed(&run->cases[i]))
			rc = write_case(dir, run, &run->cases[i], &cases[i], o, readme, e);
	if (fclose(readme) != 0 && rc == 0)
		rc = err_set(e, "%s: write error", path);
	return rc;
}
