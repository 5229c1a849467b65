/* cli_list.c - mqttspec list clauses|cases [--coverage]. */
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

static int coverage(const struct catalog *cat, const struct case_set *set)
{
	int *tested = alloc_zeroed(cat->count + 1, sizeof *tested);
	for (size_t i = 0; i < set->n; i++)
		for (size_t j = 0; j < set->cases[i].nclaims; j++) {
			long k = catalog_index(cat, set->cases[i].claims[j]);
			if (k >= 0)
				tested[k]++;
		}
	static const char *const names[] = {"tested", "untested", "client-only"};
	size_t total[COVER_NCLASSES] = {0};
	/* Sections in spec order; our own ids join the section they stand in. */
	const char **secnames = alloc_array(NULL, cat->count + 1, sizeof *secnames);
	for (size_t i = 0; i < cat->count; i++)
		secnames[i] = cat->clauses[i].section;
	struct results_sections secs;
	results_sections_group(&secs, secnames, cat->count);
	free(secnames);
	printf("%-8s %7s %9s %12s %6s\n", "section", "tested", "untested", "client-only", "all");
	for (size_t k = 0; k < secs.n; k++) {
		size_t counts[COVER_NCLASSES] = {0}, all = 0;
		for (size_t j = 0; j < cat->count; j++) {
			if (secs.group_of[j] != k)
				continue;
			counts[classify(&cat->clauses[j], tested[j])]++;
			all++;
		}
		printf("%-8s %7zu %9zu %12zu %6zu\n", secs.names[k], counts[0], counts[1], counts[2], all);
		for (int c = 0; c < COVER_NCLASSES; c++)
			total[c] += counts[c];
	}
	results_sections_free(&secs);
	printf("%-8s %7zu %9zu %12zu %6zu\n\n", "total", total[0], total[1], total[2], cat->count);
	for (int want = COVER_UNTESTED; want <= COVER_CLIENT_ONLY; want++) {
		printf("%s:\n", names[want]);
		for (size_t i = 0; i < cat->count; i++) {
			const struct catalog_clause *c = &cat->clauses[i];
			if ((int)classify(c, tested[i]) != want)
				continue;
			printf("  %-18s %s\n", c->id, c->untested_reason ? c->untested_reason : "no case checks it yet");
		}
	}
	free(tested);
	return 0;
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
	if (o->coverage) {
		coverage(&cat, &set);
	} else if (cases) {
		for (size_t i = 0; i < set.n; i++) {
			const struct case_spec *cs = &set.cases[i];
			printf("%-44s", cs->id);
			for (size_t j = 0; j < cs->nclaims; j++)
				printf(" %s", cs->claims[j]);
			printf("\n    %s\n", cs->title);
		}
		printf("%zu cases\n", set.n);
	} else {
		for (size_t i = 0; i < cat.count; i++) {
			const struct catalog_clause *c = &cat.clauses[i];
			printf("%-18s %-9s %-6s %-8s %-6s %s\n", c->id, c->section, catalog_level_name(c->level), c->binds,
			       c->observable, c->summary);
		}
		printf("%zu clauses\n", cat.count);
	}
	if (need_cases)
		case_set_free(&set);
	catalog_free(&cat);
	return 0;
}
