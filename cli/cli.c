/* cli.c - what the commands share: where the cases are, loading them. See cli.h. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "cli/cli.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"

#ifndef MQTTSPEC_DATADIR
#define MQTTSPEC_DATADIR "/usr/local/share/mqttspec"
#endif

int cli_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "mqttspec: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(mqttspec --help shows the options)\n");
	return 2;
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The in-tree cases/ (build/../cases), the installed ones beside the binary
 * (bin/../share/mqttspec/cases, whatever the PREFIX), else the compiled-in path. */
static const char *default_cases(char *buf, size_t n)
{
	char exe[2048], try[2300];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			static const char *const rel[] = {"../cases", "../share/mqttspec/cases"};
			for (size_t i = 0; i < 2; i++) {
				snprintf(try, sizeof try, "%s/%s", exe, rel[i]);
				if (is_dir(try) && realpath(try, buf))
					return buf;
			}
		}
	}
	(void)n;
	snprintf(buf, n, "%s/cases", MQTTSPEC_DATADIR);
	if (is_dir(buf))
		return buf;
	return "cases";
}

/* Move the cases of `more` to the end of `set`; an id already in `set` is an
 * error naming both files. `more` is emptied either way. */
static int merge_cases(struct case_set *set, struct case_set *more, struct err *e)
{
	for (size_t i = 0; i < more->n; i++)
		for (size_t j = 0; j < set->n; j++)
			if (strcmp(more->cases[i].id, set->cases[j].id) == 0) {
				err_set(e, "%s: $.id: \"%s\" is also the id of %s", more->cases[i].file,
					more->cases[i].id, set->cases[j].file);
				case_set_free(more);
				return -1;
			}
	set->cases = alloc_resize(set->cases, (set->n + more->n + 1) * sizeof *set->cases);
	memcpy(set->cases + set->n, more->cases, more->n * sizeof *more->cases);
	set->n += more->n;
	free(more->cases);
	memset(more, 0, sizeof *more);
	return 0;
}

/* The catalogs belong to the tool, never to a --cases folder: users'
 * folders hold only case files, and every case of a version names the same
 * clauses. Both ship with the tool, so a missing one is a broken install,
 * said as such rather than found later as an unknown clause. */
static int load_catalogs(const char *dir, struct catalog *cat, struct err *e)
{
	char path[4200];
	if (catalog_load(cat, catalog_path(dir, MQTT_V311, path, sizeof path), MQTT_V311, e) < 0)
		return -1;
	if (catalog_add(cat, catalog_path(dir, MQTT_V5, path, sizeof path), MQTT_V5, e) < 0) {
		catalog_free(cat);
		return -1;
	}
	return 0;
}

int cli_load_err(const struct cli_opts *o, struct catalog *cat, struct case_set *set, struct err *e)
{
	if (load_catalogs(o->cases_dir, cat, e) < 0)
		return -1;
	if (!set)
		return 0;
	memset(set, 0, sizeof *set);
	if (!o->nuser_cases && case_load_dir(set, o->cases_dir, cat, e) == 0)
		return 0;
	for (size_t i = 0; i < o->nuser_cases; i++) {
		struct case_set more;
		if (case_load_dir(&more, o->user_cases[i], cat, e) < 0 || merge_cases(set, &more, e) < 0)
			break;
		if (i + 1 == o->nuser_cases)
			return 0;
	}
	case_set_free(set);
	catalog_free(cat);
	return -1;
}

int cli_load(const struct cli_opts *o, struct catalog *cat, struct case_set *set)
{
	struct err e;
	if (cli_load_err(o, cat, set, &e) == 0)
		return 0;
	fprintf(stderr, "mqttspec: %s\n", e.msg);
	return -1;
}

int cli_parse(int argc, char **argv, struct cli_opts *o)
{
	static char cases_buf[PATH_MAX];
	o->cases_dir = getenv("MQTTSPEC_CASES") ? getenv("MQTTSPEC_CASES") : default_cases(cases_buf, sizeof cases_buf);
	return cli_options_parse(argc, argv, o);
}
