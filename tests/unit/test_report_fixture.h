/*
 * test_report_fixture.h - one fixed run for the golden-file tests of every
 * report writer: each verdict, a known failure, a regression and a fixed
 * baseline entry, real packet bytes (so the HTML decodes their fields), a
 * received packet that breaks a rule, and hostile broker strings (markup,
 * quotes, control bytes, an ANSI escape, invalid UTF-8).
 */
#ifndef TEST_REPORT_FIXTURE_H
#define TEST_REPORT_FIXTURE_H

#include "result/baseline.h"
#include "result/results.h"

#define TEST_REPORT_FIXTURE_HOSTILE "<&>\"' \x01\x1b[31m \xff\xfe a/</testcase> |*x*| `"

struct test_report_fixture {
	struct catalog cat;
	struct run_result run;
	struct baseline bl;
};

/* Build the run and aggregate it; with_baseline applies
 * tests/golden/baseline.json. */
void test_report_fixture_build(struct test_report_fixture *f, int with_baseline);
void test_report_fixture_free(struct test_report_fixture *f);

#endif
