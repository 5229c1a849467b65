/* test_clock.c - util/clock: milliseconds that never go backwards and
 * advance with time slept (the windows are measured on it). */
#include <check.h>
#include <time.h>

#include "tests/unit/suites.h"
#include "util/clock.h"

START_TEST(monotonic_ms)
{
	double a = clock_ms();
	for (int i = 0; i < 1000; i++) {
		double b = clock_ms();
		ck_assert(b >= a);
		a = b;
	}
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
	double d = clock_ms() - a;
	/* Milliseconds, not seconds or microseconds: a 20 ms sleep shows as 20 or more (and far below 20000). */
	ck_assert_msg(d >= 19.0 && d < 20000.0, "20 ms slept, clock moved %.3f", d);
}
END_TEST

Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("clock");
	tcase_add_test(tc, monotonic_ms);
	suite_add_tcase(s, tc);
	return s;
}
