/*
 * cli.h - the command line: options shared by the commands, and the helpers
 * the commands share. The cli_* files and main.c are the only code that
 * prints to the terminal; exit statuses:
 *   0  nothing FAILs (with --strict, nothing WARNs either)
 *   1  some clause FAILs
 *   2  usage or set-up error (bad case file, unreachable or refusing broker)
 */
#ifndef CLI_H
#define CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "case/case.h"
#include "case/catalog.h"

#ifndef MQTTSPEC_VERSION
#define MQTTSPEC_VERSION "0.1.0"
#endif

struct cli_opts {
	char **brokers;
	size_t nbrokers;
	const char *cases_dir;    /* the tool's own cases/: its catalog, and the built-in suite */
	char **user_cases;        /* --cases DIR, each time given: these replace the built-in suite */
	size_t nuser_cases;
	char **only;
	size_t nonly;
	const char *protocol;     /* --protocol: "3.1.1", "5.0" or "all" (NULL: all) */
	long jobs;
	double time_scale;
	long tolerance_ms;
	long slack_ms;           /* broker timers: whole-second ticks (case-scenarios timer rule) */
	long period_ms;
	long max_wait_ms;
	double deadline_s;
	const char *json, *junit, *broker_name;
	int strict, dry_run, quiet, verbose, color;
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
	/* reports people read, the baseline gate, decode's direction */
	const char *html, *markdown, *baseline, *write_baseline, *repro, *from;
	/* transports and identities (brokers users do not run themselves) */
	const char *cafile, *cert, *key;
	int insecure;
	const char *username, *password_file;
	const char *auth_file; /* --auth */
	const char *client_prefix, *topic_prefix;
	int stay_in_prefix;
	long propagation_ms;
	const char *profile;
	int coverage;             /* list clauses --coverage */
};

/* Parse argv into o. Returns the index of the command word in argv, or -1 after
 * printing help/version (exit 0), or -2 on a usage error (exit 2, message printed). */
int cli_parse(int argc, char **argv, struct cli_opts *o);

/* --- cli_options.c: the option table --- */

/* cli_parse without the cases folder: the table's defaults, then argv. */
int cli_options_parse(int argc, char **argv, struct cli_opts *o);
/* --help: the commands, then a line or more per listed option. */
void cli_options_usage(FILE *out);
/* The options a replay of this run repeats (brokers, time scale, user
 * name), as " --broker 'URL' ...", in buf. */
void cli_options_replay(const struct cli_opts *o, char *buf, size_t n);

/* Print "mqttspec: <message>" and the hint to --help; returns 2. */
int cli_usage_error(const char *fmt, const char *arg);

/* Load the tool's catalogs (o->cases_dir/clauses: 3.1.1's, and 5.0's when
 * there is one) and, if set is not NULL,
 * the cases: those of every --cases folder, else the built-in suite. Case
 * ids are unique across folders. 0, or -1 with the message in e. */
int cli_load_err(const struct cli_opts *o, struct catalog *cat, struct case_set *set, struct err *e);
/* As cli_load_err, the message printed. 0, or -1. */
int cli_load(const struct cli_opts *o, struct catalog *cat, struct case_set *set);

/* Whether --only and --protocol select the case. `version`: the --protocol
 * asked for, -1 for all. A selector is a case id, a clause id or glob, or a
 * section ("3.1.2"), each bare (both versions) or qualified with a version
 * ("5.0:MQTT-3.1.2-3", "3.1.1:3.1"), which selects that version's cases only. */
int cli_selects(const struct cli_opts *o, int version, const struct case_spec *cs, const struct catalog *cat);

int cli_run(struct cli_opts *o);
int cli_list(struct cli_opts *o, const char *what);
/* mqttspec decode HEX... (argc 0: hex on standard input) */
int cli_decode(struct cli_opts *o, int argc, char **argv);
/* mqttspec explain CLAUSE: a bare id shows the clause of every version that
 * has it (--protocol V: of that one), a qualified id its version's. */
int cli_explain(struct cli_opts *o, const char *clause);
/* mqttspec compare A.json B.json ... */
int cli_compare(struct cli_opts *o, int argc, char **argv);

#endif
