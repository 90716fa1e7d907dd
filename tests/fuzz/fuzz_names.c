// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Names: the input, split at NUL bytes, names a struct, its members, an
 * enumerator, a typedef and a type tag. Whatever the loader accepts must
 * be a C identifier (or a printable tag without quotes), so that nothing
 * it emits into a header is a line of C of the input's choosing.
 */
#include <errno.h>
#include <bpf/btf.h>
#include "fuzz.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	sink = fuzz_null_file();
	return 0;
}

static bool ident(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static bool tag(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *names[5] = { "s", "m", "E", "t", "tag" };
	char *buf = malloc(size + 1);
	struct tg_btf *tb = NULL;
	bool added[5];
	struct btf *b;
	size_t i, n = 0, start = 0;
	const void *raw;
	__u32 sz;
	int i32, st, err;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size && n < 5; i++)
		if (!buf[i]) {
			names[n++] = buf + start;
			start = i + 1;
		}
	b = btf__new_empty();
	if (!b)
		goto out;
	/* libbpf refuses some names itself: only what it took is checked. */
	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	st = btf__add_struct(b, names[0], 8);
	added[0] = st > 0;
	added[1] = added[0] && !btf__add_field(b, names[1], i32, 0, 0);
	added[2] = btf__add_enum(b, "e", 4) > 0 &&
		   !btf__add_enum_value(b, names[2], 1);
	added[3] = st > 0 && btf__add_typedef(b, names[3], st) > 0;
	added[4] = btf__add_type_tag(b, names[4], i32) > 0;
	raw = btf__raw_data(b, &sz);
	err = raw ? tg_btf__open_mem(raw, sz, "fuzz.btf", NULL, &tb) : -ENOMEM;
	fuzz_check_err(err);
	if (!err) {
		/* A struct and a member may be anonymous. */
		for (i = 0; i < 4; i++)
			if (added[i] && !ident(names[i]) && !(i < 2 && !*names[i]))
				abort();
		if (added[4] && !tag(names[4]))
			abort();
		struct tg_c_dumper *d;

		err = tg_c_dumper__new(tb, NULL, &d);
		fuzz_check_err(err);
		if (!err) {
			fuzz_check_err(tg_c_dumper__dump(d, sink));
			tg_c_dumper__free(d);
		}
	}
	tg_btf__free(tb);
	btf__free(b);
out:
	free(buf);
	return 0;
}
