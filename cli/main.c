/* main.c - signals, then the command. See cli.h for the exit statuses. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

int main(int argc, char **argv)
{
	struct cli_opts o;
	memset(&o, 0, sizeof o);
	o.stop = &stop_flag;
	int at = cli_parse(argc, argv, &o), rc;
	if (at < 0) {
		free(o.brokers);
		free(o.only);
		free(o.user_cases);
		return at == -1 ? 0 : 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	const char *cmd = argv[at];
	rc = 2;
	if (strcmp(cmd, "run") == 0 && at + 1 == argc)
		rc = cli_run(&o);
	else if (strcmp(cmd, "list") == 0 && at + 2 == argc)
		rc = cli_list(&o, argv[at + 1]);
	else if (strcmp(cmd, "decode") == 0)
		rc = cli_decode(&o, argc - at - 1, argv + at + 1);
	else if (strcmp(cmd, "explain") == 0 && at + 2 == argc)
		rc = cli_explain(&o, argv[at + 1]);
	else if (strcmp(cmd, "compare") == 0 && at + 1 < argc)
		rc = cli_compare(&o, argc - at - 1, argv + at + 1);
	else if (strcmp(cmd, "explain") == 0 || strcmp(cmd, "compare") == 0)
		rc = cli_usage_error("%s: expected explain CLAUSE or compare A.json B.json ...", cmd);
	else if (strcmp(cmd, "run") == 0 || strcmp(cmd, "list") == 0)
		rc = cli_usage_error("%s: unexpected arguments (options go before or after the command, values after their option)", cmd);
	else
		rc = cli_usage_error("unknown command \"%s\"", cmd);
	free(o.brokers);
	free(o.only);
	free(o.user_cases);
	return rc;
}
