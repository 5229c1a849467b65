/* cli_list.c - mqttspec list clauses|cases [--protocol V] [--coverage]: per
 * protocol version, each under its own heading (their ids look alike). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "result/results.h"
#include "util/alloc.h"

/* How the suite covers a clause. */
enum cover { COVER_TESTED, COVER_UNTESTED, COVER_CLIENT_ONLY, COVER_NCLASSES };

static enum cover classify(const struct catalog_clause *c, int tested)
{
	if (tested)
		return COVER_TESTED;
	/* A rule only the client must follow, which no broker behaviour can show broken. */
	if (strcmp(c->binds, "client") == 0)
		return COVER_CLIENT_ONLY;
	return COVER_UNTESTED;
}

/* One version's coverage: a table by section, then the clauses no case tests. */
static void coverage_of(const struct catalog *cat, const struct catalog_part *part, const struct case_set *set)
{
	const struct catalog_clause *cls = cat->clauses + part->first;
	size_t count = part->count;
	int *tested = alloc_zeroed(count + 1, sizeof *tested);
	for (size_t i = 0; i < set->n; i++)
		for (size_t j = 0; j < set->cases[i].nclaims; j++) {
			long k = catalog_index(cat, set->cases[i].protocol, set->cases[i].claims[j]);
			if (k >= (long)part->first && k < (long)(part->first + count))
				tested[k - (long)part->first]++;
		}
	static const char *const names[] = {"tested", "untested", "client-only"};
	size_t total[COVER_NCLASSES] = {0};
	/* Sections in spec order; our own ids join the section they stand in. */
	const char **secnames = alloc_array(NULL, count + 1, sizeof *secnames);
	for (size_t i = 0; i < count; i++)
		secnames[i] = cls[i].section;
	struct results_sections secs;
	results_sections_group(&secs, secnames, count);
	free(secnames);
	printf("%s\n%-8s %7s %9s %12s %6s\n", part->spec, "section", "tested", "untested", "client-only", "all");
	for (size_t k = 0; k < secs.n; k++) {
		size_t counts[COVER_NCLASSES] = {0}, all = 0;
		for (size_t j = 0; j < count; j++) {
			if (secs.group_of[j] != k)
				continue;
			counts[classify(&cls[j], tested[j])]++;
			all++;
		}
		printf("%-8s %7zu %9zu %12zu %6zu\n", secs.names[k], counts[0], counts[1], counts[2], all);
		for (int c = 0; c < COVER_NCLASSES; c++)
			total[c] += counts[c];
	}
	results_sections_free(&secs);
	printf("%-8s %7zu %9zu %12zu %6zu\n\n", "total", total[0], total[1], total[2], count);
	for (int want = COVER_UNTESTED; want <= COVER_CLIENT_ONLY; want++) {
		printf("%s:\n", names[want]);
		for (size_t i = 0; i < count; i++) {
			const struct catalog_clause *c = &cls[i];
			if ((int)classify(c, tested[i]) != want)
				continue;
			printf("  %-18s %s\n", c->id, c->untested_reason ? c->untested_reason : "no case checks it yet");
		}
	}
	free(tested);
}

/* Whether --protocol (`version`, -1 for all) shows the catalog part. */
static int shows(int version, const struct catalog_part *part)
{
	return version < 0 || version == (int)part->version;
}

/* Every clause of the versions shown, under a heading per version. */
static void list_clauses(const struct catalog *cat, int version)
{
	size_t n = 0;
	for (size_t p = 0; p < cat->nparts; p++) {
		const struct catalog_part *part = &cat->parts[p];
		if (!shows(version, part))
			continue;
		printf("%s%s (%zu clauses)\n", n ? "\n" : "", part->spec, part->count);
		for (size_t i = 0; i < part->count; i++) {
			const struct catalog_clause *c = &cat->clauses[part->first + i];
			printf("%-18s %-9s %-6s %-8s %-6s %s\n", c->id, c->section, catalog_level_name(c->level), c->binds,
			       c->observable, c->summary);
		}
		n += part->count;
	}
	printf("%zu clauses\n", n);
}

static void list_cases(const struct case_set *set, int version)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct case_spec *cs = &set->cases[i];
		if (version >= 0 && version != (int)cs->protocol)
			continue;
		printf("%-44s %s:", cs->id, mqtt_version_name(cs->protocol));
		for (size_t j = 0; j < cs->nclaims; j++)
			printf(" %s", cs->claims[j]);
		printf("\n    %s\n", cs->title);
		n++;
	}
	printf("%zu cases\n", n);
}

/* --protocol for list: a version, or all (-1). -2 after a usage error. */
static int list_version(const struct cli_opts *o, const struct catalog *cat)
{
	if (!o->protocol || strcmp(o->protocol, "all") == 0)
		return -1;
	int v = mqtt_version_from_name(o->protocol);
	if (v < 0) {
		cli_usage_error("--protocol: expected 3.1.1, 5.0 or all, got \"%s\"", o->protocol);
		return -2;
	}
	if (!catalog_part(cat, (enum mqtt_version)v)) {
		fprintf(stderr, "mqttspec: list --protocol %s: this mqttspec has no %s catalog\n", o->protocol, o->protocol);
		return -2;
	}
	return v;
}

int cli_list(struct cli_opts *o, const char *what)
{
	struct catalog cat;
	struct case_set set;
	int cases = strcmp(what, "cases") == 0;
	if (!cases && strcmp(what, "clauses") != 0)
		return cli_usage_error("list: expected \"clauses\" or \"cases\", got \"%s\"", what);
	if (o->coverage && cases)
		return cli_usage_error("%s", "--coverage goes with list clauses");
	int need_cases = cases || o->coverage;
	if (cli_load(o, &cat, need_cases ? &set : NULL) < 0)
		return 2;
	int version = list_version(o, &cat), rc = version == -2 ? 2 : 0;
	if (rc) {
		/* said already */
	} else if (o->coverage) {
		for (size_t p = 0, n = 0; p < cat.nparts; p++)
			if (shows(version, &cat.parts[p])) {
				printf("%s", n++ ? "\n" : "");
				coverage_of(&cat, &cat.parts[p], &set);
			}
	} else if (cases) {
		list_cases(&set, version);
	} else {
		list_clauses(&cat, version);
	}
	if (need_cases)
		case_set_free(&set);
	catalog_free(&cat);
	return rc;
}
