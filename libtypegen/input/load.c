// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Loading BTF from raw BTF or from the .BTF section of an ELF file, and
 * from the containers these come in: compressed data, tar archives, x86
 * boot images. Each is a layer, unwrapped in memory until raw BTF or ELF.
 *
 * The input is recognised by its content. Headers are checked here before
 * libbpf or libelf see the data, so that a cut file is reported as
 * truncated instead of as some vague parse error.
 */
#include <byteswap.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <libelf.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/btf.h>
#include <bpf/btf.h>
#include "dwarf/dwarf.h"
#include "input/input.h"

/* The state of one load, through its layers. */
struct load_ctx {
	const struct tg_btf *base;	/* for split BTF, or NULL */
	/*
	 * What may still be decompressed, all layers and all of an
	 * archive's candidates together; shared by the copies of this
	 * context that try an archive's files.
	 */
	size_t *budget;
	size_t budget_left;		/* the first context's */
	enum tg_format layers[TG_MAX_LAYERS];
	size_t layer_cnt;
	unsigned char build_id[TG_BUILD_ID_MAX];
	size_t build_id_sz;
	enum tg_arch arch;		/* the ELF file's, if any */
	/* Types from DWARF (dwarf.c): asked for, and how it went. */
	bool from_dwarf;
	tg_progress_fn progress;
	void *progress_ctx;
	const char *btf_features;	/* of a DWARF conversion, or NULL */
	const char *path;	/* the file opened, or NULL */
	int fd;			/* the file, when it is the ELF file itself */
	bool is_dwarf;
	size_t dwarf_skipped;
};

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
 * shorter than TG_DZ_PEEK_SZ). The boot image and tar tests look further in,
 * so they only match inputs long enough to hold what they look for.
 */
static int detect_format(const void *data, size_t size, enum tg_format *fmt)
{
	static const unsigned char btf_le[] = { 0x9f, 0xeb };
	static const unsigned char btf_be[] = { 0xeb, 0x9f };
	struct tg_kimage img;

	if (size == 0)
		return -TG_ERRNO__EMPTY;
	if (tg_bzimage_detect(data, size))
		*fmt = TG_FORMAT_BZIMAGE;
	else if (is_elf(data, size))
		*fmt = TG_FORMAT_ELF;
	else if (is_raw_btf(data, size))
		*fmt = TG_FORMAT_RAW_BTF;
	else if ((*fmt = tg_kimage_detect(data, size, &img)) == TG_FORMAT_UNKNOWN)
		*fmt = tg_tar_detect(data, size) ? TG_FORMAT_TAR :
		       tg_compression_detect(data, size);
	if (*fmt != TG_FORMAT_UNKNOWN)
		return 0;
	/* Too short to hold a whole magic, but what is there matches one. */
	if (is_prefix_of(data, size, ELFMAG, SELFMAG) ||
	    is_prefix_of(data, size, btf_le, sizeof(btf_le)) ||
	    is_prefix_of(data, size, btf_be, sizeof(btf_be)) ||
	    tg_compression_prefix(data, size))
		return -TG_ERRNO__TRUNC;
	return -TG_ERRNO__FORMAT;
}

/*
 * libbpf checks the same things but answers -EINVAL for all of them; a file
 * shorter than its header says must be reported as truncated.
 */
/* The raw BTF header at @data (at least its size), in this host's order. */
static void read_btf_header(const void *data, struct btf_header *hdr)
{
	memcpy(hdr, data, sizeof(*hdr));
	if (hdr->magic != BTF_MAGIC) {
		hdr->hdr_len = bswap_32(hdr->hdr_len);
		hdr->type_off = bswap_32(hdr->type_off);
		hdr->type_len = bswap_32(hdr->type_len);
		hdr->str_off = bswap_32(hdr->str_off);
		hdr->str_len = bswap_32(hdr->str_len);
	}
}

static int check_raw_btf_header(const void *data, size_t size)
{
	struct btf_header hdr;
	uint64_t body_sz;

	if (size < sizeof(hdr))
		return -TG_ERRNO__TRUNC;
	read_btf_header(data, &hdr);
	if (hdr.hdr_len < sizeof(hdr))
		return -TG_ERRNO__BTF;
	/* The kernel's rule: types start 4-byte aligned (or reads are not). */
	if ((hdr.hdr_len + hdr.type_off) % 4)
		return -TG_ERRNO__BTF;
	if (hdr.hdr_len > size)
		return -TG_ERRNO__TRUNC;
	body_sz = size - hdr.hdr_len;
	if (!range_in_file(hdr.type_off, hdr.type_len, body_sz) ||
	    !range_in_file(hdr.str_off, hdr.str_len, body_sz))
		return -TG_ERRNO__TRUNC;
	return 0;
}

/*
 * Standalone BTF starts its strings with the empty string (offset 0 is
 * the empty name); split BTF continues its base's strings, so its own
 * start with a name, or it has none. The header was checked.
 */
static bool is_split_btf(const void *data)
{
	struct btf_header hdr;

	read_btf_header(data, &hdr);
	return !hdr.str_len ||
	       ((const char *)data)[hdr.hdr_len + hdr.str_off] != '\0';
}

static int write_all(int fd, const void *data, size_t size)
{
	const char *p = data;
	ssize_t n;

	while (size) {
		n = write(fd, p, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		size -= n;
	}
	return 0;
}

/*
 * Parse split BTF from the file @fd, named @path, after writing @data to
 * it. Returns 0, the write's error, or -ENOENT if @path cannot be opened
 * (no /proc), -ENOMEM, or -TG_ERRNO__BASE when libbpf refuses the data.
 */
static int parse_split_fd(int fd, const char *path, const void *data,
			  size_t size, struct btf *base, struct btf **btfp)
{
	int err = write_all(fd, data, size);

	if (err)
		return err;
	*btfp = btf__parse_raw_split(path, base);
	if (*btfp)
		return 0;
	if (errno == ENOENT || errno == ENOMEM)
		return -errno;
	return -TG_ERRNO__BASE;
}

/*
 * libbpf 1.1 declares btf__new_split() but does not export it (1.2 does):
 * split BTF is parsed from a file instead, a memfd reached through
 * /proc/self/fd, or without /proc a temporary file, removed at once.
 */
static int new_split(const void *data, size_t size, struct btf *base,
		     struct btf **btfp)
{
	char path[PATH_MAX];
	const char *tmpdir;
	int fd, err;

	fd = memfd_create("typegen-split-btf", MFD_CLOEXEC);
	if (fd >= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		err = parse_split_fd(fd, path, data, size, base, btfp);
		close(fd);
		if (err != -ENOENT)
			return err;
	}
	tmpdir = getenv("TMPDIR");
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/typegen-btf.XXXXXX", tmpdir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = parse_split_fd(fd, path, data, size, base, btfp);
	unlink(path);
	close(fd);
	return err;
}

/*
 * Split BTF on the base of @ctx. libbpf 1.1 checks neither type ids nor
 * names, so that split BTF on the wrong base would still parse: its own
 * types (a module's few thousand) are checked here.
 */
static int split_from_bytes(struct load_ctx *ctx, const void *data,
			    size_t size, struct btf **btfp)
{
	struct btf *base, *btf;
	int err;

	if (!ctx->base)
		return -TG_ERRNO__NEEDBASE;
	base = ctx->base->btf;
	err = new_split(data, size, base, &btf);
	if (err)
		return err;
	if (tg_btf_check_refs(btf, btf__type_cnt(base), true)) {
		btf__free(btf);
		return -TG_ERRNO__BASE;
	}
	*btfp = btf;
	return 0;
}

/* Standalone raw BTF at @data, its header checked to fit @size bytes. */
static int standalone_from_bytes(const void *data, size_t size,
				 struct btf **btfp)
{
	struct btf *btf = btf__new(data, size);
	struct btf_header hdr;

	if (!btf)
		return errno == ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
	/*
	 * libbpf 1.1 checks that each record fits its section, not what it
	 * refers to: a dangling type id or name is caught here, once, rather
	 * than by every reader after it.
	 */
	read_btf_header(data, &hdr);
	if (tg_btf_check_standalone(btf, hdr.str_len)) {
		btf__free(btf);
		return -TG_ERRNO__BTF;
	}
	*btfp = btf;
	return 0;
}

/* @data holds raw BTF whose header says it fits in @size bytes. */
static int btf_from_bytes(struct load_ctx *ctx, const void *data,
			  size_t size, struct btf **btfp)
{
	/* btf__new() takes a __u32 size. */
	if (size > UINT32_MAX)
		return -EFBIG;
	if (is_split_btf(data))
		return split_from_bytes(ctx, data, size, btfp);
	return standalone_from_bytes(data, size, btfp);
}

int tg_btf_parse_standalone(const void *data, size_t size, struct btf **btfp)
{
	int err = check_raw_btf_header(data, size);

	if (err)
		return err;
	if (size > UINT32_MAX)
		return -EFBIG;
	if (is_split_btf(data))
		return -TG_ERRNO__BTF;
	return standalone_from_bytes(data, size, btfp);
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

/* A @size-byte field of an ELF record at @p, in this host's order. */
static uint64_t elf_field(const unsigned char *p, size_t size, bool swap)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (size) {
	case 2:
		memcpy(&v16, p, sizeof(v16));
		return elf16(v16, swap);
	case 4:
		memcpy(&v32, p, sizeof(v32));
		return swap ? bswap_32(v32) : v32;
	default:
		memcpy(&v64, p, sizeof(v64));
		return elf64(v64, swap);
	}
}

#define ELF_FIELD(p, type, field, swap)					\
	elf_field((p) + offsetof(type, field), sizeof(((type *)0)->field), swap)
/* @field of the Elf32_@kind or Elf64_@kind record at @p, by its class. */
#define ELF_GET(p, is64, kind, field, swap)				\
	((is64) ? ELF_FIELD(p, Elf64_##kind, field, swap) :		\
		  ELF_FIELD(p, Elf32_##kind, field, swap))

/*
 * Read the section table's place from the ELF header in @hdr (@hdr_sz bytes
 * of a file of @file_sz bytes). Done by hand because libelf refuses a file
 * whose section table is cut without saying that this is why.
 */
static int parse_elf_header(const unsigned char *hdr, size_t hdr_sz,
			    uint64_t file_sz, struct elf_layout *l)
{
	bool swap;

	/* "\177ELF" alone: the identification bytes are cut short. */
	if (hdr_sz < EI_NIDENT || file_sz < EI_NIDENT)
		return -TG_ERRNO__TRUNC;
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

/* Where the section table ends, by the ELF header's word. */
static uint64_t elf_table_end(const struct elf_layout *l)
{
	return l->shoff + (uint64_t)l->shentsize * (l->shnum ? l->shnum : 1);
}

/*
 * The end of the last section's bytes in the section table at the end of
 * @data (the table and the header are known to be in it): an ELF file
 * holds nothing past its sections and its table.
 */
static uint64_t elf_extent(const unsigned char *data, const struct elf_layout *l)
{
	bool is64 = data[EI_CLASS] == ELFCLASS64;
	bool swap = (data[EI_DATA] == ELFDATA2MSB) == host_is_little_endian();
	uint64_t end = elf_table_end(l), off, size, i;
	uint32_t type;

	for (i = 0; i < (l->shnum ? l->shnum : 1u); i++) {
		const unsigned char *sh = data + l->shoff + i * l->shentsize;

		type = ELF_GET(sh, is64, Shdr, sh_type, swap);
		off = ELF_GET(sh, is64, Shdr, sh_offset, swap);
		size = ELF_GET(sh, is64, Shdr, sh_size, swap);
		if (type != SHT_NOBITS && off + size >= off && off + size > end)
			end = off + size;
	}
	return end;
}

/* The size an ELF stream's own headers give it, once @len bytes are in. */
static int peek_elf(const unsigned char *data, size_t len, size_t max,
		    size_t *limit, size_t *next)
{
	struct elf_layout l;
	uint64_t end;
	int err;

	err = parse_elf_header(data, len, UINT64_MAX, &l);
	if (err)
		return err;
	/* No section table: no .BTF, no DWARF. */
	if (!l.shoff)
		return -TG_ERRNO__NOBTF;
	if (l.shentsize < (data[EI_CLASS] == ELFCLASS64 ?
			   sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)))
		return -TG_ERRNO__ELF;
	end = elf_table_end(&l);
	/* A count past 0xff00 is in section 0: too rare to follow here. */
	if (!l.shnum)
		return 0;
	if (end > len) {
		if (end > max)
			return -TG_ERRNO__TOOBIG;
		*next = end;
		return 0;
	}
	end = elf_extent(data, &l);
	if (end > max)
		return -TG_ERRNO__TOOBIG;
	*limit = end;
	return 0;
}

/*
 * What a decompressed layer is, from its first kilobytes: something no
 * layer can be (a bomb of zeros) is refused at once, and raw BTF or ELF
 * may run no further than their own headers say.
 */
static int peek_layer(void *arg, const void *data, size_t len, size_t max,
		      size_t *limit, size_t *next)
{
	struct btf_header hdr;
	enum tg_format fmt;
	uint64_t end;
	int err;

	(void)arg;
	err = detect_format(data, len, &fmt);
	if (err)
		return err;
	switch (fmt) {
	case TG_FORMAT_RAW_BTF:
		read_btf_header(data, &hdr);
		end = (uint64_t)hdr.type_off + hdr.type_len;
		if ((uint64_t)hdr.str_off + hdr.str_len > end)
			end = (uint64_t)hdr.str_off + hdr.str_len;
		end += hdr.hdr_len;
		if (end > max)
			return -TG_ERRNO__TOOBIG;
		*limit = end;
		return 0;
	case TG_FORMAT_ELF:
		return peek_elf(data, len, max, limit, next);
	default:
		/* Archives and compressed data: the next layer looks. */
		return 0;
	}
}

/* A 4- or 8-byte aligned size in a note. */
static uint64_t note_align(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/*
 * The GNU build ID among the notes at @p (@size bytes, 4- or 8-byte
 * aligned), as read_build_id() takes it from a section: into @id, *@id_sz
 * (left alone if none).
 */
static void notes_build_id(const unsigned char *p, uint64_t size,
			   uint64_t align, bool swap, unsigned char *id,
			   size_t *id_sz)
{
	uint64_t pos = 0, name, desc;
	Elf64_Nhdr nh;

	while (!*id_sz && size - pos >= sizeof(nh)) {
		memcpy(&nh, p + pos, sizeof(nh));
		if (swap) {
			nh.n_namesz = bswap_32(nh.n_namesz);
			nh.n_descsz = bswap_32(nh.n_descsz);
			nh.n_type = bswap_32(nh.n_type);
		}
		name = pos + sizeof(nh);
		desc = name + note_align(nh.n_namesz, align);
		pos = desc + note_align(nh.n_descsz, align);
		if (pos > size)
			return;
		if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
		    memcmp(p + name, "GNU", 4) || !nh.n_descsz ||
		    nh.n_descsz > TG_BUILD_ID_MAX)
			continue;
		memcpy(id, p + desc, nh.n_descsz);
		*id_sz = nh.n_descsz;
	}
}

/*
 * What load_elf() reads besides the .BTF, from the first @len bytes of an
 * ELF file whose kernel BTF they end with (decoding stopped there): its
 * machine and build ID, found by the program headers, the section table
 * being at the end. 1 if so; 0 if the notes are not all in these bytes;
 * -1 if there are no program headers to find them by (a relocatable
 * file). Short of 1, the whole file must be decoded.
 */
static int elf_prefix_info(const unsigned char *data, size_t len,
			   struct load_ctx *ctx)
{
	uint64_t phoff, off, size, align, i;
	uint16_t phentsize, phnum, machine;
	bool is64, swap;
	uint32_t type;

	if (len < EI_NIDENT)
		return -1;
	is64 = data[EI_CLASS] == ELFCLASS64;
	swap = (data[EI_DATA] == ELFDATA2MSB) == host_is_little_endian();
	if (len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -1;
	phoff = ELF_GET(data, is64, Ehdr, e_phoff, swap);
	phentsize = ELF_GET(data, is64, Ehdr, e_phentsize, swap);
	phnum = ELF_GET(data, is64, Ehdr, e_phnum, swap);
	machine = ELF_GET(data, is64, Ehdr, e_machine, swap);
	if (!phnum || phnum == PN_XNUM ||
	    phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return -1;
	if (!range_in_file(phoff, (uint64_t)phentsize * phnum, len))
		return 0;
	ctx->build_id_sz = 0;
	for (i = 0; i < phnum; i++) {
		const unsigned char *ph = data + phoff + i * phentsize;

		type = ELF_GET(ph, is64, Phdr, p_type, swap);
		off = ELF_GET(ph, is64, Phdr, p_offset, swap);
		size = ELF_GET(ph, is64, Phdr, p_filesz, swap);
		align = ELF_GET(ph, is64, Phdr, p_align, swap);
		if (type != PT_NOTE)
			continue;
		if (!range_in_file(off, size, len))
			return 0;
		notes_build_id(data + off, size, align == 8 ? 8 : 4, swap,
			       ctx->build_id, &ctx->build_id_sz);
	}
	ctx->arch = tg_arch_from_elf(machine, is64);
	return 1;
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

/*
 * The GNU build ID, from the first note that holds one; none is no error
 * (the build ID only tells a stale kernel image from the running one).
 */
static void read_build_id(Elf *elf, uint64_t file_sz, struct load_ctx *ctx)
{
	size_t off, name_off, desc_off;
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	GElf_Nhdr nh;
	Elf_Data *d;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE ||
		    !range_in_file(shdr.sh_offset, shdr.sh_size, file_sz))
			continue;
		/* Translated to this machine's byte order by libelf. */
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		off = 0;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off))) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + name_off, "GNU", 4) ||
			    !nh.n_descsz || nh.n_descsz > TG_BUILD_ID_MAX)
				continue;
			memcpy(ctx->build_id, (char *)d->d_buf + desc_off,
			       nh.n_descsz);
			ctx->build_id_sz = nh.n_descsz;
			return;
		}
	}
}

/* The machine the ELF file is for; an unknown one is no error. */
static void read_arch(Elf *elf, struct load_ctx *ctx)
{
	GElf_Ehdr ehdr;

	if (gelf_getehdr(elf, &ehdr))
		ctx->arch = tg_arch_from_elf(ehdr.e_machine,
					     gelf_getclass(elf) == ELFCLASS64);
}

/* The BTF in the .BTF section of @elf, a file of @file_sz bytes. */
static int btf_from_elf(struct load_ctx *ctx, Elf *elf, uint64_t file_sz,
			struct btf **btfp)
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

	err = check_raw_btf_header(data->d_buf, data->d_size);
	if (err)
		return err;
	err = btf_from_bytes(ctx, data->d_buf, data->d_size, &btf);
	if (err)
		return err;
	/* Raw BTF does not say; the ELF class of the file it came in does. */
	btf__set_pointer_size(btf, gelf_getclass(elf) == ELFCLASS32 ? 4 : 8);
	read_build_id(elf, file_sz, ctx);
	*btfp = btf;
	return 0;
}

/*
 * The types in the DWARF of @elf (or of its separate debug file). Without
 * DWARF it is the missing .BTF that is reported, unless DWARF was asked for.
 */
static int btf_from_dwarf(struct load_ctx *ctx, Elf *elf, uint64_t file_sz,
			  struct btf **btfp)
{
	struct tg_dwarf_args a = {
		.path = ctx->path,
		.fd = ctx->fd,
		.progress = ctx->progress,
		.progress_ctx = ctx->progress_ctx,
		.max_size = *ctx->budget ? *ctx->budget : 1,
		.base = ctx->base ? ctx->base->btf : NULL,
		.btf_features = ctx->btf_features,
	};
	size_t size = 0;
	char *image = NULL;
	int err;

	/* From a file, dwarf.c reads it itself: no second copy. */
	if (ctx->fd < 0) {
		image = elf_rawfile(elf, &size);
		if (!image)
			return -TG_ERRNO__ELF;
	}
	err = tg_dwarf_to_btf(image, size, &a, btfp, &ctx->dwarf_skipped);
	if (err == -TG_ERRNO__NODWARF && !ctx->from_dwarf)
		return -TG_ERRNO__NOBTF;
	if (err)
		return err;
	ctx->is_dwarf = true;
	read_build_id(elf, file_sz, ctx);
	return 0;
}

/* A kernel (vmlinux), not any ELF file: it exports symbols. */
static bool is_kernel(Elf *elf)
{
	size_t shstrndx;
	GElf_Shdr shdr;
	int err;

	return !elf_getshdrstrndx(elf, &shstrndx) &&
	       find_section(elf, shstrndx, "__ksymtab", &shdr, &err);
}

/*
 * @hdr holds the first @hdr_sz bytes of an ELF file of @file_sz bytes;
 * @open_elf gives libelf's view of the same file.
 */
static int load_elf(struct load_ctx *ctx, const unsigned char *hdr,
		    size_t hdr_sz, uint64_t file_sz,
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
	read_arch(elf, ctx);
	if (ctx->from_dwarf) {
		err = btf_from_dwarf(ctx, elf, file_sz, btfp);
	} else {
		err = btf_from_elf(ctx, elf, file_sz, btfp);
		if (err == -TG_ERRNO__NOBTF && elf_kind(elf) == ELF_K_ELF)
			err = btf_from_dwarf(ctx, elf, file_sz, btfp);
		/* Say where such a kernel's types are instead. */
		if (err == -TG_ERRNO__NOBTF && is_kernel(elf))
			err = -TG_ERRNO__IMGNOBTF;
	}
	elf_end(elf);
	return err;
}

static int new_tg_btf(struct btf *btf, const char *name,
		      const struct load_ctx *ctx, struct tg_btf **btfp)
{
	const struct btf *base = btf__base_btf(btf);
	struct tg_btf *tb;
	int err;

	/* Every load, whatever it came from, meets the kernel's rules. */
	if (ctx) {
		err = tg_btf_check_rules(btf, base ? btf__type_cnt(base) : 1);
		if (err) {
			btf__free(btf);
			return err;
		}
	}
	tb = calloc(1, sizeof(*tb));
	if (!tb)
		goto nomem;
	if (name) {
		tb->path = strdup(name);
		if (!tb->path)
			goto nomem;
	}
	tb->btf = btf;
	if (ctx) {
		memcpy(tb->layers, ctx->layers, sizeof(tb->layers));
		tb->layer_cnt = ctx->layer_cnt;
		tb->format = ctx->layer_cnt ? ctx->layers[0] : TG_FORMAT_UNKNOWN;
		memcpy(tb->build_id, ctx->build_id, ctx->build_id_sz);
		tb->build_id_sz = ctx->build_id_sz;
		tb->arch = ctx->arch;
		tb->from_dwarf = ctx->is_dwarf;
		tb->dwarf_skipped = ctx->dwarf_skipped;
		/* The base was used only if the input was split. */
		if (btf__base_btf(btf))
			tb->base = ctx->base;
	}
	*btfp = tb;
	return 0;
nomem:
	free(tb);
	btf__free(btf);
	return -ENOMEM;
}

int tg_btf_wrap(struct btf *btf, const char *name, struct tg_btf **btfp)
{
	return new_tg_btf(btf, name, NULL, btfp);
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

/*
 * Read, not mapped: libelf then reads the headers and the sections asked
 * for with pread(), and a file truncated meanwhile is an error, not the
 * SIGBUS a mapping would give.
 */
static Elf *elf_from_fd(void *arg)
{
	return elf_begin(*(int *)arg, ELF_C_READ, NULL);
}

static int load_layer(struct load_ctx *ctx, const void *data, size_t size,
		      struct btf **btfp);

static int push_layer(struct load_ctx *ctx, enum tg_format fmt)
{
	if (ctx->layer_cnt == TG_MAX_LAYERS)
		return -TG_ERRNO__DEPTH;
	ctx->layers[ctx->layer_cnt++] = fmt;
	return 0;
}

/*
 * A layer watched for the kernel's BTF as it is decoded (image.c), so
 * that decoding stops once the BTF is whole, the rest of the kernel
 * unread: for a kernel (ELF or not) that is compressed, whatever holds it.
 */
struct layer_watch {
	struct load_ctx *ctx;
	bool layer;		/* peek_layer() too: a compressed layer */
	size_t layer_next;	/* when peek_layer() wants to look again */
	bool started;		/* the output's format is known */
	bool on;		/* watching */
	enum tg_format fmt;	/* the output's format */
	struct tg_btf_watch w;
	struct load_ctx found;	/* ctx with what the ELF prefix said */
};

static void watch_reset(void *arg)
{
	struct layer_watch *lw = arg;

	tg_btf_watch_reset(&lw->w);
	lw->layer_next = lw->layer ? TG_DZ_PEEK_SZ : SIZE_MAX;
	lw->started = false;
	lw->on = false;
}

static int watch_peek(void *arg, const void *data, size_t len, size_t max,
		      size_t *limit, size_t *next)
{
	struct layer_watch *lw = arg;
	size_t wnext = SIZE_MAX;
	int err;

	if (lw->layer && len >= lw->layer_next) {
		lw->layer_next = SIZE_MAX;
		err = peek_layer(lw->ctx, data, len, max, limit,
				 &lw->layer_next);
		if (err)
			return err;
	}
	if (!lw->started) {
		lw->started = true;
		if (detect_format(data, len, &lw->fmt))
			lw->fmt = TG_FORMAT_UNKNOWN;
		/*
		 * A kernel's types only: not DWARF asked for, not split BTF,
		 * not what a compressed layer holds that is no kernel.
		 */
		lw->on = !lw->ctx->from_dwarf && !lw->ctx->base &&
			 (!lw->layer || lw->fmt == TG_FORMAT_ELF ||
			  lw->fmt == TG_FORMAT_KIMAGE);
		/* An ELF file without program headers: no notes to find. */
		lw->found = *lw->ctx;
		if (lw->fmt == TG_FORMAT_ELF &&
		    elf_prefix_info(data, len, &lw->found) < 0)
			lw->on = false;
	}
	if (lw->on) {
		err = tg_btf_watch(&lw->w, data, len, &wnext);
		if (err < 0)
			return err;
		if (err) {
			lw->found = *lw->ctx;
			if (lw->fmt != TG_FORMAT_ELF ||
			    elf_prefix_info(data, len, &lw->found) > 0)
				return TG_DZ_STOP;
			/* Not all an ELF kernel says is here: decode it all. */
			tg_btf_watch_reset(&lw->w);
			lw->on = false;
			wnext = SIZE_MAX;
		}
	}
	*next = lw->layer_next < wnext ? lw->layer_next : wnext;
	return 0;
}

/*
 * The kernel's BTF the watch found in an ELF file, decoding stopped at
 * its end, with what load_elf() would have read from the whole file.
 */
static struct btf *take_elf(struct layer_watch *lw, const unsigned char *data)
{
	struct load_ctx *ctx = lw->ctx;
	struct btf *btf = lw->w.btf;

	memcpy(ctx->build_id, lw->found.build_id, TG_BUILD_ID_MAX);
	ctx->build_id_sz = lw->found.build_id_sz;
	ctx->arch = lw->found.arch;
	/* The ELF class says, as for a .BTF section. */
	btf__set_pointer_size(btf, data[EI_CLASS] == ELFCLASS32 ? 4 : 8);
	lw->w.btf = NULL;
	return btf;
}

/* A watch for @ctx's next layer; @layer: peek_layer() too. */
static void watch_init(struct layer_watch *lw, struct tg_dz_peek *peek,
		       struct load_ctx *ctx, bool layer)
{
	memset(lw, 0, sizeof(*lw));
	lw->ctx = ctx;
	lw->layer = layer;
	lw->layer_next = layer ? TG_DZ_PEEK_SZ : SIZE_MAX;
	*peek = (struct tg_dz_peek){
		.fn = watch_peek,
		.reset = watch_reset,
		.arg = lw,
	};
}

/* The kernel's BTF the watch found in a kernel Image (not ELF). */
static int take_kimage(struct layer_watch *lw, const struct tg_kimage *img,
		       struct btf **btfp)
{
	int err = tg_kimage_check(lw->w.btf, img);

	if (err)
		return err;
	lw->ctx->arch = img->arch;
	*btfp = lw->w.btf;
	lw->w.btf = NULL;
	return 0;
}

static int load_compressed(struct load_ctx *ctx, enum tg_format fmt,
			   const void *data, size_t size, struct btf **btfp)
{
	struct layer_watch lw;
	struct tg_dz_peek peek;
	struct tg_kimage img;
	size_t len;
	void *buf;
	int err;

	watch_init(&lw, &peek, ctx, true);
	err = tg_decompress_peek(fmt, data, size, 0, *ctx->budget, &peek,
				 &buf, &len);
	if (err)
		goto out;
	*ctx->budget -= len;
	if (!lw.w.btf) {
		err = load_layer(ctx, buf, len, btfp);
	} else {
		err = push_layer(ctx, lw.fmt);
		if (!err && lw.fmt == TG_FORMAT_ELF) {
			*btfp = take_elf(&lw, buf);
		} else if (!err) {
			tg_kimage_detect(buf, len, &img);
			err = take_kimage(&lw, &img, btfp);
		}
	}
	free(buf);
out:
	tg_btf_watch_reset(&lw.w);
	return err;
}

static int load_bzimage(struct load_ctx *ctx, const void *data, size_t size,
			struct btf **btfp)
{
	struct layer_watch lw;
	struct tg_dz_peek peek;
	enum tg_format comp;
	size_t len;
	void *elf;
	int err;

	watch_init(&lw, &peek, ctx, false);
	err = tg_bzimage_extract(data, size, *ctx->budget, &peek, &elf, &len,
				 &comp);
	if (err)
		goto out;
	*ctx->budget -= len;
	err = push_layer(ctx, comp);
	if (!err && !lw.w.btf)
		err = load_layer(ctx, elf, len, btfp);
	else if (!err && !(err = push_layer(ctx, TG_FORMAT_ELF)))
		*btfp = take_elf(&lw, elf);
	free(elf);
out:
	tg_btf_watch_reset(&lw.w);
	return err;
}

/*
 * A kernel that is not ELF (image.c): its BTF found by content, in the
 * image itself or in the kernel compressed inside it.
 */
static int load_kimage(struct load_ctx *ctx, enum tg_format fmt,
		       const void *data, size_t size, struct btf **btfp)
{
	struct tg_kimage img, inner;
	struct layer_watch lw;
	struct tg_dz_peek peek;
	enum tg_format comp;
	void *buf = NULL;
	size_t len;
	int err;

	watch_init(&lw, &peek, ctx, false);
	tg_kimage_detect(data, size, &img);
	if (fmt != TG_FORMAT_KIMAGE) {
		err = tg_kimage_unpack(fmt, data, size, *ctx->budget, &peek,
				       &buf, &len, &comp);
		if (!err) {
			*ctx->budget -= len;
			err = push_layer(ctx, comp) ?:
			      push_layer(ctx, TG_FORMAT_KIMAGE);
		}
		if (err)
			goto out;
		/* The kernel's own header (zboot's Image) knows best. */
		if (tg_kimage_detect(buf, len, &inner) == TG_FORMAT_KIMAGE) {
			if (img.arch && inner.arch != img.arch) {
				err = -TG_ERRNO__IMGARCH;
				goto out;
			}
			img = inner;
		}
		data = buf;
		size = len;
	}
	if (lw.w.btf) {
		err = take_kimage(&lw, &img, btfp);
		goto out;
	}
	err = tg_kimage_btf(data, size, &img, btfp);
	if (!err)
		ctx->arch = img.arch;
out:
	tg_btf_watch_reset(&lw.w);
	free(buf);
	return err;
}

/*
 * The one file of the archive that holds BTF. Files of no format this
 * library reads (a README) are not candidates; if one candidate is left,
 * its own error is the archive's; of several, the one that loads wins and
 * more than one is an error.
 */
static int load_tar(struct load_ctx *ctx, const void *data, size_t size,
		    struct btf **btfp)
{
	const void *file, *first = NULL;
	struct load_ctx try, found_ctx = *ctx;
	struct btf *btf, *found = NULL;
	size_t file_sz, first_sz = 0;
	enum tg_format fmt;
	struct tg_tar tar;
	int n = 0, err;

	tg_tar_init(&tar, data, size);
	while ((err = tg_tar_next(&tar, &file, &file_sz)) > 0) {
		if (detect_format(file, file_sz, &fmt))
			continue;
		if (!n++) {
			first = file;
			first_sz = file_sz;
		}
	}
	if (err)
		return err;
	if (!n)
		return -TG_ERRNO__NOARCHBTF;
	if (n == 1)
		return load_layer(ctx, first, first_sz, btfp);

	tg_tar_init(&tar, data, size);
	while (tg_tar_next(&tar, &file, &file_sz) > 0) {
		if (detect_format(file, file_sz, &fmt))
			continue;
		try = *ctx;
		err = load_layer(&try, file, file_sz, &btf);
		if (err == -ENOMEM)
			goto out;
		if (err)
			continue;
		if (found) {
			btf__free(btf);
			err = -TG_ERRNO__MULTIBTF;
			goto out;
		}
		found = btf;
		found_ctx = try;
	}
	if (!found)
		return -TG_ERRNO__NOARCHBTF;
	*ctx = found_ctx;
	*btfp = found;
	return 0;
out:
	btf__free(found);
	return err;
}

static int load_layer(struct load_ctx *ctx, const void *data, size_t size,
		      struct btf **btfp)
{
	struct mem_input in = { .data = data, .size = size };
	enum tg_format fmt;
	int err;

	err = detect_format(data, size, &fmt);
	if (!err)
		err = push_layer(ctx, fmt);
	if (err)
		return err;

	switch (fmt) {
	case TG_FORMAT_RAW_BTF:
		err = check_raw_btf_header(data, size);
		return err ? err : btf_from_bytes(ctx, data, size, btfp);
	case TG_FORMAT_ELF:
		return load_elf(ctx, data, size, size, elf_from_mem, &in, btfp);
	case TG_FORMAT_TAR:
		return load_tar(ctx, data, size, btfp);
	case TG_FORMAT_BZIMAGE:
		return load_bzimage(ctx, data, size, btfp);
	case TG_FORMAT_KIMAGE:
	case TG_FORMAT_ZBOOT:
	case TG_FORMAT_ZIMAGE:
	case TG_FORMAT_S390:
		return load_kimage(ctx, fmt, data, size, btfp);
	default:
		return load_compressed(ctx, fmt, data, size, btfp);
	}
}

static int init_ctx(struct load_ctx *ctx, const struct tg_open_opts *opts)
{
	if (!TG_OPTS_VALID(opts, tg_open_opts))
		return -EINVAL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->base = TG_OPTS_GET(opts, base, NULL);
	ctx->budget_left = TG_OPTS_GET(opts, max_size, 0);
	ctx->budget = &ctx->budget_left;
	ctx->from_dwarf = TG_OPTS_GET(opts, from_dwarf, false);
	ctx->progress = TG_OPTS_GET(opts, progress, NULL);
	ctx->progress_ctx = TG_OPTS_GET(opts, progress_ctx, NULL);
	ctx->btf_features = TG_OPTS_GET(opts, btf_features, NULL);
	ctx->fd = -1;
	if (!ctx->budget_left)
		ctx->budget_left = TG_MAX_SIZE_DEFAULT;
	/* Split BTF on split BTF is not supported. */
	if (ctx->base && ctx->base->base)
		return -EINVAL;
	return 0;
}

static int from_mem(struct load_ctx *ctx, const void *data, size_t size,
		    const char *name, struct tg_btf **btfp)
{
	struct btf *btf;
	int err;

	err = load_layer(ctx, data, size, &btf);
	if (err)
		return err;
	return new_tg_btf(btf, name, ctx, btfp);
}

int tg_btf_from_mem(const void *data, size_t size, const char *name,
		    struct tg_btf **btfp)
{
	struct load_ctx ctx;

	if ((!data && size) || !btfp)
		return -EINVAL;
	init_ctx(&ctx, NULL);
	return from_mem(&ctx, data, size, name, btfp);
}

int tg_btf__open_mem(const void *data, size_t size, const char *name,
		     const struct tg_open_opts *opts, struct tg_btf **btfp)
{
	struct load_ctx ctx;
	int err;

	if ((!data && size) || !btfp)
		return -EINVAL;
	err = init_ctx(&ctx, opts);
	if (err)
		return err;
	return from_mem(&ctx, data, size, name, btfp);
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	return tg_pread_full(fd, buf, len, -1);
}

/*
 * Read the rest of @fd after the @have bytes already in @prefix, @max
 * bytes at most in all (-TG_ERRNO__TOOBIG past it). The size is only a
 * hint, believed up to @max: sysfs files may claim 4096 bytes whatever
 * they hold, and a sparse file may claim terabytes.
 */
static int read_rest(int fd, const void *prefix, size_t have, size_t size_hint,
		     size_t max, void **bufp, size_t *sizep)
{
	size_t cap = size_hint > have ? size_hint + 1 : have + 65536;
	size_t len = have;
	char *buf, *tmp;
	ssize_t n;

	if (max < have)
		return -TG_ERRNO__TOOBIG;
	if (cap > max + 1)
		cap = max + 1;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	if (have)
		memcpy(buf, prefix, have);
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				free(buf);
				return -TG_ERRNO__TOOBIG;
			}
			tmp = realloc(buf, cap > (max + 1) / 2 ? max + 1 :
							       cap * 2);
			if (!tmp)
				goto nomem;
			buf = tmp;
			cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
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

/* How long a FIFO may wait for its writer's first bytes. */
#define FIFO_WAIT_MS 5000

/*
 * Open @path for reading without hanging on a FIFO that has no writer
 * (open() itself would wait for one): the FIFO is given FIFO_WAIT_MS to
 * have something to read. Regular files, pipes, character devices and
 * sockets are read; a directory is -EISDIR.
 */
static int open_input(const char *path, struct stat *st)
{
	struct pollfd pfd;
	int fd, err, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st)) {
		err = -errno;
		goto fail;
	}
	if (S_ISDIR(st->st_mode)) {
		err = -EISDIR;
		goto fail;
	}
	if (S_ISFIFO(st->st_mode)) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		do
			ret = poll(&pfd, 1, FIFO_WAIT_MS);
		while (ret < 0 && errno == EINTR);
		if (ret <= 0) {
			err = ret ? -errno : -TG_ERRNO__NOWRITER;
			goto fail;
		}
	}
	/* Reads may block again (a pipe whose writer is slow). */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		err = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

int tg_read_file(const char *path, size_t max, void **bufp, size_t *sizep,
		 struct timespec *mtime)
{
	struct stat st;
	int fd, err;

	fd = open_input(path, &st);
	if (fd < 0)
		return fd;
	err = read_rest(fd, NULL, 0, S_ISREG(st.st_mode) ? st.st_size : 0,
			max, bufp, sizep);
	close(fd);
	if (!err && mtime)
		*mtime = st.st_mtim;
	return err;
}

#define SYSFS_MAGIC 0x62656572

/*
 * The kernel's own BTF in /sys/kernel/btf can be mapped (6.16+): the pages
 * are the kernel's, so mapping them costs neither a copy nor resident
 * memory, and they cannot change under us. Other files are read: a file
 * truncated while mapped would kill us with SIGBUS. -EOPNOTSUPP means
 * "read it instead".
 */
static int open_sysfs_mapped(struct load_ctx *ctx, int fd,
			     const struct stat *st, const char *path,
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
	err = from_mem(ctx, map, st->st_size, path, btfp);
	munmap(map, st->st_size);
	return err;
}

/* @prefix: TG_DZ_PEEK_SZ bytes, for the input's first bytes. */
static int open_fd_with(struct load_ctx *ctx, int fd, const struct stat *st,
			const char *path, unsigned char *prefix,
			struct tg_btf **btfp)
{
	enum tg_format fmt;
	struct btf *btf;
	size_t size = 0;
	ssize_t n;
	void *buf = NULL;
	int err;

	n = read_full(fd, prefix, TG_DZ_PEEK_SZ);
	if (n < 0)
		return n;

	/*
	 * A vmlinux with debug info can be hundreds of megabytes: let libelf
	 * read only the headers and .BTF. Only regular files are known to
	 * have a true size; anything else is read whole.
	 */
	if (S_ISREG(st->st_mode) && is_elf(prefix, n)) {
		push_layer(ctx, TG_FORMAT_ELF);
		ctx->fd = fd;
		err = load_elf(ctx, prefix, n, st->st_size, elf_from_fd, &fd,
			       &btf);
		if (err)
			return err;
		return new_tg_btf(btf, path, ctx, btfp);
	}

	if ((size_t)n < TG_DZ_PEEK_SZ) {
		/* Already at end of file: no need to copy. */
		return from_mem(ctx, prefix, n, path, btfp);
	}
	/*
	 * The first bytes tell /dev/zero, /dev/urandom or a sparse file
	 * from an input: nothing more is read of those.
	 */
	err = detect_format(prefix, n, &fmt);
	if (err == -TG_ERRNO__FORMAT)
		return err;
	err = open_sysfs_mapped(ctx, fd, st, path, btfp);
	if (err != -EOPNOTSUPP)
		return err;
	err = read_rest(fd, prefix, n, S_ISREG(st->st_mode) ? st->st_size : 0,
			*ctx->budget, &buf, &size);
	if (err)
		return err;
	err = from_mem(ctx, buf, size, path, btfp);
	free(buf);
	return err;
}

/* The first bytes on the heap: every format's test fits (see input/input.h). */
static int open_fd(struct load_ctx *ctx, int fd, const struct stat *st,
		   const char *path, struct tg_btf **btfp)
{
	unsigned char *prefix = malloc(TG_DZ_PEEK_SZ);
	int err;

	if (!prefix)
		return -ENOMEM;
	err = open_fd_with(ctx, fd, st, path, prefix, btfp);
	free(prefix);
	return err;
}

int tg_btf__open(const char *path, const struct tg_open_opts *opts,
		 struct tg_btf **btfp)
{
	struct load_ctx ctx;
	struct stat st;
	int fd, err;

	if (!path || !btfp)
		return -EINVAL;
	err = init_ctx(&ctx, opts);
	if (err)
		return err;
	fd = open_input(path, &st);
	if (fd < 0)
		return fd;
	ctx.path = path;
	err = open_fd(&ctx, fd, &st, path, btfp);
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

size_t tg_btf__layer_cnt(const struct tg_btf *btf)
{
	return btf->layer_cnt;
}

enum tg_format tg_btf__layer(const struct tg_btf *btf, size_t idx)
{
	return idx < btf->layer_cnt ? btf->layers[idx] : TG_FORMAT_UNKNOWN;
}

const char *tg_format__str(enum tg_format fmt)
{
	switch (fmt) {
	case TG_FORMAT_RAW_BTF:	return "raw BTF";
	case TG_FORMAT_ELF:	return "ELF";
	case TG_FORMAT_GZIP:	return "gzip";
	case TG_FORMAT_XZ:	return "xz";
	case TG_FORMAT_ZSTD:	return "zstd";
	case TG_FORMAT_LZMA:	return "lzma";
	case TG_FORMAT_BZIP2:	return "bzip2";
	case TG_FORMAT_LZ4:	return "lz4";
	case TG_FORMAT_LZO:	return "lzo";
	case TG_FORMAT_TAR:	return "tar";
	case TG_FORMAT_BZIMAGE:	return "bzImage";
	case TG_FORMAT_KIMAGE:	return "kernel Image";
	case TG_FORMAT_ZBOOT:	return "EFI zboot";
	case TG_FORMAT_ZIMAGE:	return "zImage";
	case TG_FORMAT_S390:	return "s390 image";
	case TG_FORMAT_UNKNOWN:	break;
	}
	return "unknown";
}

const char *tg_btf__path(const struct tg_btf *btf)
{
	return btf->path;
}

size_t tg_btf__dwarf_skipped(const struct tg_btf *btf)
{
	return btf->dwarf_skipped;
}

bool tg_btf__from_dwarf(const struct tg_btf *btf)
{
	return btf->from_dwarf;
}

const struct tg_btf *tg_btf__base(const struct tg_btf *btf)
{
	return btf->base;
}

const unsigned char *tg_btf__build_id(const struct tg_btf *btf, size_t *size)
{
	if (size)
		*size = btf->build_id_sz;
	return btf->build_id_sz ? btf->build_id : NULL;
}
