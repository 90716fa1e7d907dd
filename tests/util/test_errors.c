// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tg_strerror(): exact messages, either sign, unknown codes, short buffers. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "typegen.h"
#include "tg_test.h"


static void test_own_codes(void **state)
{
	static const struct {
		int err;
		const char *msg;
	} codes[] = {
		{ TG_ERRNO__EMPTY, "file is empty" },
		{ TG_ERRNO__FORMAT, "not BTF, ELF, a boot image, a tar archive "
		  "or compressed data" },
		{ TG_ERRNO__TRUNC, "file is truncated" },
		{ TG_ERRNO__NOBTF, "ELF file has no .BTF section" },
		{ TG_ERRNO__BTF, "invalid BTF data" },
		{ TG_ERRNO__ELF, "invalid ELF file" },
		{ TG_ERRNO__ENV_EMPTY, "REDBPF_VMLINUX is set but empty (unset "
		  "it, or set it to a path or to \"system\")" },
		{ TG_ERRNO__NOTFOUND, "no kernel BTF found" },
		{ TG_ERRNO__CYCLE, "unsatisfiable type cycle" },
		{ TG_ERRNO__CORRUPT, "compressed data is corrupt" },
		{ TG_ERRNO__CHECKSUM, "compressed data fails its checksum" },
		{ TG_ERRNO__ZTRUNC, "compressed data is truncated" },
		{ TG_ERRNO__TOOBIG, "decompressed data exceeds the size limit "
		  "(1 GiB by default)" },
		{ TG_ERRNO__DEPTH, "compressed or archived too many times over "
		  "(8 layers at most)" },
		{ TG_ERRNO__TAR, "invalid tar archive" },
		{ TG_ERRNO__NOARCHBTF, "archive holds no BTF file" },
		{ TG_ERRNO__MULTIBTF, "archive holds more than one BTF file" },
		{ TG_ERRNO__KIMAGE, "no kernel found in the boot image" },
		{ TG_ERRNO__NEEDBASE, "split BTF (a kernel module's) needs the "
		  "kernel's BTF as its base" },
		{ TG_ERRNO__BASE, "split BTF does not match its base BTF" },
		{ TG_ERRNO__NOTSPLIT, "not a kernel module's BTF (split BTF)" },
		{ TG_ERRNO__STALE, "build ID does not match the running "
		  "kernel's" },
		{ TG_ERRNO__RELO, "invalid CO-RE relocation records (.BTF.ext)" },
		{ TG_ERRNO__AMBIGUOUS, "kernel types give a CO-RE relocation "
		  "different values" },
		{ TG_ERRNO__NOMATCH, "no type matches" },
		{ TG_ERRNO__UNKNOWN, "uses names that are not in the kernel's "
		  "types" },
		{ TG_ERRNO__COMPILE, "does not compile" },
		{ TG_ERRNO__NOCLANG, "clang not found (set CLANG, or install "
		  "clang-19)" },
		{ TG_ERRNO__NOHEADERS, "no usable kernel headers found" },
		{ TG_ERRNO__NODWARF, "no DWARF debug info (in the file or a "
		  "separate debug file)" },
		{ TG_ERRNO__DWARFVER, "unsupported DWARF version (DWARF 2 to 5 "
		  "are read)" },
		{ TG_ERRNO__DWARF, "invalid DWARF debug info" },
		{ TG_ERRNO__RUNNING, "the running kernel's types, not those of "
		  "the release or sysroot asked for" },
		{ TG_ERRNO__NOTFILE, "not a regular file (a FIFO, device or "
		  "socket): not read" },
		{ TG_ERRNO__OUTSIDE, "a symbolic link leads out of the sysroot" },
		{ TG_ERRNO__OVERRUN, "decompressed data runs past the size "
		  "its own header gives" },
		{ TG_ERRNO__NOWRITER, "FIFO with no writer (nothing written "
		  "to it within 5 s)" },
		{ TG_ERRNO__NAME, "BTF name that is not a C identifier" },
		{ TG_ERRNO__BATCHDIR, "output directory is the input "
		  "directory or inside it" },
		{ TG_ERRNO__OUTCLASH, "another input file of the batch has "
		  "the same output" },
		{ TG_ERRNO__BADTYPE, "BTF array or member of void or function type" },
		{ TG_ERRNO__BITFIELD, "BTF bitfield on a type other than an integer or enum, or wider than it" },
		{ TG_ERRNO__INTSIZE, "BTF integer with more bits than its size holds" },
		{ TG_ERRNO__PARAM, "BTF function prototype with a void parameter or with '...' alone" },
		{ TG_ERRNO__DUPNAME, "BTF struct or union with two members of the same name" },
		{ TG_ERRNO__DEEP, "BTF type chain deeper than 256 types, or a loop no declaration breaks" },
		{ TG_ERRNO__PADDING, "BTF struct or union with more than 64 KiB of padding" },
		{ TG_ERRNO__SHADOW, "includes another vmlinux.h than the "
		  "header written" },
		{ TG_ERRNO__TIMEOUT, "the compiler did not finish in time" },
		{ TG_ERRNO__IMGNOBTF, "kernel built without BTF; read its "
		  "debug vmlinux instead, typegen converts its DWARF (Debian: "
		  "linux-image-R-dbg, /usr/lib/debug/boot/vmlinux-R)" },
		{ TG_ERRNO__IMGARCH, "the image header's machine does not fit "
		  "its BTF (pointer size or byte order)" },
	};
	size_t i;

	(void)state;
	/* A new code without a row here fails the count. */
	assert_int_equal(sizeof(codes) / sizeof(codes[0]),
			 __TG_ERRNO__END - __TG_ERRNO__START);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		tg_test_assert_message(codes[i].err, codes[i].msg);
		tg_test_assert_message(-codes[i].err, codes[i].msg);
	}
}

static void test_errno_codes(void **state)
{
	(void)state;
	tg_test_assert_message(-ENOENT, "No such file or directory");
	tg_test_assert_message(ENOENT, "No such file or directory");
	tg_test_assert_message(-EISDIR, "Is a directory");
	tg_test_assert_message(-ENOMEM, "Cannot allocate memory");
	tg_test_assert_message(0, "success");
}

static void assert_unknown(int err, const char *msg)
{
	char buf[64];

	assert_int_equal(tg_strerror(err, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, msg);
}

static void test_unknown_codes(void **state)
{
	char end[64];

	(void)state;
	assert_unknown(9999, "unknown error 9999");
	assert_unknown(-9999, "unknown error 9999");
	/* Just outside both ends of the TG_ERRNO range. */
	snprintf(end, sizeof(end), "unknown error %d", __TG_ERRNO__END);
	assert_unknown(-__TG_ERRNO__END, end);
	assert_unknown(-(__TG_ERRNO__START - 1), "unknown error 3999");
	/* Past the last errno the C library knows. */
	assert_unknown(-1000, "unknown error 1000");
	assert_unknown(INT_MIN, "unknown error -2147483648");
}

static void test_short_buffer(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(tg_strerror(-TG_ERRNO__TRUNC, buf, 5), 0);
	assert_string_equal(buf, "file");
	assert_int_equal(buf[5], 'X');

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(tg_strerror(-ENOENT, buf, 3), 0);
	assert_string_equal(buf, "No");

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(tg_strerror(-9999, buf, 4), -EINVAL);
	assert_string_equal(buf, "unk");

	/* Nothing written at all. */
	assert_int_equal(tg_strerror(-ENOENT, NULL, 0), 0);
	assert_int_equal(tg_strerror(-9999, NULL, 0), -EINVAL);
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(tg_strerror(-ENOENT, buf, 0), 0);
	assert_int_equal(buf[0], 'X');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_codes),
		cmocka_unit_test(test_errno_codes),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_short_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
