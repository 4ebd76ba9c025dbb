/* Boot-argument words (include/cmdline.h). */
#include <cmdline.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

bool cmdline_get(const char *args, const char *key, const char **val, size_t *val_len)
{
	size_t klen = strlen(key);
	const char *p = args;

	if (!args || !klen)
		return false;
	while (*p) {
		const char *w, *end;

		while (is_space(*p))
			p++;
		w = p;
		while (*p && !is_space(*p))
			p++;
		end = p;
		if ((size_t)(end - w) < klen || strncmp(w, key, klen))
			continue;
		if (w + klen == end) {
			if (val)
				*val = end;
			if (val_len)
				*val_len = 0;
			return true;
		}
		if (w[klen] == '=') {
			if (val)
				*val = w + klen + 1;
			if (val_len)
				*val_len = end - (w + klen + 1);
			return true;
		}
	}
	return false;
}
