/* cli_list.c - mqttspec list clauses|cases. */
#include <stdio.h>
#include <string.h>

#include "harness/cli.h"

int cli_list(struct cli_opts *o, const char *what)
{
	struct catalog cat;
	struct case_set set;
	int cases = strcmp(what, "cases") == 0;
	if (!cases && strcmp(what, "clauses") != 0)
		return cli_usage_error("list: expected \"clauses\" or \"cases\", got \"%s\"", what);
	if (cli_load(o->cases_dir, &cat, cases ? &set : NULL) < 0)
		return 2;
	if (cases) {
		for (size_t i = 0; i < set.n; i++) {
			const struct case_spec *cs = &set.cases[i];
			printf("%-44s", cs->id);
			for (size_t j = 0; j < cs->nclaims; j++)
				printf(" %s", cs->claims[j]);
			printf("\n    %s\n", cs->title);
		}
		printf("%zu cases\n", set.n);
		case_set_free(&set);
	} else {
		for (size_t i = 0; i < cat.count; i++) {
			const struct catalog_clause *c = &cat.clauses[i];
			printf("%-18s %-9s %-6s %-8s %-6s %s\n", c->id, c->section, catalog_level_name(c->level), c->binds,
			       c->observable, c->summary);
		}
		printf("%zu clauses\n", cat.count);
	}
	catalog_free(&cat);
	return 0;
}

