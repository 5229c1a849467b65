/* cli_auth.c - reading --auth FILE (cli_auth.h). */
#include "cli/cli_auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json_util.h"

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One datum: text as it is, or hex (spaces allowed between bytes). */
static int datum(const cJSON *v, int hex, const char *path, struct mqtt_slice *out, struct err *e)
{
	if (!cJSON_IsString(v))
		return err_set(e, "%s: expected a string", path);
	const char *s = v->valuestring;
	size_t n = strlen(s);
	if (n > 65535)
		return err_set(e, "%s: longer than the 65535 bytes a property holds", path);
	uint8_t *b = alloc_bytes(n ? n : 1);
	size_t k = 0;
	for (size_t i = 0; hex && i < n; i++) {
		if (s[i] == ' ')
			continue;
		int hi = hex_digit(s[i]), lo = i + 1 < n ? hex_digit(s[i + 1]) : -1;
		if (hi < 0 || lo < 0) {
			free(b);
			return err_set(e, "%s: not hex (two digits a byte, spaces between bytes allowed)", path);
		}
		b[k++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	if (!hex)
		memcpy(b, s, k = n);
	*out = (struct mqtt_slice){b, k};
	return 0;
}

static int read_data(const cJSON *root, struct cli_auth *a, struct err *e)
{
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *hex = cJSON_GetObjectItemCaseSensitive(root, "data_hex");
	if (!!text == !!hex)
		return err_set(e, "$: give \"data\" (text) or \"data_hex\", one of them");
	const cJSON *list = text ? text : hex;
	const char *key = text ? "data" : "data_hex";
	int n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : -1;
	if (n < 1 || n > CLI_AUTH_MAX_DATA)
		return err_set(e, "$.%s: expected a list of 1 to %d data: the CONNECT's, then one per AUTH round", key,
			       CLI_AUTH_MAX_DATA);
	for (int i = 0; i < n; i++) {
		char p[64];
		snprintf(p, sizeof p, "$.%s[%d]", key, i);
		if (datum(cJSON_GetArrayItem(list, i), hex != NULL, p, &a->data[i], e) < 0)
			return -1;
		a->ndata++;
	}
	return 0;
}

static int parse(const cJSON *root, struct cli_auth *a, struct err *e)
{
	static const char *const keys[] = {"method", "data", "data_hex", NULL};
	const char *method = NULL;
	if (!cJSON_IsObject(root))
		return err_set(e, "$: expected an object: {\"method\": \"...\", \"data\": [\"...\"]}");
	if (json_util_known_keys(root, "$", keys, e) < 0 || json_util_str(root, "method", "$", 1, &method, e) < 0)
		return -1;
	if (!method[0] || strlen(method) > 65535)
		return err_set(e, "$.method: expected the name of an authentication method (1 to 65535 bytes)");
	a->method = alloc_strdup(method);
	if (read_data(root, a, e) < 0)
		return -1;
	a->first_hex = alloc_bytes(2 * a->data[0].n + 1);
	for (size_t i = 0; i < a->data[0].n; i++)
		snprintf(a->first_hex + 2 * i, 3, "%02x", a->data[0].p[i]);
	a->first_hex[2 * a->data[0].n] = '\0';
	return 0;
}

int cli_auth_load(const char *file, struct cli_auth *a, struct err *e)
{
	memset(a, 0, sizeof *a);
	cJSON *root = json_util_parse_file(file, e);
	if (!root)
		return -1;
	struct err pe;
	int rc = parse(root, a, &pe);
	cJSON_Delete(root);
	if (rc < 0) {
		cli_auth_free(a);
		return err_set(e, "%s: %s", file, pe.msg);
	}
	return 0;
}

void cli_auth_free(struct cli_auth *a)
{
	for (size_t i = 0; i < a->ndata; i++)
		free((void *)a->data[i].p);
	free(a->method);
	free(a->first_hex);
	memset(a, 0, sizeof *a);
}
