/*
 * fault_proxy.c - a fault-injecting MQTT proxy, to prove the suite's checks
 * can fail (scripts/test-faults.sh puts it in front of a real mosquitto).
 *
 *   fault-proxy --upstream 127.0.0.1:PORT --fault NAME [--port-file FILE] [-v]
 *   fault-proxy --list
 *
 * Listens on a kernel-chosen loopback port, prints it (and writes it to
 * FILE), and relays every accepted client to its own upstream connection.
 * One thread, poll(), non-blocking sockets, bounded buffers: a side whose
 * output is full is simply not read until it drains. Runs until SIGTERM or
 * SIGINT. This file owns the sockets and the loop; fault_proxy_relay.c cuts
 * the streams into packets and keeps what faults need to know; the faults
 * are in fault_proxy_faults.c (the broker's packets changed, dropped,
 * reordered) and fault_proxy_inject.c (deliveries the broker never made).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/tools/fault_proxy_int.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* ---- connections ---- */

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static struct pair *pair_new(struct fp_proxy *px, int cfd)
{
	struct pair *pr = calloc(1, sizeof *pr);
	uint8_t *mem = malloc(FP_IN_CAP + 2 * FP_OUT_CAP + FP_WATCH_CAP);
	if (!pr || !mem) {
		free(pr);
		free(mem);
		return NULL;
	}
	pr->pub.version = MQTT_V311;
	pr->uin = (struct buf){mem, 0, FP_IN_CAP};
	pr->cout = (struct buf){mem + FP_IN_CAP, 0, FP_OUT_CAP};
	pr->uout = (struct buf){mem + FP_IN_CAP + FP_OUT_CAP, 0, FP_OUT_CAP};
	pr->watch = (struct buf){mem + FP_IN_CAP + 2 * FP_OUT_CAP, 0, FP_WATCH_CAP};
	pr->pub.px = px;
	pr->pub.id = ++px->next_id;
	pr->cfd = cfd;
	pr->ufd = socket(AF_INET, SOCK_STREAM, 0);
	if (pr->ufd < 0 || set_nonblock(pr->ufd) < 0) {
		pr->u_eof = true;
	} else if (connect(pr->ufd, (struct sockaddr *)&px->up, sizeof px->up) < 0) {
		if (errno == EINPROGRESS)
			pr->connecting = true;
		else
			pr->u_eof = true;
	}
	return pr;
}

static void pair_free(struct pair *pr)
{
	const struct fp_fault *f = pr->pub.px->fault;
	fp_log(pr->pub.px, "conn %u %s: closed", pr->pub.id, pr->pub.client_id);
	if (f->closed && !pr->pub.spare)
		f->closed(&pr->pub);
	if (pr->cfd >= 0)
		close(pr->cfd);
	if (pr->ufd >= 0)
		close(pr->ufd);
	free(pr->uin.d);
	free(pr);
}

static bool keeps_open(const struct pair *pr)
{
	unsigned fl = pr->pub.px->fault->flags;
	if (pr->pub.spare)
		return false;
	return (fl & FP_KEEP_OPEN) || pr->pub.keep_open || ((fl & FP_KEEP_OPEN_SILENT) && !pr->pub.connect_seen) ||
	       ((fl & FP_KEEP_OPEN_DISCONNECTED) && pr->pub.disconnect_sent) ||
	       ((fl & FP_KEEP_OPEN_V5) && pr->pub.version == MQTT_V5) ||
	       ((fl & FP_KEEP_OPEN_REFUSED) && !pr->pub.accepted);
}

/* FP_SAY_DISCONNECT: once the broker's last packets are through. */
static void say_disconnect(struct pair *pr)
{
	static const uint8_t bye[] = {0xE0, 0x07, 0x8E, 0x05, 0x11, 0x00, 0x00, 0x00, 0x1E};
	if (!(pr->pub.px->fault->flags & FP_SAY_DISCONNECT) || pr->pub.spare || pr->pub.version != MQTT_V5 ||
	    pr->said_bye || pr->uin.len || pr->c_eof)
		return;
	pr->said_bye = true;
	fp_append(&pr->cout, bye, sizeof bye);
}

/* Is the pair finished? Also does the keep-open switch when the broker left. */
static bool pair_done(struct pair *pr, double now)
{
	if (pr->c_eof) /* forward what the client said last (its DISCONNECT), then go */
		return pr->u_eof || (!pr->connecting && pr->uout.len == 0);
	if (!pr->u_eof)
		return false;
	fp_release(&pr->pub);
	if (keeps_open(pr)) {
		if (pr->ufd >= 0) {
			fp_log(pr->pub.px, "conn %u %s: broker closed; keeping the client open", pr->pub.id,
			      pr->pub.client_id);
			close(pr->ufd);
			pr->ufd = -1;
			pr->close_at = now + ((pr->pub.px->fault->flags & FP_KEEP_OPEN_REFUSED) && !pr->pub.accepted
						      ? FP_DRAIN_MS
						      : FP_KEEP_OPEN_MS);
		}
		return now >= pr->close_at;
	}
	say_disconnect(pr);
	return pr->uin.len == 0 && pr->cout.len == 0;
}

/* Read what fd has into b (or discard it when b is NULL); false on EOF/error. */
static bool read_into(int fd, struct buf *b, struct pair *pr, bool watch_it)
{
	uint8_t scratch[4096];
	uint8_t *dst = b ? b->d + b->len : scratch;
	size_t cap = b ? fp_room(b) : sizeof scratch;
	if (cap == 0)
		return true;
	ssize_t r = read(fd, dst, cap);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (r == 0)
		return false;
	if (watch_it)
		fp_watch(pr, dst, (size_t)r);
	if (b)
		b->len += (size_t)r;
	return true;
}

static bool write_from(int fd, struct buf *b)
{
	if (b->len == 0)
		return true;
	ssize_t r = write(fd, b->d, b->len);
	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	fp_consume(b, (size_t)r);
	return true;
}

static void on_events(struct pair *pr, short cev, short uev)
{
	if (pr->ufd >= 0 && pr->connecting && uev) {
		int err = 0;
		socklen_t len = sizeof err;
		getsockopt(pr->ufd, SOL_SOCKET, SO_ERROR, &err, &len);
		pr->connecting = false;
		if (err)
			pr->u_eof = true;
		uev = 0;
	}
	if (pr->ufd >= 0 && !pr->u_eof) {
		if ((uev & (POLLIN | POLLHUP | POLLERR)) && !read_into(pr->ufd, &pr->uin, pr, false))
			pr->u_eof = true;
		if ((uev & POLLOUT) && !write_from(pr->ufd, &pr->uout)) {
			pr->u_eof = true;
			pr->uout.len = 0;
		}
	}
	if (!pr->c_eof) {
		/* Once the broker side is gone, what the client says goes nowhere. */
		struct buf *to = pr->u_eof ? NULL : &pr->uout;
		if ((cev & (POLLIN | POLLHUP | POLLERR)) && !read_into(pr->cfd, to, pr, true))
			pr->c_eof = true;
		if ((cev & POLLOUT) && !write_from(pr->cfd, &pr->cout))
			pr->c_eof = true;
	}
}

static void accept_all(struct fp_proxy *px)
{
	for (;;) {
		int fd = accept(px->lfd, NULL, NULL);
		if (fd < 0)
			return;
		struct pair *pr = NULL;
		if (px->npairs < FP_MAX_CONNS && set_nonblock(fd) == 0)
			pr = pair_new(px, fd);
		if (!pr) {
			fprintf(stderr, "fault-proxy: refusing a connection (limit %d)\n", FP_MAX_CONNS);
			close(fd);
			continue;
		}
		px->pairs[px->npairs++] = pr;
		fp_log(px, "conn %u: accepted", pr->pub.id);
	}
}

static int run(struct fp_proxy *px)
{
	static struct pollfd pfd[1 + 2 * FP_MAX_CONNS];
	while (!stop_flag) {
		double now = fp_now_ms(), next = -1;
		for (size_t i = 0; i < px->npairs;) {
			struct pair *pr = px->pairs[i];
			if (pr->held_len && now >= pr->held_until)
				fp_release(&pr->pub);
			if (pr->close_deadline > 0 && now >= pr->close_deadline && !pr->c_eof) {
				fp_log(px, "conn %u %s: the fault's timer closes the client", pr->pub.id, pr->pub.client_id);
				fp_close(&pr->pub);
			}
			fp_u2c_process(pr);
			if (pair_done(pr, now)) {
				pair_free(pr);
				px->pairs[i] = px->pairs[--px->npairs];
				continue;
			}
			double t = pr->held_len ? pr->held_until : pr->close_at > 0 ? pr->close_at : -1;
			if (pr->held_len && pr->close_at > 0 && pr->close_at < t)
				t = pr->close_at;
			if (pr->close_deadline > 0 && !pr->c_eof && (t < 0 || pr->close_deadline < t))
				t = pr->close_deadline;
			if (t >= 0 && (next < 0 || t < next))
				next = t;
			i++;
		}
		pfd[0] = (struct pollfd){px->lfd, POLLIN, 0};
		for (size_t i = 0; i < px->npairs; i++) {
			struct pair *pr = px->pairs[i];
			short c = 0, u = 0;
			if (!pr->c_eof) {
				if (pr->u_eof || fp_room(&pr->uout) > 0)
					c |= POLLIN;
				if (pr->cout.len)
					c |= POLLOUT;
			}
			if (pr->connecting)
				u = POLLOUT;
			else if (!pr->u_eof) {
				if (fp_room(&pr->uin) > 0)
					u |= POLLIN;
				if (pr->uout.len)
					u |= POLLOUT;
			}
			pfd[1 + 2 * i] = (struct pollfd){pr->c_eof ? -1 : pr->cfd, c, 0};
			pfd[2 + 2 * i] = (struct pollfd){pr->u_eof ? -1 : pr->ufd, u, 0};
		}
		/* At most 500 ms: a signal landing just before poll() must not
		 * leave the proxy asleep until the next packet. */
		int timeout = next < 0 || next - now > 500 ? 500 : (int)(next - now) + 1;
		int r = poll(pfd, 1 + 2 * px->npairs, timeout);
		if (r < 0 && errno != EINTR) {
			perror("fault-proxy: poll");
			return 1;
		}
		if (r <= 0)
			continue;
		for (size_t i = 0; i < px->npairs; i++)
			on_events(px->pairs[i], pfd[1 + 2 * i].revents, pfd[2 + 2 * i].revents);
		if (pfd[0].revents & POLLIN)
			accept_all(px);
	}
	return 0;
}

/* ---- set-up ---- */

static const struct fp_fault *const tables[] = {fp_packet_faults, fp_delivery_faults, fp_session_faults,
						 fp_monitor_faults, fp_v5_faults, fp_v5_timer_faults,
						 fp_v5_feature_faults, fp_v5_flow_faults,
						 fp_v5_form_faults, fp_v5_shared_faults, fp_v5_rule_faults};

static const struct fp_fault *find_fault(const char *name)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct fp_fault *f = tables[t]; f->name; f++)
			if (strcmp(f->name, name) == 0)
				return f;
	return NULL;
}

static int parse_upstream(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (*end || port < 1 || port > 65535 || inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	/* A test tool: loopback only, so it can never be pointed at a real system. */
	return (ntohl(sa->sin_addr.s_addr) >> 24) == 127 ? 0 : -1;
}

static int write_port_file(const char *path, unsigned port)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%u\n", port);
	/* rename() makes the file appear whole: a script polling for it never
	 * reads half a port number. */
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: fault-proxy --upstream 127.0.0.1:PORT --fault NAME [--port-file FILE] [-v]\n"
			"       fault-proxy --list\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct fp_proxy px;
	const char *upstream = NULL, *fault = NULL, *port_file = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--list") == 0) {
			for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
				for (const struct fp_fault *f = tables[t]; f->name; f++)
					printf("%-26s %s\n", f->name, f->desc);
			return 0;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			px.verbose = true;
		} else if (i + 1 < argc && strcmp(a, "--upstream") == 0) {
			upstream = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--fault") == 0) {
			fault = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--port-file") == 0) {
			port_file = argv[++i];
		} else {
			return usage();
		}
	}
	if (!upstream || !fault)
		return usage();
	if (parse_upstream(upstream, &px.up) < 0) {
		fprintf(stderr, "fault-proxy: --upstream must be 127.x.x.x:PORT, not %s\n", upstream);
		return 2;
	}
	if (!(px.fault = find_fault(fault))) {
		fprintf(stderr, "fault-proxy: unknown fault %s (see --list)\n", fault);
		return 2;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	struct sockaddr_in la;
	memset(&la, 0, sizeof la);
	la.sin_family = AF_INET;
	la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof la;
	px.lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (px.lfd < 0 || bind(px.lfd, (struct sockaddr *)&la, sizeof la) < 0 || listen(px.lfd, 128) < 0 ||
	    getsockname(px.lfd, (struct sockaddr *)&la, &len) < 0 || set_nonblock(px.lfd) < 0) {
		perror("fault-proxy: listen");
		return 1;
	}
	unsigned port = ntohs(la.sin_port);
	if (port_file && write_port_file(port_file, port) < 0) {
		perror("fault-proxy: --port-file");
		return 1;
	}
	printf("%u\n", port);
	fflush(stdout);
	int rc = run(&px);
	while (px.npairs)
		pair_free(px.pairs[--px.npairs]);
	close(px.lfd);
	return rc;
}
