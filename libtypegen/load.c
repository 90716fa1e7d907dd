// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading BTF from raw BTF or from the .BTF section of an ELF file.
 *
 * The input is recognised by its content. Headers are checked here before
 * libbpf or libelf see the data, so that a cut file is reported as
 * truncated instead of as some vague parse error.
 */
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "internal.h"

/* Enough bytes to hold the largest ELF header (and the BTF header). */
#define PREFIX_SZ sizeof(Elf64_Ehdr)

/* What an ELF header says about the file's layout. */
struct elf_layout {
	size_t ehdr_sz;
	uint64_t shoff;
	uint16_t shentsize;
	uint16_t shnum;
};

static bool range_in_file(uint64_t off, uint64_t len, uint64_t file_sz)
{
	return off <= file_sz && len <= file_sz - off;
}

static bool is_prefix_of(const void *data, size_t size, const void *magic,
			 size_t magic_sz)
{
	return size <= magic_sz && memcmp(data, magic, size) == 0;
}

static bool is_raw_btf(const void *data, size_t size)
{
	__u16 magic;

	if (size < sizeof(magic))
		return false;
	memcpy(&magic, data, sizeof(magic));
	return magic == BTF_MAGIC || magic == bswap_16(BTF_MAGIC);
}

static bool is_elf(const void *data, size_t size)
{
	return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

/*
 * Decide what the input is from its first @size bytes (all of it if it is
 * shorter than PREFIX_SZ).
 */
static int detect_format(const void *data, size_t size, enum tg_format *fmt)
{
	static const unsigned char btf_le[] = { 0x9f, 0xeb };
	static const unsigned char btf_be[] = { 0xeb, 0x9f };

	if (size == 0)
		return -TG_ERRNO__EMPTY;
	if (is_raw_btf(data, size)) {
		*fmt = TG_FORMAT_RAW_BTF;
		return 0;
	}
	if (is_elf(data, size)) {
		*fmt = TG_FORMAT_ELF;
		return 0;
	}
	/* Too short to hold a whole magic, but what is there matches one. */
	if (is_prefix_of(data, size, ELFMAG, SELFMAG) ||
	    is_prefix_of(data, size, btf_le, sizeof(btf_le)) ||
	    is_prefix_of(data, size, btf_be, sizeof(btf_be)))
		return -TG_ERRNO__TRUNC;
	return -TG_ERRNO__FORMAT;
}

/*
 * libbpf checks the same things but answers -EINVAL for all of them; a file
 * shorter than its header says must be reported as truncated.
 */
static int check_raw_btf_header(const void *data, size_t size)
{
	struct btf_header hdr;
	uint64_t body_sz;
	bool swap;

	if (size < sizeof(hdr))
		return -TG_ERRNO__TRUNC;
	memcpy(&hdr, data, sizeof(hdr));
	swap = hdr.magic != BTF_MAGIC;
	if (swap) {
		hdr.hdr_len = bswap_32(hdr.hdr_len);
		hdr.type_off = bswap_32(hdr.type_off);
		hdr.type_len = bswap_32(hdr.type_len);
		hdr.str_off = bswap_32(hdr.str_off);
		hdr.str_len = bswap_32(hdr.str_len);
	}
	if (hdr.hdr_len < sizeof(hdr))
		return -TG_ERRNO__BTF;
	if (hdr.hdr_len > size)
		return -TG_ERRNO__TRUNC;
	body_sz = size - hdr.hdr_len;
	if (!range_in_file(hdr.type_off, hdr.type_len, body_sz) ||
	    !range_in_file(hdr.str_off, hdr.str_len, body_sz))
		return -TG_ERRNO__TRUNC;
	return 0;
}

static int btf_from_bytes(const void *data, size_t size, struct btf **btfp)
{
	struct btf *btf;

	/* btf__new() takes a __u32 size. */
	if (size > UINT32_MAX)
		return -EFBIG;
	btf = btf__new(data, size);
	if (!btf)
		return errno == ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
	*btfp = btf;
	return 0;
}

static uint16_t elf16(uint16_t v, bool swap)
{
	return swap ? bswap_16(v) : v;
}

static uint64_t elf64(uint64_t v, bool swap)
{
	return swap ? bswap_64(v) : v;
}

static bool host_is_little_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
}

/*
 * Read the section table's place from the ELF header in @hdr (@hdr_sz bytes
 * of a file of @file_sz bytes). Done by hand because libelf refuses a file
 * whose section table is cut without saying that this is why.
 */
static int parse_elf_header(const unsigned char *hdr, size_t hdr_sz,
			    uint64_t file_sz, struct elf_layout *l)
{
	bool swap;

	switch (hdr[EI_DATA]) {
	case ELFDATA2LSB:
		swap = !host_is_little_endian();
		break;
	case ELFDATA2MSB:
		swap = host_is_little_endian();
		break;
	default:
		return -TG_ERRNO__ELF;
	}

	switch (hdr[EI_CLASS]) {
	case ELFCLASS32: {
		Elf32_Ehdr eh;

		if (hdr_sz < sizeof(eh) || file_sz < sizeof(eh))
			return -TG_ERRNO__TRUNC;
		memcpy(&eh, hdr, sizeof(eh));
		l->ehdr_sz = sizeof(eh);
		l->shoff = swap ? bswap_32(eh.e_shoff) : eh.e_shoff;
		l->shentsize = elf16(eh.e_shentsize, swap);
		l->shnum = elf16(eh.e_shnum, swap);
		break;
	}
	case ELFCLASS64: {
		Elf64_Ehdr eh;

		if (hdr_sz < sizeof(eh) || file_sz < sizeof(eh))
			return -TG_ERRNO__TRUNC;
		memcpy(&eh, hdr, sizeof(eh));
		l->ehdr_sz = sizeof(eh);
		l->shoff = elf64(eh.e_shoff, swap);
		l->shentsize = elf16(eh.e_shentsize, swap);
		l->shnum = elf16(eh.e_shnum, swap);
		break;
	}
	default:
		return -TG_ERRNO__ELF;
	}
	return 0;
}

static int check_elf_layout(const struct elf_layout *l, uint64_t file_sz)
{
	/* e_shnum 0 with a table means "count in section 0": one at least. */
	uint64_t shnum = l->shnum ? l->shnum : 1;

	if (!l->shoff)
		return 0;
	if (!l->shentsize)
		return -TG_ERRNO__ELF;
	if (l->shoff > file_sz || (file_sz - l->shoff) / l->shentsize < shnum)
		return -TG_ERRNO__TRUNC;
	return 0;
}

static Elf_Scn *find_section(Elf *elf, size_t shstrndx, const char *name,
			     GElf_Shdr *shdr, int *err)
{
	Elf_Scn *scn = NULL;
	const char *scn_name;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, shdr))
			goto bad_elf;
		scn_name = elf_strptr(elf, shstrndx, shdr->sh_name);
		if (!scn_name)
			goto bad_elf;
		if (strcmp(scn_name, name) == 0)
			return scn;
	}
	*err = -TG_ERRNO__NOBTF;
	return NULL;
bad_elf:
	*err = -TG_ERRNO__ELF;
	return NULL;
}

static int check_section_in_file(Elf *elf, size_t idx, uint64_t file_sz)
{
	Elf_Scn *scn = elf_getscn(elf, idx);
	GElf_Shdr shdr;

	if (!scn || !gelf_getshdr(scn, &shdr))
		return -TG_ERRNO__ELF;
	if (shdr.sh_type != SHT_NOBITS &&
	    !range_in_file(shdr.sh_offset, shdr.sh_size, file_sz))
		return -TG_ERRNO__TRUNC;
	return 0;
}

/* The BTF in the .BTF section of @elf, a file of @file_sz bytes. */
static int btf_from_elf(Elf *elf, uint64_t file_sz, struct btf **btfp)
{
	size_t shnum, shstrndx;
	Elf_Scn *scn;
	GElf_Shdr shdr;
	Elf_Data *data;
	struct btf *btf;
	int err;

	if (elf_kind(elf) != ELF_K_ELF)
		return -TG_ERRNO__ELF;
	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx))
		return -TG_ERRNO__ELF;
	if (shnum == 0 || shstrndx == SHN_UNDEF)
		return -TG_ERRNO__NOBTF;
	err = check_section_in_file(elf, shstrndx, file_sz);
	if (err)
		return err;

	scn = find_section(elf, shstrndx, ".BTF", &shdr, &err);
	if (!scn)
		return err;
	/* objcopy --only-keep-debug leaves .BTF as a header without data. */
	if (shdr.sh_type == SHT_NOBITS)
		return -TG_ERRNO__NOBTF;
	if (!range_in_file(shdr.sh_offset, shdr.sh_size, file_sz))
		return -TG_ERRNO__TRUNC;
	/* Raw bytes: libbpf handles BTF of either byte order itself. */
	data = elf_rawdata(scn, NULL);
	if (!data)
		return -TG_ERRNO__ELF;

	err = btf_from_bytes(data->d_buf, data->d_size, &btf);
	if (err)
		return err;
	/* Raw BTF does not say; the ELF class of the file it came in does. */
	btf__set_pointer_size(btf, gelf_getclass(elf) == ELFCLASS32 ? 4 : 8);
	*btfp = btf;
	return 0;
}

/*
 * @hdr holds the first @hdr_sz bytes of an ELF file of @file_sz bytes;
 * @open_elf gives libelf's view of the same file.
 */
static int load_elf(const unsigned char *hdr, size_t hdr_sz, uint64_t file_sz,
		    Elf *(*open_elf)(void *arg), void *arg, struct btf **btfp)
{
	struct elf_layout layout;
	Elf *elf;
	int err;

	err = parse_elf_header(hdr, hdr_sz, file_sz, &layout);
	if (err)
		return err;
	err = check_elf_layout(&layout, file_sz);
	if (err)
		return err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -TG_ERRNO__ELF;
	elf = open_elf(arg);
	if (!elf)
		return -TG_ERRNO__ELF;
	err = btf_from_elf(elf, file_sz, btfp);
	elf_end(elf);
	return err;
}

static int new_tg_btf(struct btf *btf, const char *name, enum tg_format fmt,
		      struct tg_btf **btfp)
{
	struct tg_btf *tb = calloc(1, sizeof(*tb));

	if (!tb)
		goto nomem;
	if (name) {
		tb->path = strdup(name);
		if (!tb->path)
			goto nomem;
	}
	tb->btf = btf;
	tb->format = fmt;
	*btfp = tb;
	return 0;
nomem:
	free(tb);
	btf__free(btf);
	return -ENOMEM;
}

struct mem_input {
	const void *data;
	size_t size;
};

static Elf *elf_from_mem(void *arg)
{
	struct mem_input *in = arg;

	/* libelf only reads an image opened this way; the cast is safe. */
	return elf_memory((char *)in->data, in->size);
}

static Elf *elf_from_fd(void *arg)
{
	return elf_begin(*(int *)arg, ELF_C_READ_MMAP, NULL);
}

int tg_btf_from_mem(const void *data, size_t size, const char *name,
		    struct tg_btf **btfp)
{
	struct mem_input in = { .data = data, .size = size };
	enum tg_format fmt;
	struct btf *btf;
	int err;

	if ((!data && size) || !btfp)
		return -EINVAL;
	err = detect_format(data, size, &fmt);
	if (err)
		return err;

	if (fmt == TG_FORMAT_RAW_BTF) {
		err = check_raw_btf_header(data, size);
		if (!err)
			err = btf_from_bytes(data, size, &btf);
	} else {
		err = load_elf(data, size, size, elf_from_mem, &in, &btf);
	}
	if (err)
		return err;
	return new_tg_btf(btf, name, fmt, btfp);
}

int tg_btf__open_mem(const void *data, size_t size, const char *name,
		     const struct tg_open_opts *opts, struct tg_btf **btfp)
{
	if (!TG_OPTS_VALID(opts, tg_open_opts))
		return -EINVAL;
	return tg_btf_from_mem(data, size, name, btfp);
}

/* Read up to @len bytes, stopping early only at end of file. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		done += n;
	}
	return done;
}

/*
 * Read the rest of @fd after the @have bytes already in @prefix. The size
 * is only a hint: sysfs files may claim 4096 bytes whatever they hold.
 */
static int read_rest(int fd, const void *prefix, size_t have, size_t size_hint,
		     void **bufp, size_t *sizep)
{
	size_t cap = size_hint > have ? size_hint + 1 : have + 65536;
	size_t len = have;
	char *buf, *tmp;
	ssize_t n;

	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, prefix, have);
	for (;;) {
		if (len == cap) {
			if (cap > SIZE_MAX / 2)
				goto nomem;
			tmp = realloc(buf, cap * 2);
			if (!tmp)
				goto nomem;
			buf = tmp;
			cap *= 2;
		}
		n = read_full(fd, buf + len, cap - len);
		if (n < 0) {
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += n;
	}
	*bufp = buf;
	*sizep = len;
	return 0;
nomem:
	free(buf);
	return -ENOMEM;
}

#define SYSFS_MAGIC 0x62656572

/*
 * The kernel's own BTF in /sys/kernel/btf can be mapped (6.16+): the pages
 * are the kernel's, so mapping them costs neither a copy nor resident
 * memory, and they cannot change under us. Other files are read: a file
 * truncated while mapped would kill us with SIGBUS. -EOPNOTSUPP means
 * "read it instead".
 */
static int open_sysfs_mapped(int fd, const struct stat *st, const char *path,
			     struct tg_btf **btfp)
{
	struct statfs sfs;
	void *map;
	int err;

	if (!S_ISREG(st->st_mode) || st->st_size <= 0 ||
	    fstatfs(fd, &sfs) || sfs.f_type != SYSFS_MAGIC)
		return -EOPNOTSUPP;
	map = mmap(NULL, st->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return -EOPNOTSUPP;
	err = tg_btf_from_mem(map, st->st_size, path, btfp);
	munmap(map, st->st_size);
	return err;
}

static int open_fd(int fd, const char *path, struct tg_btf **btfp)
{
	unsigned char prefix[PREFIX_SZ];
	struct stat st;
	struct btf *btf;
	size_t size = 0;
	ssize_t n;
	void *buf = NULL;
	int err;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	n = read_full(fd, prefix, sizeof(prefix));
	if (n < 0)
		return n;

	/*
	 * A vmlinux with debug info can be hundreds of megabytes: let libelf
	 * map it and touch only the headers and .BTF. Only regular files
	 * are known to have a true size; anything else is read whole.
	 */
	if (S_ISREG(st.st_mode) && is_elf(prefix, n)) {
		err = load_elf(prefix, n, st.st_size, elf_from_fd, &fd, &btf);
		if (err)
			return err;
		return new_tg_btf(btf, path, TG_FORMAT_ELF, btfp);
	}

	if ((size_t)n < sizeof(prefix)) {
		/* Already at end of file: no need to copy. */
		return tg_btf_from_mem(prefix, n, path, btfp);
	}
	err = open_sysfs_mapped(fd, &st, path, btfp);
	if (err != -EOPNOTSUPP)
		return err;
	err = read_rest(fd, prefix, n, S_ISREG(st.st_mode) ? st.st_size : 0,
			&buf, &size);
	if (err)
		return err;
	err = tg_btf_from_mem(buf, size, path, btfp);
	free(buf);
	return err;
}

int tg_btf__open(const char *path, const struct tg_open_opts *opts,
		 struct tg_btf **btfp)
{
	int fd, err;

	if (!path || !btfp || !TG_OPTS_VALID(opts, tg_open_opts))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = open_fd(fd, path, btfp);
	close(fd);
	return err;
}

void tg_btf__free(struct tg_btf *btf)
{
	if (!btf)
		return;
	btf__free(btf->btf);
	free(btf->path);
	free(btf);
}

const struct btf *tg_btf__btf(const struct tg_btf *btf)
{
	return btf->btf;
}

enum tg_format tg_btf__format(const struct tg_btf *btf)
{
	return btf->format;
}

const char *tg_btf__path(const struct tg_btf *btf)
{
	return btf->path;
}
