// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tg_strerror(): messages for -errno and -TG_ERRNO__* codes. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "util/util.h"

static const char *const tg_errno_msgs[] = {
	[TG_ERRNO__EMPTY - __TG_ERRNO__START] = "file is empty",
	[TG_ERRNO__FORMAT - __TG_ERRNO__START] =
		"not BTF, ELF, a boot image, a tar archive or compressed data",
	[TG_ERRNO__TRUNC - __TG_ERRNO__START] = "file is truncated",
	[TG_ERRNO__NOBTF - __TG_ERRNO__START] = "ELF file has no .BTF section",
	[TG_ERRNO__BTF - __TG_ERRNO__START] = "invalid BTF data",
	[TG_ERRNO__ELF - __TG_ERRNO__START] = "invalid ELF file",
	[TG_ERRNO__ENV_EMPTY - __TG_ERRNO__START] =
		"REDBPF_VMLINUX is set but empty (unset it, or set it to a path or to \"system\")",
	[TG_ERRNO__NOTFOUND - __TG_ERRNO__START] = "no kernel BTF found",
	[TG_ERRNO__CYCLE - __TG_ERRNO__START] = "unsatisfiable type cycle",
	[TG_ERRNO__CORRUPT - __TG_ERRNO__START] = "compressed data is corrupt",
	[TG_ERRNO__CHECKSUM - __TG_ERRNO__START] =
		"compressed data fails its checksum",
	[TG_ERRNO__ZTRUNC - __TG_ERRNO__START] = "compressed data is truncated",
	[TG_ERRNO__TOOBIG - __TG_ERRNO__START] =
		"decompressed data exceeds the size limit (1 GiB by default)",
	[TG_ERRNO__DEPTH - __TG_ERRNO__START] =
		"compressed or archived too many times over (8 layers at most)",
	[TG_ERRNO__TAR - __TG_ERRNO__START] = "invalid tar archive",
	[TG_ERRNO__NOARCHBTF - __TG_ERRNO__START] = "archive holds no BTF file",
	[TG_ERRNO__MULTIBTF - __TG_ERRNO__START] =
		"archive holds more than one BTF file",
	[TG_ERRNO__KIMAGE - __TG_ERRNO__START] =
		"no kernel found in the boot image",
	[TG_ERRNO__NEEDBASE - __TG_ERRNO__START] =
		"split BTF (a kernel module's) needs the kernel's BTF as its base",
	[TG_ERRNO__BASE - __TG_ERRNO__START] =
		"split BTF does not match its base BTF",
	[TG_ERRNO__NOTSPLIT - __TG_ERRNO__START] =
		"not a kernel module's BTF (split BTF)",
	[TG_ERRNO__STALE - __TG_ERRNO__START] =
		"build ID does not match the running kernel's",
	[TG_ERRNO__NOMATCH - __TG_ERRNO__START] = "no type matches",
	[TG_ERRNO__UNKNOWN - __TG_ERRNO__START] =
		"uses names that are not in the kernel's types",
	[TG_ERRNO__COMPILE - __TG_ERRNO__START] = "does not compile",
	[TG_ERRNO__NOCLANG - __TG_ERRNO__START] =
		"clang not found (set CLANG, or install clang-19)",
	[TG_ERRNO__RELO - __TG_ERRNO__START] =
		"invalid CO-RE relocation records (.BTF.ext)",
	[TG_ERRNO__AMBIGUOUS - __TG_ERRNO__START] =
		"kernel types give a CO-RE relocation different values",
	[TG_ERRNO__NOHEADERS - __TG_ERRNO__START] = "no usable kernel headers found",
	[TG_ERRNO__NODWARF - __TG_ERRNO__START] =
		"no DWARF debug info (in the file or a separate debug file)",
	[TG_ERRNO__DWARFVER - __TG_ERRNO__START] =
		"unsupported DWARF version (DWARF 2 to 5 are read)",
	[TG_ERRNO__DWARF - __TG_ERRNO__START] = "invalid DWARF debug info",
	[TG_ERRNO__RUNNING - __TG_ERRNO__START] =
		"the running kernel's types, not those of the release or sysroot asked for",
	[TG_ERRNO__NOTFILE - __TG_ERRNO__START] =
		"not a regular file (a FIFO, device or socket): not read",
	[TG_ERRNO__OUTSIDE - __TG_ERRNO__START] =
		"a symbolic link leads out of the sysroot",
	[TG_ERRNO__OVERRUN - __TG_ERRNO__START] =
		"decompressed data runs past the size its own header gives",
	[TG_ERRNO__NOWRITER - __TG_ERRNO__START] =
		"FIFO with no writer (nothing written to it within 5 s)",
	[TG_ERRNO__NAME - __TG_ERRNO__START] =
		"BTF name that is not a C identifier",
	[TG_ERRNO__BATCHDIR - __TG_ERRNO__START] =
		"output directory is the input directory or inside it",
	[TG_ERRNO__OUTCLASH - __TG_ERRNO__START] =
		"another input file of the batch has the same output",
	[TG_ERRNO__BADTYPE - __TG_ERRNO__START] =
		"BTF array or member of void or function type",
	[TG_ERRNO__BITFIELD - __TG_ERRNO__START] =
		"BTF bitfield on a type other than an integer or enum, or wider than it",
	[TG_ERRNO__INTSIZE - __TG_ERRNO__START] =
		"BTF integer with more bits than its size holds",
	[TG_ERRNO__PARAM - __TG_ERRNO__START] =
		"BTF function prototype with a void parameter or with '...' alone",
	[TG_ERRNO__DUPNAME - __TG_ERRNO__START] =
		"BTF struct or union with two members of the same name",
	[TG_ERRNO__DEEP - __TG_ERRNO__START] =
		"BTF type chain deeper than 256 types, or a loop no declaration breaks",
	[TG_ERRNO__PADDING - __TG_ERRNO__START] =
		"BTF struct or union with more than 64 KiB of padding",
	[TG_ERRNO__SHADOW - __TG_ERRNO__START] =
		"includes another vmlinux.h than the header written",
	[TG_ERRNO__TIMEOUT - __TG_ERRNO__START] =
		"the compiler did not finish in time",
	[TG_ERRNO__IMGNOBTF - __TG_ERRNO__START] =
		"kernel built without BTF; read its debug vmlinux instead, typegen converts its DWARF (Debian: linux-image-R-dbg, /usr/lib/debug/boot/vmlinux-R)",
	[TG_ERRNO__IMGARCH - __TG_ERRNO__START] =
		"the image header's machine does not fit its BTF (pointer size or byte order)",
};

/* Every code in enum tg_errno needs a message: fail the build otherwise. */
_Static_assert(sizeof(tg_errno_msgs) / sizeof(tg_errno_msgs[0]) ==
	       __TG_ERRNO__END - __TG_ERRNO__START,
	       "a TG_ERRNO__* code has no message");

static void copy_msg(char *buf, size_t size, const char *msg)
{
	if (size)
		snprintf(buf, size, "%s", msg);
}

/*
 * With -D_GNU_SOURCE glibc gives the GNU strerror_r(), which returns the
 * message (maybe not in @buf) and cannot say "unknown"; other C libraries
 * give the XSI one, which returns an error for unknown codes. Returns true
 * when @err is an errno value the C library knows.
 */
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
static bool errno_msg(int err, char *buf, size_t size)
{
	char tmp[128];

	/* strerrorname_np() (glibc 2.32+) is NULL exactly for unknown codes. */
	if (!strerrorname_np(err))
		return false;
	copy_msg(buf, size, strerror_r(err, tmp, sizeof(tmp)));
	return true;
}
#else
static bool errno_msg(int err, char *buf, size_t size)
{
	char tmp[128];

	if (strerror_r(err, tmp, sizeof(tmp)) != 0)
		return false;
	copy_msg(buf, size, tmp);
	return true;
}
#endif

int tg_strerror(int err, char *buf, size_t size)
{
	/* -INT_MIN does not exist; no code is that large anyway. */
	if (err == INT_MIN)
		goto unknown;
	if (err < 0)
		err = -err;

	if (err == 0) {
		copy_msg(buf, size, "success");
		return 0;
	}
	if (err >= __TG_ERRNO__START && err < __TG_ERRNO__END) {
		copy_msg(buf, size, tg_errno_msgs[err - __TG_ERRNO__START]);
		return 0;
	}
	if (errno_msg(err, buf, size))
		return 0;
unknown:
	if (size)
		snprintf(buf, size, "unknown error %d", err);
	return -EINVAL;
}
