/*
 * baseline.h - the CI gate on regressions: a file of known failures.
 *
 *   {"format": "mqttspec-baseline", "version": 2, "broker": "mosquitto 2.0.11",
 *    "entries": [{"clause": "3.1.1:MQTT-3.1.2-24", "case": "connect-keep-alive-enforced",
 *                 "reason": "what the check got when the baseline was written"}]}
 *
 * An entry's clause is qualified with its protocol version: the ids of 3.1.1
 * and 5.0 look alike. A version 1 file (bare ids, written before 5.0) is
 * read as 3.1.1.
 *
 * A broker author gates every commit on the suite, but a broker rarely
 * passes everything; the baseline lists the (clause, case) pairs that are
 * known to fail, so only a new failure turns the build red, and an entry
 * that now passes is reported as fixed so the baseline can be tightened.
 * Clause verdicts do not change: a known FAIL is still a FAIL for the
 * broker; only the exit status and how the reports present it do.
 */
#ifndef BASELINE_H
#define BASELINE_H

#include <stdio.h>

#include "util/err.h"
#include "result/results.h"

struct baseline_entry {
	enum mqtt_version version;
	char *clause; /* the bare id */
	char *case_id;
	char *reason; /* may be NULL */
};

struct baseline {
	char *path;
	char *broker; /* may be NULL */
	struct baseline_entry *entries;
	size_t n;
	struct run_fixed *fixed; /* filled by baseline_apply(), pointed at by the run */
	size_t nfixed;
};

/* Load and validate. 0, or -1 with "path: json.path: what is wrong". */
int baseline_load(struct baseline *b, const char *path, struct err *e);

/* Mark the run's failed checks that the baseline lists (check.baselined),
 * count regressions and known failures, and list the entries that now pass
 * (their clause held in their case and no check of it failed there). Sets
 * run->baseline and friends; `b` must outlive every use of `run`. */
void baseline_apply(struct baseline *b, struct run_result *run);

/* 1 if a failed check counts toward the exit status: MUST-level, or
 * SHOULD-level in a strict run. */
int baseline_check_counts(const struct run_result *run, const struct check_result *ch);

/* The exit status: without a baseline results_exit_status(); with one, 1
 * only when there is a regression. */
int baseline_exit_status(const struct run_result *run);

/* The run's failures that count, as a baseline file of version 2 (one entry
 * per clause and case, the clause qualified with the case's version;
 * reason: the check's actual text, shortened). */
int baseline_write(const struct run_result *run, FILE *out, struct err *e);

void baseline_free(struct baseline *b);

#endif
