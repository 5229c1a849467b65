/* fake_listen.c - the fake brokers' listening socket (fake_listen.h). */
#include "tests/tools/fake_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int fake_listen(const char *who, int port, const char *port_file)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (ls < 0)
		return -1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	socklen_t al = sizeof a;
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 256) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &al) < 0) {
		fprintf(stderr, "%s: listen: %s\n", who, strerror(errno));
		close(ls);
		return -1;
	}
	fcntl(ls, F_SETFL, fcntl(ls, F_GETFL) | O_NONBLOCK);
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0 || rename(tmp, port_file) < 0) {
		fprintf(stderr, "%s: port file %s: %s\n", who, port_file, strerror(errno));
		close(ls);
		return -1;
	}
	return ls;
}
