/* conn_tls.c - TLS with OpenSSL: peer verification on by default (system
 * store or --cafile), SNI and host name checked against the certificate,
 * client certificates for mutual TLS, TLS 1.2 and 1.3. */
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/conn_int.h"

static void ssl_errors(char *buf, size_t n)
{
	unsigned long code;
	size_t o = 0;
	buf[0] = '\0';
	while ((code = ERR_get_error()) != 0 && o + 2 < n) {
		char one[256];
		ERR_error_string_n(code, one, sizeof one);
		o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? "; " : "", one);
	}
}

int conn_ctx_init(struct conn_ctx *ctx, const struct conn_tls_opts *o, struct err *e)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->tls = *o;
	SSL_CTX *s = SSL_CTX_new(TLS_client_method());
	if (!s)
		return err_set(e, "TLS: cannot create a context");
	SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION);
	char why[512];
	if (o->cafile) {
		if (SSL_CTX_load_verify_locations(s, o->cafile, NULL) != 1) {
			ssl_errors(why, sizeof why);
			SSL_CTX_free(s);
			return err_set(e, "--cafile %s: cannot load CA certificates: %s", o->cafile, why);
		}
	} else if (SSL_CTX_set_default_verify_paths(s) != 1) {
		SSL_CTX_free(s);
		return err_set(e, "TLS: cannot load the system's CA certificates");
	}
	if (o->cert || o->key) {
		if (!o->cert || !o->key) {
			SSL_CTX_free(s);
			return err_set(e, "mutual TLS needs both --cert and --key");
		}
		if (SSL_CTX_use_certificate_chain_file(s, o->cert) != 1) {
			ssl_errors(why, sizeof why);
			SSL_CTX_free(s);
			return err_set(e, "--cert %s: cannot load the client certificate: %s", o->cert, why);
		}
		if (SSL_CTX_use_PrivateKey_file(s, o->key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(s) != 1) {
			ssl_errors(why, sizeof why);
			SSL_CTX_free(s);
			return err_set(e, "--key %s: cannot load the key, or it does not match --cert: %s", o->key, why);
		}
	}
	SSL_CTX_set_verify(s, o->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
	ctx->ssl_ctx = s;
	return 0;
}

void conn_ctx_free(struct conn_ctx *ctx)
{
	SSL_CTX_free(ctx->ssl_ctx);
	ctx->ssl_ctx = NULL;
}

int conn_tls_begin(struct conn *c, struct err *e)
{
	if (!c->ctx || !c->ctx->ssl_ctx)
		return err_set(e, "%s: TLS is not set up", c->ep->url);
	SSL *ssl = SSL_new(c->ctx->ssl_ctx);
	if (!ssl)
		return err_set(e, "TLS: cannot create a session");
	SSL_set_fd(ssl, c->fd);
	/* SNI carries a name, never an address literal (RFC 6066). */
	unsigned char tmp[16];
	int literal = inet_pton(AF_INET, c->ep->host, tmp) == 1 || inet_pton(AF_INET6, c->ep->host, tmp) == 1;
	if (!literal)
		SSL_set_tlsext_host_name(ssl, c->ep->host);
	if (!c->ctx->tls.insecure) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
		if (literal)
			X509_VERIFY_PARAM_set1_ip_asc(vp, c->ep->host);
		else
			X509_VERIFY_PARAM_set1_host(vp, c->ep->host, 0);
	}
	c->ssl = ssl;
	return 0;
}

/* Say which certificate failed and why. */
static void verify_failure(struct conn *c, char *buf, size_t n)
{
	SSL *ssl = c->ssl;
	long v = SSL_get_verify_result(ssl);
	X509 *peer = SSL_get1_peer_certificate(ssl);
	char subject[256] = "?", issuer[256] = "?";
	if (peer) {
		X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof subject);
		X509_NAME_oneline(X509_get_issuer_name(peer), issuer, sizeof issuer);
		X509_free(peer);
	}
	snprintf(buf, n, "the certificate of %s (subject %s, issuer %s) is not trusted: %s%s", c->ep->host, subject, issuer,
		 X509_verify_cert_error_string(v),
		 v == X509_V_ERR_HOSTNAME_MISMATCH || v == X509_V_ERR_IP_ADDRESS_MISMATCH
			 ? " (the name in the URL is not in the certificate)"
			 : c->ctx->tls.cafile ? "" : " (give the CA with --cafile, or --insecure)");
}

int conn_tls_step(struct conn *c, struct err *e)
{
	ERR_clear_error();
	int r = SSL_connect(c->ssl);
	c->tls_want_write = 0;
	if (r == 1)
		return 1;
	int er = SSL_get_error(c->ssl, r);
	if (er == SSL_ERROR_WANT_READ)
		return 0;
	if (er == SSL_ERROR_WANT_WRITE) {
		c->tls_want_write = 1;
		return 0;
	}
	char why[768];
	if (SSL_get_verify_result(c->ssl) != X509_V_OK) {
		verify_failure(c, why, sizeof why);
	} else {
		ssl_errors(why, sizeof why);
		if (!why[0])
			snprintf(why, sizeof why, "the connection was closed during the handshake");
	}
	return err_set(e, "TLS handshake with %s failed: %s", c->ep->url, why);
}

long conn_tls_read(struct conn *c, uint8_t *buf, size_t n, struct err *e)
{
	ERR_clear_error();
	int r = SSL_read(c->ssl, buf, (int)(n > 1 << 30 ? 1 << 30 : n));
	c->tls_want_write = 0;
	if (r > 0)
		return r;
	int er = SSL_get_error(c->ssl, r);
	if (er == SSL_ERROR_WANT_READ)
		return -2;
	if (er == SSL_ERROR_WANT_WRITE) {
		c->tls_want_write = 1;
		return -2;
	}
	if (er == SSL_ERROR_ZERO_RETURN)
		return 0;
	char why[512];
	ssl_errors(why, sizeof why);
	if (!why[0] && er == SSL_ERROR_SYSCALL)
		return 0; /* the peer closed the TCP connection without a TLS close_notify */
	return err_set(e, "TLS: %s", why[0] ? why : "read error");
}

long conn_tls_write(struct conn *c, const uint8_t *buf, size_t n, struct err *e)
{
	ERR_clear_error();
	int r = SSL_write(c->ssl, buf, (int)(n > 1 << 30 ? 1 << 30 : n));
	if (r > 0)
		return r;
	int er = SSL_get_error(c->ssl, r);
	if (er == SSL_ERROR_WANT_READ || er == SSL_ERROR_WANT_WRITE) {
		c->tls_want_write = er == SSL_ERROR_WANT_WRITE;
		return 0;
	}
	char why[512];
	ssl_errors(why, sizeof why);
	if (!why[0]) {
		/* The server may have refused us with an alert we have not read yet
		 * (TLS 1.3 checks a client certificate after the handshake): read it. */
		int sys = errno;
		uint8_t b[64];
		ERR_clear_error();
		SSL_read(c->ssl, b, sizeof b);
		ssl_errors(why, sizeof why);
		if (!why[0])
			snprintf(why, sizeof why, "write error (%s)", strerror(sys));
	}
	return err_set(e, "TLS: %s", why);
}

int conn_tls_pending(const struct conn *c)
{
	return c->ssl && SSL_pending(c->ssl) > 0;
}

void conn_tls_close(struct conn *c)
{
	if (c->ssl)
		SSL_free(c->ssl);
	c->ssl = NULL;
}
