/*
 * repro.h - --repro DIR: a standalone reproducer for every failing case.
 *
 * A broker author wants to replay one failure in seconds, with the bytes the
 * run sent. For each case with a failed check, DIR/<case-id>.json is the
 * case with the run's client ids and topic root written in (templates
 * {client.NAME}, {topic} and {run} replaced by what this run used), and
 * DIR/<case-id>.sh the one command that replays it. DIR/clauses/ holds a copy
 * of the catalog so DIR works as --cases DIR. DIR/README lists the commands.
 */
#ifndef REPRO_H
#define REPRO_H

#include <stddef.h>

#include "case/case.h"
#include "result/results.h"
#include "util/err.h"

/* What a reproducer needs of the run's command line, no more. */
struct repro_opts {
	const char *cases_dir;    /* the tool's cases/, whose catalog DIR gets a copy of */
	const char *topic_prefix; /* --topic-prefix, NULL for the default */
	const char *replay;       /* the options a replay repeats: " --broker 'URL' ..." */
};

/* Write the reproducers of `run` (whose cases are `cases`, in the same
 * order). 0, or -1 with `e` set. Writes nothing when no case failed. */
int repro_write_dir(const char *dir, const struct run_result *run, const struct case_spec *cases, size_t ncases,
		    const struct repro_opts *o, struct err *e);

#endif
