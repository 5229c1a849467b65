/* mqtt_utf8.c - UTF-8 well-formedness (spec 1.5.3), first problem wins. */
#include "codec/mqtt_utf8.h"

#include "codec/mqtt_err.h"

struct ctx {
	enum mqtt_version v;
	struct mqtt_diag *diag;
};

static int bad(struct ctx a, size_t at, const char *why, uint8_t b)
{
	return mqtt_err_diag(a.diag, MQTT_ERR_VIOLATION, at, a.v,
			     MQTT_RULE_UTF8_ILL_FORMED, "byte %zu (0x%02X): %s",
			     at, b, why);
}

int mqtt_utf8_check(enum mqtt_version v, const uint8_t *s, size_t n,
		    struct mqtt_diag *diag)
{
	struct ctx a = {v, diag};
	size_t i = 0;
	while (i < n) {
		uint8_t b = s[i];
		if (b == 0x00)
			return mqtt_err_diag(diag, MQTT_ERR_VIOLATION, i, v,
					     MQTT_RULE_UTF8_NUL,
					     "byte %zu: U+0000", i);
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b < 0xC0)
			return bad(a, i, "stray continuation byte", b);
		if (b < 0xC2)
			return bad(a, i, "overlong 2-byte form", b);
		if (b > 0xF4)
			return bad(a, i, "byte never used in UTF-8", b);

		/* Continuation bytes needed, and the range allowed for the
		 * first one: narrower after E0/F0 (no overlong forms), ED (no
		 * surrogates) and F4 (nothing above U+10FFFF). */
		size_t need = b < 0xE0 ? 1 : b < 0xF0 ? 2 : 3;
		uint8_t lo = 0x80, hi = 0xBF;
		const char *why = NULL;
		if (b == 0xE0) {
			lo = 0xA0;
			why = "overlong 3-byte form";
		} else if (b == 0xED) {
			hi = 0x9F;
			why = "surrogate (U+D800..U+DFFF)";
		} else if (b == 0xF0) {
			lo = 0x90;
			why = "overlong 4-byte form";
		} else if (b == 0xF4) {
			hi = 0x8F;
			why = "code point above U+10FFFF";
		}
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n)
				return bad(a, i, "sequence cut short by "
						    "the end of the string", b);
			uint8_t c = s[i + k];
			if (c < 0x80 || c > 0xBF)
				return bad(a, i, "sequence cut short by a "
						    "non-continuation byte", b);
			if (k == 1 && (c < lo || c > hi))
				return bad(a, i, why, b);
		}
		i += need + 1;
	}
	return 0;
}
