/* capture.c - see capture.h. */
#include "tests/unit/capture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/json_util.h"

static char cap_path[64];
static int cap_fd = -1, cap_out = -1, cap_err = -1;

void capture_begin(void)
{
	snprintf(cap_path, sizeof cap_path, "/tmp/mqttspec-capture-XXXXXX");
	cap_fd = mkstemp(cap_path);
	ck_assert_int_ge(cap_fd, 0);
	fflush(stdout);
	fflush(stderr);
	cap_out = dup(1);
	cap_err = dup(2);
	ck_assert_int_ge(dup2(cap_fd, 1), 0);
	ck_assert_int_ge(dup2(cap_fd, 2), 0);
}

char *capture_end(void)
{
	fflush(stdout);
	fflush(stderr);
	dup2(cap_out, 1);
	dup2(cap_err, 2);
	close(cap_out);
	close(cap_err);
	close(cap_fd);
	struct err e;
	size_t n;
	char *text = json_util_read_file(cap_path, &n, &e);
	unlink(cap_path);
	ck_assert_msg(text != NULL, "%s", e.msg);
	return text;
}
