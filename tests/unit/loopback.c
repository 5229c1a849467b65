/* loopback.c - see loopback.h. */
#include "tests/unit/loopback.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int loopback_listen(const char *scheme, char *url, size_t n)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &al), 0);
	snprintf(url, n, "%s://127.0.0.1:%u", scheme, (unsigned)ntohs(a.sin_port));
	return fd;
}

void loopback_dead_url(const char *scheme, char *url, size_t n)
{
	/* Bound and closed without listen: the port stays free, and a connect is refused. */
	int fd = loopback_listen(scheme, url, n);
	close(fd);
}

int loopback_accept(int lfd)
{
	struct pollfd p = {lfd, POLLIN, 0};
	ck_assert_int_eq(poll(&p, 1, 3000), 1);
	int fd = accept(lfd, NULL, NULL);
	ck_assert_int_ge(fd, 0);
	return fd;
}

size_t loopback_read_all(int fd, unsigned char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 3000) != 1)
			break;
		ssize_t r = recv(fd, buf + got, cap - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}
