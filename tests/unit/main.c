/* Check runner: all suites, or the one named by CK_RUN_SUITE. */
#include <stdlib.h>

#include "tests/unit/suites.h"

int main(void)
{
	SRunner *sr = srunner_create(NULL);
#define X(name) srunner_add_suite(sr, name##_suite());
	TEST_SUITES(X)
#undef X
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
