// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel types from DWARF: the ELF file's debug info (or a separate debug
 * file's) read with libdw, converted unit by unit (dwarf_cu.c) on up to
 * two threads, each with its own libdw handle over the one mapping of the
 * file and its own BTF; the two are appended, the functions and per-CPU
 * variables added once each, and everything deduplicated by libbpf.
 *
 * The threads split .debug_info at a unit boundary near its middle: units
 * are independent but for references into dwz's partial units and type
 * units, which a thread converts itself when they are not its own. The
 * order of types is that of the file, whatever the threads' timing.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <dwarf.h>
#include <zstd.h>
#include <elfutils/libdwfl.h>
#include <linux/btf.h>
#include <linux/magic.h>
#include <bpf/btf.h>
#include "dwarf/dwarf.h"
#include "dwarf_conv.h"

/* Below this much .debug_info a second thread costs more than it saves. */
#define THREAD_MIN_BYTES (8U << 20)
#define MAX_THREADS 2
/*
 * A worker deduplicates its types when this many were added since it last
 * did: a kernel's units make millions, a few hundred thousand of them
 * distinct.
 */
#define FLUSH_TYPES (1U << 19)
/* Progress is reported at most this many times per stage. */
#define PROGRESS_STEPS 200

static const char *const debug_dirs[] = { "/usr/lib/debug" };

/* ---- the ELF file -------------------------------------------------------- */

static Elf_Scn *section_by_name(Elf *elf, const char *name, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, shdr))
			continue;
		n = elf_strptr(elf, shstrndx, shdr->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

static bool has_section(Elf *elf, const char *name)
{
	GElf_Shdr shdr;

	return section_by_name(elf, name, &shdr) &&
	       shdr.sh_type != SHT_NOBITS && shdr.sh_size;
}

static bool has_dwarf(Elf *elf)
{
	return has_section(elf, ".debug_info") ||
	       has_section(elf, ".zdebug_info");
}

bool dw_func_allowed(const struct dw_elf_info *info, const char *name)
{
	struct dw_map *m = (struct dw_map *)&info->func_names;
	__u32 *v;

	if (!info->have_symtab)
		return true;
	v = dw_map_get(m, dw_str_hash(name), false);
	if (!v)
		return false;
	return (*v & DW_FUNC_SYM) ||
	       (info->features & TG_BTF_FEAT_OPTIMIZED_FUNC);
}

static int add_func_name(struct dw_elf_info *info, const char *name,
			 size_t len, __u32 how)
{
	char buf[256];
	__u32 *v;

	if (name[len]) {
		if (len >= sizeof(buf))
			return 0;
		memcpy(buf, name, len);
		buf[len] = 0;
		name = buf;
	}
	v = dw_map_get(&info->func_names, dw_str_hash(name), true);
	if (!v)
		return -ENOMEM;
	*v |= how;
	return 0;
}

/*
 * Where @sym's bytes are in the file: its section's data at its value,
 * @len of them, or NULL.
 */
static const void *sym_data(Elf *elf, const GElf_Sym *sym, size_t len,
			    bool rel, size_t *avail)
{
	Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
	GElf_Shdr shdr;
	Elf_Data *d;
	uint64_t off;

	if (!scn || !gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS)
		return NULL;
	d = elf_rawdata(scn, NULL);
	off = sym->st_value - (rel ? 0 : shdr.sh_addr);
	if (!d || !d->d_buf || off > d->d_size || len > d->d_size - off)
		return NULL;
	if (avail)
		*avail = d->d_size - off;
	return (const char *)d->d_buf + off;
}

/* The kernel version "Linux version 6.1.0-57-amd64 ..." names: 0x0601. */
static __u32 parse_version(const char *s, size_t len)
{
	unsigned long major, minor;
	char buf[32], *end;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, s, len);
	buf[len] = 0;
	major = strtoul(buf, &end, 10);
	if (end == buf || *end != '.' || major > 255)
		return 0;
	minor = strtoul(end + 1, &end, 10);
	return minor > 255 ? 0 : (__u32)(major << 8 | minor);
}

/* A module's vermagic= in .modinfo. */
static __u32 module_version(Elf *elf)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = section_by_name(elf, ".modinfo", &shdr);
	Elf_Data *d = scn ? elf_rawdata(scn, NULL) : NULL;
	const char *p, *end;

	if (!d || !d->d_buf)
		return 0;
	for (p = d->d_buf, end = p + d->d_size; p < end;
	     p += strnlen(p, end - p) + 1)
		if ((size_t)(end - p) > 9 && !memcmp(p, "vermagic=", 9))
			return parse_version(p + 9, strnlen(p + 9, end - p - 9));
	return 0;
}

/* The features the build of kernel @ver would have asked of its pahole. */
static __u32 default_features(__u32 ver)
{
	__u32 f = TG_BTF_FEAT_VAR;

	if (!ver)
		return f | TG_BTF_FEAT_ENUM64 | TG_BTF_FEAT_OPTIMIZED_FUNC |
		       TG_BTF_FEAT_CONSISTENT_FUNC | TG_BTF_FEAT_DECL_TAG_KFUNCS;
	if (ver >= 0x0600)
		f |= TG_BTF_FEAT_ENUM64;
	if (ver >= 0x0604)
		f |= TG_BTF_FEAT_OPTIMIZED_FUNC | TG_BTF_FEAT_CONSISTENT_FUNC;
	if (ver >= 0x060b)
		f |= TG_BTF_FEAT_DECL_TAG_KFUNCS;
	return f;
}

int tg_btf_features_parse(const char *list, __u32 *features)
{
	static const struct { const char *name; __u32 bit; } names[] = {
		{ "var", TG_BTF_FEAT_VAR },
		{ "enum64", TG_BTF_FEAT_ENUM64 },
		{ "optimized_func", TG_BTF_FEAT_OPTIMIZED_FUNC },
		{ "consistent_func", TG_BTF_FEAT_CONSISTENT_FUNC },
		{ "decl_tag_kfuncs", TG_BTF_FEAT_DECL_TAG_KFUNCS },
		/* What every conversion does anyway. */
		{ "encode_force", 0 }, { "float", 0 }, { "decl_tag", 0 },
		{ "type_tag", 0 },
	};
	const char *p = list, *end;
	__u32 f = 0;
	size_t i, len;

	if (!list)
		return -EINVAL;
	while (*p) {
		end = strchr(p, ',');
		len = end ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < sizeof(names) / sizeof(*names); i++)
			if (strlen(names[i].name) == len &&
			    !memcmp(names[i].name, p, len))
				break;
		if (i == sizeof(names) / sizeof(*names))
			return -EINVAL;
		f |= names[i].bit;
		p += len + !!end;
	}
	if (features)
		*features = f;
	return 0;
}

/* The per-CPU variable symbol @sym (of section @pidx, at @base). */
static int add_percpu_sym(struct dw_elf_info *info, const GElf_Sym *sym,
			  const char *name, uint64_t base)
{
	__u32 *v;

	/* pahole ignores zero-sized symbols. */
	if (!sym->st_size || sym->st_value < base)
		return 0;
	if (info->sym_cnt % 256 == 0) {
		struct dw_sym *s = realloc(info->syms,
			(info->sym_cnt + 256) * sizeof(*s));

		if (!s)
			return -ENOMEM;
		info->syms = s;
	}
	v = dw_map_get(&info->percpu_syms, sym->st_value - base + 1, true);
	if (!v)
		return -ENOMEM;
	*v = info->sym_cnt;
	info->syms[info->sym_cnt].name = name;
	info->syms[info->sym_cnt].addr = sym->st_value - base;
	info->syms[info->sym_cnt++].size = sym->st_size;
	return 0;
}

#define BTF_ID_SET8_PFX	"__BTF_ID__set8__"
#define BTF_ID_FUNC_PFX	"__BTF_ID__func__"
#define BTF_SET8_KFUNCS	(1U << 0)

struct kfunc_set {
	uint64_t start, end;
};

static __u32 elf_u32(const void *p, bool swap)
{
	__u32 v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/*
 * The kfuncs, as pahole finds them: .BTF_ids holds the kernel's BTF_SET8
 * sets (a count, flags, then an id and flags per member), each named by a
 * __BTF_ID__set8__<set> symbol; a set whose flags say BTF_SET8_KFUNCS
 * holds kfuncs, whose __BTF_ID__func__<name>__<n> symbols lie in it.
 */
static int read_kfuncs(Elf *elf, Elf_Data *syms, size_t cnt, size_t strndx,
		       bool rel, bool swap, struct dw_elf_info *info)
{
	struct kfunc_set *sets = NULL;
	size_t i, n = 0, j, avail, len;
	GElf_Shdr shdr;
	Elf_Scn *scn = section_by_name(elf, ".BTF_ids", &shdr);
	const char *name, *fn, *end;
	const unsigned char *p;
	GElf_Sym sym;
	size_t idx;
	__u32 *v;
	int err = 0;

	if (!scn)
		return 0;
	idx = elf_ndxscn(scn);
	for (i = 0; i < cnt; i++) {
		if (!gelf_getsym(syms, i, &sym) || sym.st_shndx != idx)
			continue;
		name = elf_strptr(elf, strndx, sym.st_name);
		if (!name || strncmp(name, BTF_ID_SET8_PFX,
				     sizeof(BTF_ID_SET8_PFX) - 1))
			continue;
		p = sym_data(elf, &sym, 8, rel, NULL);
		if (!p || !(elf_u32(p + 4, swap) & BTF_SET8_KFUNCS))
			continue;
		if (n % 64 == 0) {
			struct kfunc_set *s = realloc(sets, (n + 64) * sizeof(*s));

			if (!s) {
				err = -ENOMEM;
				goto out;
			}
			sets = s;
		}
		sets[n].start = sym.st_value;
		sets[n++].end = sym.st_value + sym.st_size;
	}
	for (i = 0; n && i < cnt; i++) {
		if (!gelf_getsym(syms, i, &sym) || sym.st_shndx != idx)
			continue;
		name = elf_strptr(elf, strndx, sym.st_name);
		if (!name || strncmp(name, BTF_ID_FUNC_PFX,
				     sizeof(BTF_ID_FUNC_PFX) - 1))
			continue;
		for (j = 0; j < n; j++)
			if (sets[j].start <= sym.st_value &&
			    sym.st_value < sets[j].end)
				break;
		/* The suffix __<n>: the name is what comes before. */
		fn = name + sizeof(BTF_ID_FUNC_PFX) - 1;
		end = strrchr(fn, '_');
		if (j == n || !end || end - fn < 2 || end[-1] != '_')
			continue;
		len = end - 1 - fn;
		p = sym_data(elf, &sym, 8, rel, &avail);
		if (!p || len >= 256)
			continue;
		{
			char buf[256];

			memcpy(buf, fn, len);
			buf[len] = 0;
			v = dw_map_get(&info->kfuncs, dw_str_hash(buf), true);
		}
		if (!v) {
			err = -ENOMEM;
			goto out;
		}
		*v = elf_u32(p + 4, swap);
	}
out:
	free(sets);
	return err;
}

/*
 * Function names, per-CPU variables and kfuncs from the symbol table, and
 * the conventions to follow.
 */
static int read_elf_info(Elf *elf, struct dw_elf_info *info, bool rel,
			 bool swap, const char *features)
{
	Elf_Scn *scn = NULL, *percpu;
	GElf_Shdr shdr, pshdr;
	Elf_Data *d;
	GElf_Sym sym;
	size_t i, cnt, pidx = 0;
	const char *n, *dot;
	__u32 ver = 0;
	int err;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			break;
	d = scn && shdr.sh_entsize ? elf_getdata(scn, NULL) : NULL;
	cnt = d ? shdr.sh_size / shdr.sh_entsize : 0;
	info->have_symtab = d != NULL;
	percpu = section_by_name(elf, ".data..percpu", &pshdr);
	if (percpu) {
		info->have_percpu = true;
		/* A module's: placed where libdwfl puts it (convert_rel). */
		info->percpu_addr = rel ? 0 : pshdr.sh_addr;
		info->percpu_size = pshdr.sh_size;
		pidx = elf_ndxscn(percpu);
	}
	for (i = 0; i < cnt; i++) {
		if (!gelf_getsym(d, i, &sym))
			continue;
		n = elf_strptr(elf, shdr.sh_link, sym.st_name);
		if (!n || !*n)
			continue;
		if (!rel && !ver && !strcmp(n, "linux_banner")) {
			size_t avail;
			const char *b = sym_data(elf, &sym, 14, rel, &avail);

			if (b && !memcmp(b, "Linux version ", 14))
				ver = parse_version(b + 14, avail - 14);
		}
		if (GELF_ST_TYPE(sym.st_info) == STT_FUNC) {
			/*
			 * Every function symbol, as pahole takes them; gcc's
			 * clones foo.isra.0, foo.constprop.0 of foo, which
			 * the DWARF calls foo, for pahole 1.25's matching.
			 */
			dot = strchr(n, '.');
			err = add_func_name(info, n, strlen(n), DW_FUNC_SYM);
			if (!err && dot && dot > n)
				err = add_func_name(info, n, dot - n,
						    DW_FUNC_CLONE);
			if (err)
				return err;
			continue;
		}
		if (percpu && sym.st_shndx == pidx &&
		    GELF_ST_TYPE(sym.st_info) == STT_OBJECT) {
			err = add_percpu_sym(info, &sym, n,
					     rel ? 0 : pshdr.sh_addr);
			if (err)
				return err;
		}
	}
	if (rel)
		ver = module_version(elf);
	if (features)
		err = tg_btf_features_parse(features, &info->features);
	else
		info->features = default_features(ver);
	if (!err && (info->features & TG_BTF_FEAT_DECL_TAG_KFUNCS) && d)
		err = read_kfuncs(elf, d, cnt, shdr.sh_link, rel, swap, info);
	return err;
}

static void free_elf_info(struct dw_elf_info *info)
{
	dw_map_free(&info->func_names);
	dw_map_free(&info->percpu_syms);
	dw_map_free(&info->kfuncs);
	free(info->syms);
}

/* ---- separate debug files ---------------------------------------------- */

struct mapping {
	void *addr;
	size_t size;
	bool droppable;		/* a private mapping of our own copy */
};

/* Not on tmpfs, where the copy is memory all the same; in half the room. */
static bool copy_fits(int tmp, size_t size)
{
	struct statfs sfs;

	return !fstatfs(tmp, &sfs) && sfs.f_type != TMPFS_MAGIC &&
	       sfs.f_type != RAMFS_MAGIC &&
	       (uint64_t)sfs.f_bavail * sfs.f_bsize / 2 >= size;
}

/*
 * @fd's first @size bytes copied (in the kernel) into an unnamed temporary
 * file, mapped private. Its pages come in as touched and, dropped once a
 * unit is converted, come back from the copy: the resident size stays near
 * the units being converted. A mapping of the user's file would too, but
 * dies of SIGBUS if the file is truncated while read; nobody can truncate
 * a file without a name. Not past RLIMIT_FSIZE (SIGXFSZ). -TG_ERRNO__TRUNC
 * if @fd shrank; any other error: no copy, read it instead.
 */
static int copy_mapping(int fd, size_t size, struct mapping *m)
{
	const char *dirs[] = { secure_getenv("TMPDIR"), "/var/tmp", "/tmp" };
	loff_t in = 0, out = 0;
	struct rlimit rl;
	bool plain = false;
	int tmp = -1, err;
	ssize_t n;
	size_t i;

	if (getrlimit(RLIMIT_FSIZE, &rl) ||
	    (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < size))
		return -EFBIG;
	for (i = 0; tmp < 0 && i < sizeof(dirs) / sizeof(*dirs); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		tmp = open(dirs[i], O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC,
			   0600);
		if (tmp >= 0 && !copy_fits(tmp, size)) {
			close(tmp);
			tmp = -1;
		}
	}
	if (tmp < 0)
		return -ENOENT;
	while ((size_t)in < size) {
		n = -1;
		if (!plain) {
			n = copy_file_range(fd, &in, tmp, &out, size - in, 0);
			/* Not between these file systems: sendfile() is. */
			plain = n < 0 && (errno == EXDEV || errno == EINVAL ||
					  errno == EOPNOTSUPP || errno == ENOSYS) &&
				lseek(tmp, out, SEEK_SET) == out;
		}
		if (plain)
			n = sendfile(tmp, fd, &in, size - in);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n ? -errno : -TG_ERRNO__TRUNC;
			close(tmp);
			return err;
		}
	}
	m->size = size;
	m->addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, tmp, 0);
	close(tmp);
	if (m->addr == MAP_FAILED) {
		m->addr = NULL;
		return -ENOMEM;
	}
	m->droppable = true;
	return 0;
}

/*
 * The whole of the file @fd, @size bytes, in memory of its own: a copy
 * mapped (see copy_mapping()), else read into anonymous memory, which
 * cannot be dropped. -TG_ERRNO__TRUNC if the file shrank meanwhile.
 */
static int read_mapping(int fd, size_t size, struct mapping *m)
{
	ssize_t n;
	int err;

	err = copy_mapping(fd, size, m);
	if (!err || err == -TG_ERRNO__TRUNC)
		return err;
	m->size = size;
	m->droppable = false;
	m->addr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->addr == MAP_FAILED) {
		m->addr = NULL;
		return -ENOMEM;
	}
	n = tg_pread_full(fd, m->addr, size, 0);
	if (n == (ssize_t)size)
		return 0;
	munmap(m->addr, size);
	m->addr = NULL;
	return n < 0 ? n : -TG_ERRNO__TRUNC;
}

static int map_file(const char *path, struct mapping *m)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0)
		err = -ENOENT;
	else
		err = read_mapping(fd, st.st_size, m);
	close(fd);
	return err;
}

static size_t build_id_of(Elf *elf, unsigned char *id)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	GElf_Nhdr nh;
	size_t off, noff, doff;
	Elf_Data *d;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		off = 0;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff))) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + noff, "GNU", 4) &&
			    nh.n_descsz && nh.n_descsz <= TG_BUILD_ID_MAX) {
				memcpy(id, (char *)d->d_buf + doff, nh.n_descsz);
				return nh.n_descsz;
			}
		}
	}
	return 0;
}

/* A candidate debug file: an ELF file with DWARF (and the same build ID). */
static bool debug_file_ok(const char *path, const unsigned char *id,
			  size_t id_sz)
{
	unsigned char other[TG_BUILD_ID_MAX];
	struct stat st;
	bool ok = false;
	Elf *elf;
	int fd;

	/* Only headers and notes are read (by pread, not a mapping). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF && has_dwarf(elf))
		ok = !id_sz || (build_id_of(elf, other) == id_sz &&
				!memcmp(other, id, id_sz));
	elf_end(elf);
	close(fd);
	return ok;
}

/*
 * Where a stripped file's debug info is: by build ID under
 * /usr/lib/debug/.build-id, or by the name .gnu_debuglink gives, beside
 * the file, in .debug/ beside it, and under /usr/lib/debug/<its dir>.
 */
static int find_debug_file(Elf *elf, const char *path, char *out, size_t sz)
{
	unsigned char id[TG_BUILD_ID_MAX];
	size_t id_sz = build_id_of(elf, id), i, j, len;
	char dir[PATH_MAX], *p;
	const char *link = NULL;
	GElf_Shdr shdr;
	Elf_Scn *scn;
	Elf_Data *d;

	for (i = 0; id_sz >= 2 && i < sizeof(debug_dirs) / sizeof(*debug_dirs); i++) {
		len = snprintf(out, sz, "%s/.build-id/%02x/", debug_dirs[i], id[0]);
		for (j = 1; j < id_sz && len + 3 < sz; j++)
			len += snprintf(out + len, sz - len, "%02x", id[j]);
		snprintf(out + len, sz - len, ".debug");
		if (debug_file_ok(out, id, id_sz))
			return 0;
	}
	scn = section_by_name(elf, ".gnu_debuglink", &shdr);
	d = scn ? elf_getdata(scn, NULL) : NULL;
	if (d && d->d_size && memchr(d->d_buf, 0, d->d_size))
		link = d->d_buf;
	if (!link || !*link || strchr(link, '/') || !path)
		return -TG_ERRNO__NODWARF;
	snprintf(dir, sizeof(dir), "%s", path);
	p = dirname(dir);
	const char *fmts[] = { "%s/%s", "%s/.debug/%s" };
	for (i = 0; i < 2; i++) {
		if (snprintf(out, sz, fmts[i], p, link) < (int)sz &&
		    strcmp(out, path) && debug_file_ok(out, id, id_sz))
			return 0;
	}
	for (i = 0; i < sizeof(debug_dirs) / sizeof(*debug_dirs); i++) {
		char abs[PATH_MAX];

		if (!realpath(p, abs))
			break;
		if (snprintf(out, sz, "%s%s/%s", debug_dirs[i], abs, link) <
		    (int)sz && debug_file_ok(out, id, id_sz))
			return 0;
	}
	return -TG_ERRNO__NODWARF;
}

/* ---- compressed sections ----------------------------------------------- */

/*
 * What the compressed debug sections claim to inflate to, checked before
 * libelf or we allocate that much: a header saying 64 GiB costs a few
 * bytes to forge. The legacy .zdebug form gives its size after "ZLIB".
 */
static int check_inflated_sizes(Elf *elf, size_t max)
{
	size_t shstrndx, total = 0;
	unsigned char zhdr[12];
	Elf_Scn *scn = NULL;
	const char *name;
	GElf_Shdr shdr;
	GElf_Chdr ch;
	Elf_Data *d;
	__u64 claim, i;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return -TG_ERRNO__ELF;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (shdr.sh_flags & SHF_COMPRESSED) {
			if (!gelf_getchdr(scn, &ch))
				return -TG_ERRNO__DWARF;
			claim = ch.ch_size;
		} else if (name && !strncmp(name, ".zdebug", 7)) {
			d = elf_rawdata(scn, NULL);
			if (!d || d->d_size < sizeof(zhdr))
				continue;
			memcpy(zhdr, d->d_buf, sizeof(zhdr));
			if (memcmp(zhdr, "ZLIB", 4))
				continue;
			for (claim = 0, i = 4; i < 12; i++)
				claim = claim << 8 | zhdr[i];
		} else {
			continue;
		}
		if (claim > max - total)
			return -TG_ERRNO__TOOBIG;
		total += claim;
	}
	return 0;
}

#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif

/*
 * elfutils before 0.189 does not decompress zstd sections (-gz=zstd) and
 * then sees no DWARF at all: they are decompressed here, into a copy of
 * the image with the data appended and the section headers pointed at it.
 * Returns 0 with *@copyp NULL when there are none.
 */
static int inflate_zstd(Elf *elf, const void *image, size_t size,
			void **copyp, size_t *copy_sz)
{
	size_t shstrndx, total = size, off, idx[64], n = 0, i;
	bool is64 = gelf_getclass(elf) == ELFCLASS64;
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	GElf_Chdr ch;
	GElf_Ehdr eh;
	const char *name;
	char *copy;

	*copyp = NULL;
	if (elf_getshdrstrndx(elf, &shstrndx) || !gelf_getehdr(elf, &eh))
		return -TG_ERRNO__ELF;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_COMPRESSED))
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || strncmp(name, ".debug", 6) || !gelf_getchdr(scn, &ch) ||
		    ch.ch_type != ELFCOMPRESS_ZSTD)
			continue;
		if (n == sizeof(idx) / sizeof(*idx) || ch.ch_size > SIZE_MAX / 2)
			return -TG_ERRNO__DWARF;
		idx[n++] = elf_ndxscn(scn);
		total += (ch.ch_size + 7) & ~7ULL;
	}
	if (!n)
		return 0;
	/* Only headers in this machine's byte order are patched in place. */
	if ((eh.e_ident[EI_DATA] == ELFDATA2MSB) !=
	    (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__))
		return -TG_ERRNO__DWARF;
	copy = malloc(total);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, image, size);
	off = (size + 7) & ~(size_t)7;
	for (i = 0; i < n; i++) {
		size_t hdr = is64 ? sizeof(Elf64_Chdr) : sizeof(Elf32_Chdr);
		char *sh = copy + eh.e_shoff + idx[i] * eh.e_shentsize;

		scn = elf_getscn(elf, idx[i]);
		if (!scn || !gelf_getshdr(scn, &shdr) || !gelf_getchdr(scn, &ch) ||
		    shdr.sh_size < hdr || shdr.sh_offset + shdr.sh_size > size ||
		    eh.e_shoff + (idx[i] + 1) * eh.e_shentsize > size ||
		    ZSTD_decompress(copy + off, ch.ch_size,
				    (const char *)image + shdr.sh_offset + hdr,
				    shdr.sh_size - hdr) != ch.ch_size) {
			free(copy);
			return -TG_ERRNO__DWARF;
		}
		if (is64) {
			Elf64_Shdr *h = (Elf64_Shdr *)sh;

			h->sh_offset = off;
			h->sh_size = ch.ch_size;
			h->sh_flags &= ~(Elf64_Xword)SHF_COMPRESSED;
			h->sh_addralign = ch.ch_addralign;
		} else {
			Elf32_Shdr *h = (Elf32_Shdr *)sh;

			h->sh_offset = off;
			h->sh_size = ch.ch_size;
			h->sh_flags &= ~(Elf32_Word)SHF_COMPRESSED;
			h->sh_addralign = ch.ch_addralign;
		}
		off += (ch.ch_size + 7) & ~7ULL;
	}
	*copyp = copy;
	*copy_sz = total;
	return 0;
}

/* ---- units --------------------------------------------------------------- */

struct unit {
	Dwarf_Off off;		/* of the header, in its section */
	size_t hdr_sz;
	size_t len;		/* header included */
	bool types;		/* in .debug_types (DWARF 4 type units) */
};

struct units {
	struct unit *u;
	size_t cnt, cap;
	uint64_t info_size;	/* bytes of .debug_info */
};

static Elf_Data *dwarf_section(Dwarf *dbg, const char *name)
{
	Elf *elf = dwarf_getelf(dbg);
	GElf_Shdr shdr;
	Elf_Scn *scn;

	if (!elf)
		return NULL;
	scn = section_by_name(elf, name, &shdr);
	if (!scn && name[1] == 'd') {
		char z[64];

		snprintf(z, sizeof(z), ".z%s", name + 1);
		scn = section_by_name(elf, z, &shdr);
	}
	return scn ? elf_getdata(scn, NULL) : NULL;
}

/*
 * Why the unit header at @off would not parse: a version outside 2..5, or
 * anything else (a length past the end).
 */
static int bad_unit(Elf_Data *d, Dwarf_Off off, bool swap)
{
	const unsigned char *p = d ? d->d_buf : NULL;
	uint32_t len32;
	uint16_t ver;
	size_t at = off + 4;

	if (!p || off + 4 > d->d_size)
		return -TG_ERRNO__DWARF;
	memcpy(&len32, p + off, 4);
	if (swap)
		len32 = __builtin_bswap32(len32);
	if (len32 == 0xffffffff)
		at += 8;
	if (at + 2 > d->d_size)
		return -TG_ERRNO__DWARF;
	memcpy(&ver, p + at, 2);
	if (swap)
		ver = __builtin_bswap16(ver);
	return ver < 2 || ver > 5 ? -TG_ERRNO__DWARFVER : -TG_ERRNO__DWARF;
}

static int add_unit(struct units *us, Dwarf_Off off, size_t hdr, size_t len,
		    bool types)
{
	if (us->cnt == us->cap) {
		size_t cap = us->cap ? us->cap * 2 : 256;
		struct unit *u = realloc(us->u, cap * sizeof(*u));

		if (!u)
			return -ENOMEM;
		us->u = u;
		us->cap = cap;
	}
	us->u[us->cnt++] = (struct unit){ off, hdr, len, types };
	return 0;
}

/* DWARF 4 .debug_types: libdw has no public walk of its headers. */
static int scan_types(Dwarf *dbg, struct units *us, bool swap)
{
	Elf_Data *d = dwarf_section(dbg, ".debug_types");
	const unsigned char *p;
	Dwarf_Off off = 0;
	uint64_t len;
	uint32_t l32;
	uint16_t ver;
	size_t hdr;
	int err;

	if (!d || !d->d_buf)
		return 0;
	p = d->d_buf;
	while (off + 4 <= d->d_size) {
		memcpy(&l32, p + off, 4);
		if (swap)
			l32 = __builtin_bswap32(l32);
		if (l32 == 0xffffffff) {
			if (off + 12 > d->d_size)
				return -TG_ERRNO__DWARF;
			memcpy(&len, p + off + 4, 8);
			if (swap)
				len = __builtin_bswap64(len);
			hdr = 12 + 2 + 8 + 1 + 8 + 8;
			len += 12;
		} else {
			len = (uint64_t)l32 + 4;
			hdr = 4 + 2 + 4 + 1 + 8 + 4;
		}
		if (len < hdr || len > d->d_size - off)
			return -TG_ERRNO__DWARF;
		memcpy(&ver, p + off + (hdr == 23 ? 4 : 12), 2);
		if (swap)
			ver = __builtin_bswap16(ver);
		if (ver != 4)
			return -TG_ERRNO__DWARFVER;
		err = add_unit(us, off, hdr, len, true);
		if (err)
			return err;
		off += len;
	}
	return 0;
}

/* Every unit's header, checked before any thread starts. */
static int scan_units(Dwarf *dbg, struct units *us, bool swap)
{
	Dwarf_Off off = 0, next;
	size_t hdr;
	Dwarf_Half ver;
	Elf_Data *d = dwarf_section(dbg, ".debug_info");
	int r, err;

	us->info_size = d ? d->d_size : 0;
	while ((r = dwarf_next_unit(dbg, off, &next, &hdr, &ver, NULL, NULL,
				    NULL, NULL, NULL)) == 0) {
		if (ver < 2 || ver > 5)
			return -TG_ERRNO__DWARFVER;
		/*
		 * libdw takes a unit's length field on trust; a unit past the
		 * section's end would have a map sized by that lie.
		 */
		if (next <= off || next > us->info_size)
			return -TG_ERRNO__DWARF;
		err = add_unit(us, off, hdr, next - off, false);
		if (err)
			return err;
		off = next;
	}
	if (r < 0)
		return bad_unit(d, off, swap);
	return scan_types(dbg, us, swap);
}

/* ---- threads ------------------------------------------------------------- */

struct job;

struct worker {
	struct dw_conv conv;
	struct job *job;
	Elf *elf;		/* own handles, or the shared ones for worker 0 */
	Dwarf *dbg;
	bool own;
	size_t first, end;	/* .debug_info units [first, end) */
	bool types;		/* and the .debug_types units */
	bool reports;		/* calls the progress function */
	int err;
	bool finished;
	pthread_t thread;
};

struct job {
	const struct tg_dwarf_args *a;
	Dwarf *dbg;		/* worker 0's */
	void *image;
	size_t size;
	bool little_endian;
	bool droppable;		/* image is a private mapping of a copy */
	struct dw_elf_info info;
	struct btf *base;	/* a module's kernel, or NULL */
	struct units us;
	size_t info_units;	/* units in .debug_info (the rest: .debug_types) */
	struct worker w[MAX_THREADS];
	int nw;
	uint64_t last_step;
};

static void progress(struct job *j, const char *stage, uint64_t done,
		     uint64_t total, bool force)
{
	uint64_t step = total ? done * PROGRESS_STEPS / total : 0;

	if (!j->a->progress || (!force && step == j->last_step))
		return;
	j->last_step = step;
	j->a->progress(stage, done, total, j->a->progress_ctx);
}

static uint64_t done_bytes(struct job *j)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < j->nw; i++)
		sum += __atomic_load_n(&j->w[i].conv.done, __ATOMIC_RELAXED);
	return sum;
}

/*
 * The unit's bytes in the mapped copy are not needed again (but for a
 * rare reference from another unit, read back from the copy): dropping
 * them keeps the resident size to the units being converted.
 */
static void drop_unit(struct worker *w, const struct unit *u)
{
	Elf_Data *d;
	uintptr_t start, end, page = sysconf(_SC_PAGESIZE);

	if (!w->job->droppable || u->types)
		return;
	d = dwarf_section(w->dbg, ".debug_info");
	if (!d || (char *)d->d_buf < (char *)w->job->image ||
	    (char *)d->d_buf + d->d_size > (char *)w->job->image + w->job->size)
		return;	/* decompressed: not the file's pages */
	start = ((uintptr_t)d->d_buf + u->off + page - 1) & ~(page - 1);
	end = ((uintptr_t)d->d_buf + u->off + u->len) & ~(page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

static int convert_unit_at(struct worker *w, const struct unit *u)
{
	Dwarf_Die cudie, *d;
	int tag;

	d = u->types ? dwarf_offdie_types(w->dbg, u->off + u->hdr_sz, &cudie) :
		       dwarf_offdie(w->dbg, u->off + u->hdr_sz, &cudie);
	if (!d)
		return -TG_ERRNO__DWARF;
	tag = dwarf_tag(d);
	/* Split DWARF's skeletons hold no types; their .dwo files do. */
	if (tag == DW_TAG_skeleton_unit)
		return 0;
	return dw_convert_unit(&w->conv, d, u->len,
			       tag == DW_TAG_partial_unit ||
			       tag == DW_TAG_type_unit);
}

static int convert_units(struct worker *w)
{
	struct job *j = w->job;
	__u32 mark = 1;
	bool done;
	size_t i;
	int err;

	for (i = w->first; i < w->end; i++) {
		err = convert_unit_at(w, &j->us.u[i]);
		if (err)
			return err;
		drop_unit(w, &j->us.u[i]);
		if (btf__type_cnt(w->conv.btf) - mark >= FLUSH_TYPES) {
			err = dw_flush(&w->conv, false, &done);
			if (err)
				return err;
			mark = done ? btf__type_cnt(w->conv.btf) : mark;
		}
		__atomic_store_n(&w->conv.done, w->conv.done + j->us.u[i].len,
				 __ATOMIC_RELAXED);
		if (w->reports)
			progress(j, "converting DWARF", done_bytes(j),
				 j->us.info_size, false);
	}
	for (i = j->info_units; w->types && i < j->us.cnt; i++) {
		err = convert_unit_at(w, &j->us.u[i]);
		if (err)
			return err;
	}
	/* Each worker's last deduplication, on its own thread. */
	return dw_finish(&w->conv) ?: dw_flush(&w->conv, true, &done);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->err = convert_units(w);
	__atomic_store_n(&w->finished, true, __ATOMIC_RELEASE);
	return NULL;
}

static int init_worker(struct job *j, struct worker *w, Dwarf *shared)
{
	w->job = j;
	w->conv.info = &j->info;
	w->conv.little_endian = j->little_endian;
	w->conv.btf = btf__new_empty();
	if (!w->conv.btf)
		return -ENOMEM;
	if (shared) {
		w->dbg = shared;
	} else {
		/* libdw handles are not for two threads: each has its own. */
		w->elf = elf_memory(j->image, j->size);
		w->dbg = w->elf ? dwarf_begin_elf(w->elf, DWARF_C_READ, NULL) :
				  NULL;
		if (!w->dbg) {
			elf_end(w->elf);
			w->elf = NULL;
			return -TG_ERRNO__DWARF;
		}
		w->own = true;
	}
	w->conv.dbg = w->dbg;
	return 0;
}

static void free_worker(struct worker *w)
{
	dw_conv_free(&w->conv);
	if (w->own) {
		dwarf_end(w->dbg);
		elf_end(w->elf);
	}
	w->own = false;
}

/* Where the second thread starts: the unit nearest half of .debug_info. */
static size_t split_point(const struct job *j)
{
	uint64_t half = j->us.info_size / 2;
	size_t i;

	for (i = 0; i < j->info_units; i++)
		if (j->us.u[i].off >= half)
			return i;
	return j->info_units;
}

static void wait_worker(struct job *j, struct worker *w)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };

	while (!__atomic_load_n(&w->finished, __ATOMIC_ACQUIRE)) {
		progress(j, "converting DWARF", done_bytes(j), j->us.info_size,
			 false);
		nanosleep(&tick, NULL);
	}
	pthread_join(w->thread, NULL);
}

static int run_workers(struct job *j, bool threads)
{
	struct worker *w0 = &j->w[0], *w1 = &j->w[1];
	int i, err;

	j->nw = threads ? MAX_THREADS : 1;
	for (i = 0; i < j->nw; i++) {
		err = init_worker(j, &j->w[i], i ? NULL : j->dbg);
		if (err)
			return err;
	}
	w0->reports = true;
	w0->types = true;
	w0->end = j->info_units;
	if (j->nw > 1) {
		w0->end = w1->first = split_point(j);
		w1->end = j->info_units;
		if (pthread_create(&w1->thread, NULL, worker_main, w1)) {
			free_worker(w1);
			j->nw = 1;
			w0->end = j->info_units;
		}
	}
	err = convert_units(w0);
	if (j->nw > 1) {
		wait_worker(j, w1);
		err = err ?: w1->err;
	}
	progress(j, "converting DWARF", done_bytes(j), j->us.info_size, true);
	return err;
}

/* ---- putting it together --------------------------------------------------- */

static int btf_error(int id)
{
	return id == -ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
}

struct remap {
	const __u32 *map;
	__u32 start;
};

static int remap_id(__u32 *id, void *arg)
{
	const struct remap *r = arg;

	if (*id >= r->start)
		*id = r->map[*id - r->start];
	return 0;
}

/*
 * *@btfp without the types @drop marks (of those from @start on), which
 * nothing else refers to: the ids after them move down, to *@mapp[id -
 * @start] (the caller frees it).
 */
static int drop_types(struct btf **btfp, const unsigned char *drop,
		      __u32 start, __u32 **mapp)
{
	struct btf *src = *btfp, *base = (struct btf *)btf__base_btf(src);
	__u32 cnt = btf__type_cnt(src), id, next = start, *map;
	struct remap r = { .start = start };
	struct btf *dst;
	int nid = 0;

	if (base && tg_btf_index_base_strs(base))
		return -ENOMEM;
	*mapp = map = malloc((cnt - start + 1) * sizeof(*map));
	dst = base ? btf__new_empty_split(base) : btf__new_empty();
	if (!map || !dst) {
		btf__free(dst);
		return -ENOMEM;
	}
	for (id = start; id < cnt; id++)
		map[id - start] = drop[id - start] ? 0 : next++;
	r.map = map;
	for (id = start; id < cnt && nid >= 0; id++) {
		if (drop[id - start])
			continue;
		nid = btf__add_type(dst, src, btf__type_by_id(src, id));
		if (nid >= 0)
			tg_type_visit_ids((struct btf_type *)
					  btf__type_by_id(dst, nid),
					  remap_id, &r);
	}
	if (nid < 0) {
		btf__free(dst);
		return btf_error(nid);
	}
	btf__free(src);
	*btfp = dst;
	return 0;
}

static int count_ref(__u32 *id, void *arg)
{
	__u32 *refs = ((__u32 **)arg)[0], start = *((__u32 **)arg)[1];

	if (*id >= start)
		refs[*id - start]++;
	return 0;
}

struct secinfo {
	__u32 type, offset, size;
};

static int cmp_secinfo(const void *a, const void *b)
{
	const struct secinfo *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* Of two at one address, the first in file order (lower id). */
	return x->type < y->type ? -1 : x->type > y->type;
}

struct final {
	__u32 start, cnt;
	unsigned char *drop;
	struct secinfo *vars;
	size_t var_cnt;
};

/* A FWD's kind is that of what it declares. */
static int fwd_kind(const struct btf_type *t)
{
	if (!btf_is_fwd(t))
		return btf_kind(t);
	return btf_kflag(t) ? BTF_KIND_UNION : BTF_KIND_STRUCT;
}

/*
 * Whether types @a and @b are alike as pahole 1.25+ compares prototypes:
 * named types by name, const or not, arrays by length.
 */
static bool types_alike(const struct btf *btf, __u32 a, __u32 b, int depth)
{
	const struct btf_type *ta, *tb;
	int i;

	while (a != b) {
		if (!a || !b || depth++ > 64)
			return false;
		ta = btf__type_by_id(btf, a);
		tb = btf__type_by_id(btf, b);
		if (fwd_kind(ta) != fwd_kind(tb)) {
			if (btf_is_const(ta))
				a = ta->type;
			else if (btf_is_const(tb))
				b = tb->type;
			else
				return false;
			continue;
		}
		switch (fwd_kind(ta)) {
		case BTF_KIND_INT:
			if (btf_int_encoding(ta) != btf_int_encoding(tb) ||
			    btf_int_bits(ta) != btf_int_bits(tb))
				return false;
			/* fallthrough */
		case BTF_KIND_FLOAT:
			if (ta->size != tb->size)
				return false;
			/* fallthrough */
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return !strcmp(btf__name_by_offset(btf, ta->name_off),
				       btf__name_by_offset(btf, tb->name_off));
		case BTF_KIND_PTR:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			a = ta->type;
			b = tb->type;
			break;
		case BTF_KIND_ARRAY:
			if (btf_array(ta)->nelems != btf_array(tb)->nelems)
				return false;
			a = btf_array(ta)->type;
			b = btf_array(tb)->type;
			break;
		case BTF_KIND_FUNC_PROTO:
			if (btf_vlen(ta) != btf_vlen(tb) ||
			    !types_alike(btf, ta->type, tb->type, depth))
				return false;
			for (i = 0; i < btf_vlen(ta); i++)
				if (!types_alike(btf, btf_params(ta)[i].type,
						 btf_params(tb)[i].type, depth))
					return false;
			return true;
		default:
			return false;
		}
	}
	return true;
}

/*
 * The FUNCs to drop: of several of one name (their units gave different
 * prototypes), all but the first in file order (pahole 1.24 kept the
 * first unit's); with consistent_func (pahole 1.25) the first too unless
 * every other is alike (types_alike()); then the prototypes only they
 * used.
 */
static int drop_funcs(struct btf *btf, struct final *f, bool consistent)
{
	struct dw_map first = {};
	__u32 id, *v, *refs, *arg[2];
	bool any = false;

	for (id = f->start; id < f->cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!btf_is_func(t))
			continue;
		v = dw_map_get(&first, dw_str_hash(btf__name_by_offset(btf,
							t->name_off)), true);
		if (!v) {
			dw_map_free(&first);
			return -ENOMEM;
		}
		if (!*v) {
			*v = id;
			continue;
		}
		if (consistent &&
		    !types_alike(btf, btf__type_by_id(btf, *v)->type, t->type, 0))
			f->drop[*v - f->start] = 1;
		f->drop[id - f->start] = 1;
		any = true;
	}
	dw_map_free(&first);
	if (!any)
		return 0;
	refs = calloc(f->cnt - f->start, sizeof(*refs));
	if (!refs)
		return -ENOMEM;
	arg[0] = refs;
	arg[1] = &f->start;
	for (id = f->start; id < f->cnt; id++)
		if (!f->drop[id - f->start])
			tg_type_visit_ids((struct btf_type *)btf__type_by_id(btf, id),
					  count_ref, arg);
	for (id = f->start; id < f->cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (f->drop[id - f->start] && btf_is_func(t) &&
		    t->type >= f->start && !refs[t->type - f->start])
			f->drop[t->type - f->start] = 1;
	}
	free(refs);
	return 0;
}

/*
 * The per-CPU variables of every worker's DATASECs, in one: sorted by
 * offset, each offset once; the DATASECs and the VARs left out dropped.
 */
static int collect_vars(struct btf *btf, struct final *f)
{
	size_t i, k, n = 0;
	__u32 id;
	int v;

	for (id = f->start; id < f->cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_datasec(t))
			n += btf_vlen(t);
	}
	if (!n)
		return 0;
	f->vars = malloc(n * sizeof(*f->vars));
	if (!f->vars)
		return -ENOMEM;
	for (id = f->start; id < f->cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vi = btf_var_secinfos(t);

		if (!btf_is_datasec(t))
			continue;
		f->drop[id - f->start] = 1;
		for (v = 0; v < btf_vlen(t); v++)
			f->vars[f->var_cnt++] = (struct secinfo){
				vi[v].type, vi[v].offset, vi[v].size };
	}
	qsort(f->vars, f->var_cnt, sizeof(*f->vars), cmp_secinfo);
	for (i = k = 0; i < f->var_cnt; i++) {
		if (k && f->vars[k - 1].offset == f->vars[i].offset) {
			if (f->vars[i].type != f->vars[k - 1].type &&
			    f->vars[i].type >= f->start)
				f->drop[f->vars[i].type - f->start] = 1;
			continue;
		}
		f->vars[k++] = f->vars[i];
	}
	f->var_cnt = k;
	return 0;
}

/* A kept type's new id, once the dropped ones are gone. */
static __u32 new_id(const struct final *f, const __u32 *map, __u32 id)
{
	return id < f->start ? id : map[id - f->start];
}

/*
 * After the last deduplication: one DATASEC of the per-CPU variables, and
 * one FUNC per name, as the kernel's .BTF has them.
 */
static int finalize(struct btf **btfp, bool consistent)
{
	struct btf *btf = *btfp;
	const struct btf *base = btf__base_btf(btf);
	struct final f = { .start = base ? btf__type_cnt(base) : 1,
			   .cnt = btf__type_cnt(btf) };
	__u32 *map = NULL, id;
	size_t i;
	int err, r;

	f.drop = calloc(f.cnt - f.start + 1, 1);
	if (!f.drop)
		return -ENOMEM;
	err = drop_funcs(btf, &f, consistent) ?: collect_vars(btf, &f);
	if (err)
		goto out;
	for (id = f.start; id < f.cnt; id++)
		if (f.drop[id - f.start])
			break;
	if (id < f.cnt) {
		err = drop_types(btfp, f.drop, f.start, &map);
		if (err)
			goto out;
		btf = *btfp;
	}
	if (!f.var_cnt)
		goto out;
	r = btf__add_datasec(btf, ".data..percpu",
			     f.vars[f.var_cnt - 1].offset + f.vars[f.var_cnt - 1].size);
	for (i = 0; r >= 0 && i < f.var_cnt; i++)
		r = btf__add_datasec_var_info(btf, map ? new_id(&f, map, f.vars[i].type) :
					      f.vars[i].type,
					      f.vars[i].offset, f.vars[i].size);
	if (r < 0)
		err = btf_error(r);
out:
	free(map);
	free(f.drop);
	free(f.vars);
	return err;
}

#define KF_FASTCALL (1U << 12)

/* The kfuncs' decl tags, as pahole 1.27 (and 1.28's bpf_fastcall) adds. */
static int tag_kfuncs(const struct dw_elf_info *info, struct btf *btf)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 cnt = btf__type_cnt(btf), id;
	struct dw_map *m = (struct dw_map *)&info->kfuncs;
	const struct btf_type *t;
	__u32 *flags;
	int r = 0;

	if (!m->cnt)
		return 0;
	for (id = base ? btf__type_cnt(base) : 1; id < cnt && r >= 0; id++) {
		t = btf__type_by_id(btf, id);
		if (!btf_is_func(t))
			continue;
		flags = dw_map_get(m, dw_str_hash(btf__name_by_offset(btf,
						t->name_off)), false);
		if (!flags)
			continue;
		r = btf__add_decl_tag(btf, "bpf_kfunc", id, -1);
		if (r >= 0 && (*flags & KF_FASTCALL))
			r = btf__add_decl_tag(btf, "bpf_fastcall", id, -1);
	}
	return r < 0 ? btf_error(r) : 0;
}

/* A module's types as split BTF on its kernel's, to deduplicate against. */
static int onto_base(struct btf **btfp, struct btf *base)
{
	struct btf *split = btf__new_empty_split(base);
	int r;

	if (!split)
		return -ENOMEM;
	r = btf__add_btf(split, *btfp);
	if (r < 0) {
		btf__free(split);
		return btf_error(r);
	}
	btf__free(*btfp);
	*btfp = split;
	return 0;
}

/*
 * The workers' types (each deduplicated on its own thread) appended, on
 * the base for a module, deduplicated together, and finalized.
 */
static int merge_and_dedup(struct job *j, struct btf **btfp, size_t *skipped)
{
	struct btf *btf = j->w[0].conv.btf;
	int w, ret, err = 0;
	bool dedup = j->nw > 1 || j->base;

	*skipped = 0;
	for (w = 0; w < j->nw; w++) {
		*skipped += j->w[w].conv.notes.skipped;
		if (w) {
			ret = btf__add_btf(btf, j->w[w].conv.btf);
			if (ret < 0)
				return btf_error(ret);
		}
	}
	/* The DWARF is not needed any more: free it before deduplicating. */
	j->w[0].conv.btf = NULL;
	for (w = 0; w < j->nw; w++)
		free_worker(&j->w[w]);
	j->nw = 0;
	if (j->base)
		err = onto_base(&btf, j->base);
	if (!err && dedup) {
		progress(j, "deduplicating", 0, 1, true);
		if (btf__dedup(btf, NULL))
			err = errno == ENOMEM ? -ENOMEM : -TG_ERRNO__BTF;
	}
	err = err ?: finalize(&btf, j->info.features &
				    TG_BTF_FEAT_CONSISTENT_FUNC);
	err = err ?: tag_kfuncs(&j->info, btf);
	if (err) {
		btf__free(btf);
		return err;
	}
	progress(j, "deduplicating", 1, 1, true);
	*btfp = btf;
	return 0;
}

static int convert(struct job *j, struct btf **btfp, size_t *skipped)
{
	bool swap, threads;
	long cpus;
	int err;

	swap = j->little_endian != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
	err = scan_units(j->dbg, &j->us, swap);
	if (err)
		return err;
	/* Sections that hold no unit (or that libdw could not decode). */
	if (!j->us.cnt)
		return -TG_ERRNO__NODWARF;
	while (j->info_units < j->us.cnt && !j->us.u[j->info_units].types)
		j->info_units++;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	threads = cpus > 1 && j->us.info_size >= THREAD_MIN_BYTES &&
		  j->info_units > 1 && j->image;
	err = run_workers(j, threads);
	if (err)
		return err;
	return merge_and_dedup(j, btfp, skipped);
}

static void end_job(struct job *j)
{
	int w;

	for (w = 0; w < j->nw; w++)
		free_worker(&j->w[w]);
	free_elf_info(&j->info);
	free(j->us.u);
}

/*
 * A relocatable file (.o, .ko): its DWARF must be relocated against its
 * sections, which libdwfl does. It reads from a file: the image is put in
 * a memory file first.
 */
static int convert_rel(struct job *j, const char *name, struct btf **btfp,
		       size_t *skipped)
{
	static const Dwfl_Callbacks cb = {
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwfl *dwfl;
	int fd, err;
	char path[64];

	fd = memfd_create("typegen-dwarf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < j->size;) {
		ssize_t n = write(fd, (char *)j->image + done, j->size - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			close(fd);
			return err;
		}
		done += n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dwfl = dwfl_begin(&cb);
	if (!dwfl) {
		close(fd);
		return -ENOMEM;
	}
	dwfl_report_begin(dwfl);
	/* On success the fd belongs to libdwfl. */
	mod = dwfl_report_offline(dwfl, name ? name : "memory", path, fd);
	if (!mod) {
		close(fd);
		err = -TG_ERRNO__ELF;
		goto out;
	}
	dwfl_report_end(dwfl, NULL, NULL);
	j->dbg = dwfl_module_getdwarf(mod, &bias);
	if (!j->dbg) {
		err = -TG_ERRNO__DWARF;
		goto out;
	}
	/* Where libdwfl placed the per-CPU section, in the DWARF's terms. */
	if (j->info.have_percpu) {
		Elf *elf = dwfl_module_getelf(mod, &bias);
		GElf_Shdr shdr;

		if (elf && section_by_name(elf, ".data..percpu", &shdr))
			j->info.percpu_addr = shdr.sh_addr + bias;
	}
	/* libdwfl's relocated copy, not the image: one thread. */
	j->image = NULL;
	err = convert(j, btfp, skipped);
out:
	end_job(j);
	dwfl_end(dwfl);
	return err;
}

static int convert_image(void *image, size_t size, bool droppable,
			 const struct tg_dwarf_args *a, const char *path,
			 int depth, struct btf **btfp, size_t *skipped);

static int convert_debug_file(const char *path,
			      const struct tg_dwarf_args *a, struct btf **btfp,
			      size_t *skipped)
{
	struct mapping m;
	int err = map_file(path, &m);

	if (err)
		return -TG_ERRNO__NODWARF;
	err = convert_image(m.addr, m.size, m.droppable, a, path, 1, btfp,
			    skipped);
	munmap(m.addr, m.size);
	return err;
}

static int convert_image(void *image, size_t size, bool droppable,
			 const struct tg_dwarf_args *a, const char *path,
			 int depth, struct btf **btfp, size_t *skipped)
{
	struct job j = { .a = a, .image = image, .size = size,
			 .droppable = droppable };
	char debug[PATH_MAX];
	void *inflated = NULL;
	GElf_Ehdr eh;
	Elf *elf;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -TG_ERRNO__ELF;
	elf = elf_memory(image, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		elf_end(elf);
		return -TG_ERRNO__ELF;
	}
	if (!has_dwarf(elf)) {
		err = depth ? -TG_ERRNO__NODWARF :
			      find_debug_file(elf, path, debug, sizeof(debug));
		elf_end(elf);
		return err ?: convert_debug_file(debug, a, btfp, skipped);
	}
	err = check_inflated_sizes(elf, a->max_size ?: TG_MAX_SIZE_DEFAULT);
	if (!err)
		err = inflate_zstd(elf, image, size, &inflated, &j.size);
	if (err) {
		elf_end(elf);
		return err;
	}
	if (inflated) {
		elf_end(elf);
		j.image = inflated;
		j.droppable = false;
		elf = elf_memory(inflated, j.size);
		if (!elf || !gelf_getehdr(elf, &eh)) {
			elf_end(elf);
			free(inflated);
			return -TG_ERRNO__ELF;
		}
	}
	j.little_endian = eh.e_ident[EI_DATA] != ELFDATA2MSB;
	err = read_elf_info(elf, &j.info, eh.e_type == ET_REL,
			    j.little_endian != (__BYTE_ORDER__ ==
						__ORDER_LITTLE_ENDIAN__),
			    a->btf_features);
	if (err)
		goto out;
	/* A kernel module's types are split BTF on its kernel's. */
	if (eh.e_type == ET_REL && (has_section(elf, ".modinfo") ||
				    has_section(elf, ".gnu.linkonce.this_module")))
		j.base = a->base;
	if (eh.e_type == ET_REL) {
		err = convert_rel(&j, path, btfp, skipped);
		goto out_elf;
	}
	j.dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!j.dbg) {
		/* The sections are there (checked above): they do not parse. */
		err = -TG_ERRNO__DWARF;
		goto out;
	}
	err = convert(&j, btfp, skipped);
	end_job(&j);
	dwarf_end(j.dbg);
	goto out_elf;
out:
	end_job(&j);
out_elf:
	if (!err) {
		btf__set_pointer_size(*btfp,
				      gelf_getclass(elf) == ELFCLASS32 ? 4 : 8);
		if (!j.little_endian)
			btf__set_endianness(*btfp, BTF_BIG_ENDIAN);
	}
	elf_end(elf);
	free(inflated);
	return err;
}

int tg_dwarf_to_btf(const void *image, size_t size,
		    const struct tg_dwarf_args *a, struct btf **btfp,
		    size_t *skipped)
{
	struct mapping m;
	struct stat st;
	int err;

	if (a->fd < 0)
		return convert_image((void *)image, size, false, a, a->path, 0,
				     btfp, skipped);
	/* Never the user's file mapped: see copy_mapping(). */
	if (fstat(a->fd, &st))
		return -errno;
	err = read_mapping(a->fd, st.st_size, &m);
	if (err)
		return err;
	err = convert_image(m.addr, m.size, m.droppable, a, a->path, 0, btfp,
			    skipped);
	munmap(m.addr, m.size);
	return err;
}
