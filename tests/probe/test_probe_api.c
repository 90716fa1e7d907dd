// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The probe API (include/typegen/) as BPF programs use it. `make examples`
 * builds the examples (examples/) and the test programs (tests/probe/)
 * against the running kernel's vmlinux.h; here they are loaded into the
 * kernel (the verifier must accept every one), packet programs are run
 * with BPF_PROG_TEST_RUN on frames built below, and tracing programs are
 * attached, triggered by this process and checked through their maps and
 * ring buffers.
 *
 * A test skips, saying why, only where the kernel refuses bpf() (EPERM) or
 * lacks the attach point (no kprobes, no trampolines...).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tg_test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* As in include/typegen/packet.h (pkt->err holds them negated). */
#define TG_ETRUNC	1
#define TG_EPROTO	2
#define TG_EBADHDR	3
#define TG_EFRAG	4

/* A socket filter's "keep the whole packet" (TG_SOCKET_KEEP, -1). */
#define SOCKET_KEEP	0xffffffffu

#define TRACEFS		"/sys/kernel/tracing"

static char *ex_dir;		/* $TG_BUILD/examples: the BPF objects */
static char *tmp;		/* scratch directory */
static const char *refused;	/* why bpf() cannot be used here, or NULL */
static bool mounted_tracefs;	/* we mounted it: unmount at the end */

#define SKIP_IF(cond, ...)						\
	do {								\
		if (cond) {						\
			print_message("[  SKIP    ] " __VA_ARGS__);	\
			print_message("\n");				\
			skip();						\
		}							\
	} while (0)

#define NEED_BPF() SKIP_IF(refused, "%s", refused)

/* ---- libbpf's messages -------------------------------------------------- */

/*
 * libbpf's warnings are kept, not printed: a failed load shows them (the
 * verifier's log is among them), and examples must load without any.
 */
static char *libbpf_log;
static size_t libbpf_log_len;

static int keep_libbpf_log(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	char *msg;
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vasprintf(&msg, fmt, ap);
	if (n < 0)
		return 0;
	libbpf_log = realloc(libbpf_log, libbpf_log_len + n + 1);
	if (!libbpf_log)
		abort();
	memcpy(libbpf_log + libbpf_log_len, msg, n + 1);
	libbpf_log_len += n;
	free(msg);
	return 0;
}

static void clear_libbpf_log(void)
{
	free(libbpf_log);
	libbpf_log = NULL;
	libbpf_log_len = 0;
}

/* ---- loading ------------------------------------------------------------ */

/* Open and load the object at @path: 0 or a negative error. */
static int try_load_path(const char *path, struct bpf_object **objp)
{
	struct bpf_object *obj;
	int err;

	clear_libbpf_log();
	obj = bpf_object__open_file(path, NULL);
	err = libbpf_get_error(obj);
	if (err) {
		*objp = NULL;
		return err;
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		obj = NULL;
	}
	*objp = obj;
	return err;
}

/* Load @path; fail the test, with libbpf's and the verifier's words, if
 * the kernel does not take it.
 */
static struct bpf_object *load_path(const char *path)
{
	struct bpf_object *obj;
	int err = try_load_path(path, &obj);

	if (err) {
		print_error("%s: %s\n%s\n", path, strerror(-err),
			    libbpf_log ? libbpf_log : "");
		fail();
	}
	return obj;
}

static char *obj_path(const char *name)
{
	return tg_test_path("%s/%s.bpf.o", ex_dir, name);
}

/* Load example or test program @name from $TG_BUILD/examples. */
static struct bpf_object *load(const char *name)
{
	char *path = obj_path(name);
	struct bpf_object *obj = load_path(path);

	free(path);
	return obj;
}

static struct bpf_program *prog_of(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	if (!prog) {
		print_error("no program %s\n", name);
		fail();
	}
	return prog;
}

static int prog_fd(struct bpf_object *obj, const char *name)
{
	return bpf_program__fd(prog_of(obj, name));
}

static struct bpf_map *map_of(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map) {
		print_error("no map %s\n", name);
		fail();
	}
	return map;
}

/* Check that @map's values are @size bytes, as the test reads them. */
static void assert_value_size(struct bpf_map *map, size_t size)
{
	assert_int_equal(bpf_map__value_size(map), size);
}

/* The object's .bss section (its global variables), read into @buf. */
static void read_bss(struct bpf_object *obj, void *buf, size_t size)
{
	struct bpf_map *map;
	int zero = 0;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t len = strlen(name);

		if (len >= 4 && !strcmp(name + len - 4, ".bss")) {
			assert_int_equal(bpf_map__lookup_elem(map, &zero,
							      sizeof(zero),
							      buf, size, 0), 0);
			return;
		}
	}
	print_error("no .bss map\n");
	fail();
}

/* What run() is running, for its error message. */
static const char *running;

/* Run program @fd once on @len bytes at @data; its return value. */
static uint32_t run(int fd, const void *data, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data,
		    .data_size_in = len, .repeat = 1);
	int err = bpf_prog_test_run_opts(fd, &opts);

	if (err) {
		print_error("BPF_PROG_TEST_RUN on %s (%zu bytes): %s\n",
			    running ? running : "a frame", len,
			    strerror(-err));
		fail();
	}
	return opts.retval;
}

/* Attach @prog; NULL with *errp set if the kernel will not. */
static struct bpf_link *try_attach(struct bpf_program *prog, int *errp)
{
	struct bpf_link *link;

	clear_libbpf_log();
	link = bpf_program__attach(prog);
	*errp = (int)libbpf_get_error(link);
	return *errp ? NULL : link;
}

static struct bpf_link *attach(struct bpf_program *prog)
{
	int err;
	struct bpf_link *link = try_attach(prog, &err);

	if (!link) {
		print_error("attach %s: %s\n%s\n", bpf_program__name(prog),
			    strerror(-err), libbpf_log ? libbpf_log : "");
		fail();
	}
	return link;
}

/* ---- frames ------------------------------------------------------------- */

/* What build() puts in a frame. */
struct spec {
	int family;		/* AF_INET, AF_INET6, or 0: an ARP frame */
	int proto;		/* IPPROTO_TCP, IPPROTO_UDP or IPPROTO_ICMP */
	uint16_t sport;
	uint16_t dport;
	const char *payload;
	int vlans;		/* VLAN tags, VIDs 100, 101, 102... */
	int ip_opts;		/* IPv4 options, in 4-byte words */
	int ihl;		/* the IPv4 ihl to write, if not 5 */
	int doff;		/* the TCP doff to write, if not 5 */
	bool frag;		/* a fragment other than the first */
	bool hopopts;		/* IPv6: a hop-by-hop header first */
	size_t keep;		/* cut the frame to this size (0: no) */
	size_t pad_to;		/* pad it with zeros to this many bytes */
};

#define V4_SRC	"10.0.0.1"
#define V4_DST	"10.0.0.2"
#define V6_SRC	"2001:db8::1"
#define V6_DST	"2001:db8::2"
#define TTL	64
#define HOPS	63

static const uint8_t mac_dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

static void put(uint8_t *buf, size_t *n, const void *p, size_t len)
{
	memcpy(buf + *n, p, len);
	*n += len;
}

static void put16(uint8_t *buf, size_t *n, uint16_t v)
{
	v = htons(v);
	put(buf, n, &v, sizeof(v));
}

static void addr(int family, const char *s, void *out)
{
	assert_int_equal(inet_pton(family, s, out), 1);
}

/* Build the frame @s describes into @buf (512 bytes); its length. */
static size_t build(const struct spec *s, uint8_t *buf)
{
	size_t plen = s->payload ? strlen(s->payload) : 0, l4len, n = 0;
	static const uint8_t arp[28];
	int i;

	memset(buf, 0, 512);
	put(buf, &n, mac_dst, ETH_ALEN);
	put(buf, &n, mac_src, ETH_ALEN);
	for (i = 0; i < s->vlans; i++) {
		put16(buf, &n, i == 0 && s->vlans > 1 ? ETH_P_8021AD :
						      ETH_P_8021Q);
		put16(buf, &n, (3 << 13) | (100 + i));	/* priority 3 */
	}
	put16(buf, &n, s->family == AF_INET ? ETH_P_IP :
		       s->family == AF_INET6 ? ETH_P_IPV6 : ETH_P_ARP);
	l4len = s->proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
		sizeof(struct udphdr);	/* ICMP's is 8 bytes too */

	if (s->family == AF_INET) {
		struct iphdr ip = {
			.version = 4,
			.ihl = s->ihl ? s->ihl : 5 + s->ip_opts,
			.ttl = TTL,
			.protocol = s->proto,
			.tot_len = htons(sizeof(ip) + 4 * s->ip_opts +
					 l4len + plen),
			.frag_off = htons(s->frag ? 185 : 0),
		};

		addr(AF_INET, V4_SRC, &ip.saddr);
		addr(AF_INET, V4_DST, &ip.daddr);
		put(buf, &n, &ip, sizeof(ip));
		memset(buf + n, 1, 4 * s->ip_opts);	/* NOPs */
		n += 4 * s->ip_opts;
	} else if (s->family == AF_INET6) {
		size_t ext = (s->hopopts ? 8 : 0) + (s->frag ? 8 : 0);
		struct ipv6hdr ip6 = {
			.version = 6,
			.hop_limit = HOPS,
			.payload_len = htons(ext + l4len + plen),
			.nexthdr = s->hopopts ? 0 :
				   s->frag ? IPPROTO_FRAGMENT : s->proto,
		};

		addr(AF_INET6, V6_SRC, &ip6.saddr);
		addr(AF_INET6, V6_DST, &ip6.daddr);
		put(buf, &n, &ip6, sizeof(ip6));
		if (s->hopopts) {
			/* next, length 0, PadN of 4 */
			uint8_t hbh[8] = { s->frag ? IPPROTO_FRAGMENT :
						     s->proto, 0, 1, 4 };

			put(buf, &n, hbh, sizeof(hbh));
		}
		if (s->frag) {
			/* next, reserved, offset 185 (x 8), id 1 */
			uint8_t frag[8] = { s->proto, 0, (185 << 3) >> 8,
					    (185 << 3) & 0xff, 0, 0, 0, 1 };

			put(buf, &n, frag, sizeof(frag));
		}
	} else {
		put(buf, &n, arp, sizeof(arp));
		goto out;
	}

	if (s->proto == IPPROTO_TCP) {
		struct tcphdr tcp = {
			.source = htons(s->sport),
			.dest = htons(s->dport),
			.doff = s->doff ? s->doff : 5,
			.syn = 1,
			.window = htons(1024),
		};

		put(buf, &n, &tcp, sizeof(tcp));
	} else if (s->proto == IPPROTO_UDP) {
		struct udphdr udp = {
			.source = htons(s->sport),
			.dest = htons(s->dport),
			.len = htons(sizeof(udp) + plen),
		};

		put(buf, &n, &udp, sizeof(udp));
	} else {
		uint8_t echo[8] = { 8 };	/* ICMP echo request */

		put(buf, &n, echo, sizeof(echo));
	}
	put(buf, &n, s->payload ? s->payload : "", plen);
out:
	if (s->pad_to > n)
		n = s->pad_to;
	if (s->keep)
		n = s->keep;
	return n;
}

/*
 * Frame sizes, for specs that cut frames. (Linux 6.18's BPF_PROG_TEST_RUN
 * refuses, with EINVAL, frames whose EtherType is IPv4 or IPv6 but which
 * are too short for that header; it does not look behind a VLAN tag, so
 * frames cut inside the IP header are tagged.)
 */
#define ETH	14
#define IP4	20
#define IP6	40

/* ---- group setup -------------------------------------------------------- */

static int setup(void **state)
{
	struct bpf_object *obj;
	char *path;
	int err;

	(void)state;
	libbpf_set_print(keep_libbpf_log);
	ex_dir = tg_test_path("%s/examples", tg_test_build_dir());
	tmp = tg_test_mkdtemp();

	/* Can this process load BPF programs at all? */
	path = obj_path("drop_http");
	err = try_load_path(path, &obj);
	if (err == -EPERM || err == -EACCES)
		refused = "bpf() refuses to load programs here (EPERM): "
			  "run as root, with CAP_BPF, or without a seccomp "
			  "filter on bpf()";
	bpf_object__close(obj);
	free(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (mounted_tracefs)
		umount(TRACEFS);
	tg_test_rmtree(tmp);
	free(tmp);
	free(ex_dir);
	clear_libbpf_log();
	return 0;
}

/* ---- every program loads ------------------------------------------------ */

/* The .bpf.c files of @dir under the source root, as names without it. */
static int list_sources(const char *dir, char names[][64], int max)
{
	char *cmd = tg_test_path("ls %s/%s", tg_test_src_dir(), dir);
	char *out, *line, *save = NULL;
	int n = 0;

	assert_int_equal(tg_test_run(cmd, &out, NULL), 0);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);

		if (len < 7 || strcmp(line + len - 6, ".bpf.c"))
			continue;
		assert_true(n < max && len - 6 < 64);
		memcpy(names[n], line, len - 6);
		names[n][len - 6] = '\0';
		n++;
	}
	free(out);
	free(cmd);
	return n;
}

static void load_all_of(const char *dir, int min)
{
	char names[32][64];
	int i, n = list_sources(dir, names, 32), loaded = 0;

	assert_true(n >= min);
	for (i = 0; i < n; i++) {
		struct bpf_object *obj;
		struct bpf_program *prog;
		int progs = 0;

		if (!strcmp(names[i], "fentry"))
			continue;	/* test_fentry: may be refused */
		obj = load(names[i]);
		bpf_object__for_each_program(prog, obj) {
			assert_true(bpf_program__fd(prog) >= 0);
			progs++;
		}
		assert_true(progs > 0);
		if (libbpf_log_len) {
			print_error("%s: libbpf warned:\n%s\n", names[i],
				    libbpf_log);
			fail();
		}
		bpf_object__close(obj);
		loaded++;
	}
	print_message("           %d objects of %s/ loaded\n", loaded, dir);
}

static void test_examples_load(void **state)
{
	(void)state;
	NEED_BPF();
	load_all_of("examples", 6);
}

static void test_test_programs_load(void **state)
{
	(void)state;
	NEED_BPF();
	load_all_of("tests/probe", 5);
}

/* ---- compiling: other architectures, no vmlinux.h ----------------------- */

/*
 * Compile every .bpf.c of examples/ and tests/probe/ (@all) or only the
 * packet programs, with @flags added, into @out; clang's stderr must be
 * empty (no warnings, -Werror or not).
 */
static void compile_all(const char *flags, const char *out, bool all)
{
	static const char *const packet[] = {
		"examples/drop_http", "examples/dns_filter",
		"examples/src_counter", "examples/tail_dispatch",
		"examples/xdp_redirect", "tests/probe/parse_report",
		"tests/probe/maps_selftest",
	};
	char *list = NULL, *cmd, *err;
	size_t i;
	int rc;

	if (all) {
		list = tg_test_path("%s/examples/*.bpf.c "
				    "%s/tests/probe/*.bpf.c",
				    tg_test_src_dir(), tg_test_src_dir());
	} else {
		for (i = 0; i < ARRAY_SIZE(packet); i++) {
			char *more = tg_test_path("%s %s/%s.bpf.c",
						  list ? list : "",
						  tg_test_src_dir(),
						  packet[i]);

			free(list);
			list = more;
		}
	}
	/* Two at a time: clang spends most of it on vmlinux.h. */
	cmd = tg_test_path("for f in %s; do echo $f; done | xargs -P 2 -I{} "
			   "sh -c '%s -O2 -g -target bpf -Wall -Wextra "
			   "-Wno-unused-parameter -I%s/include %s -c {} "
			   "-o %s/$(basename {} .c).o'",
			   list, tg_test_clang(), tg_test_src_dir(), flags,
			   out);
	rc = tg_test_run(cmd, NULL, &err);
	if (rc || *err)
		print_error("clang (%d):\n%s\n", rc, err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	free(err);
	free(cmd);
	free(list);
}

/*
 * arm64: the tracing macros reach the registers through libbpf's
 * PT_REGS_* for the architecture given. The x86 vmlinux.h lacks arm64's
 * struct user_pt_regs, so a header that adds it stands in for an arm64
 * vmlinux.h.
 */
static void test_compile_for_arm64(void **state)
{
	char *dir = tg_test_path("%s/arm64", tmp);
	char *hdr = tg_test_path("%s/vmlinux.h", dir);
	char *real = realpath(ex_dir, NULL);
	char *text = tg_test_path(
		"#include \"%s/vmlinux.h\"\n"
		"struct user_pt_regs {\n"
		"\t__u64 regs[31];\n\t__u64 sp;\n\t__u64 pc;\n"
		"\t__u64 pstate;\n};\n", real);
	char *flags = tg_test_path("-D__TARGET_ARCH_arm64 -DTYPEGEN_VMLINUX -I%s",
				   dir);

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(tg_test_write_file(hdr, text, strlen(text)), 0);
	compile_all(flags, dir, true);
	free(flags);
	free(text);
	free(real);
	free(hdr);
	free(dir);
}

/* ---- drop_http: XDP and TC verdicts ------------------------------------- */

struct verdict_case {
	const char *name;
	struct spec spec;
	bool drop;
};

static const struct verdict_case http_cases[] = {
	{ "IPv4 TCP to 80", { AF_INET, IPPROTO_TCP, 40000, 80, "GET /" },
	  true },
	{ "IPv4 TCP to 443", { AF_INET, IPPROTO_TCP, 40000, 443 }, false },
	{ "IPv4 TCP from 80", { AF_INET, IPPROTO_TCP, 80, 40000 }, false },
	{ "IPv4 TCP to 80, options",
	  { AF_INET, IPPROTO_TCP, 40000, 80, .ip_opts = 2 }, true },
	{ "IPv6 TCP to 80", { AF_INET6, IPPROTO_TCP, 40000, 80 }, true },
	{ "IPv6 TCP to 8080", { AF_INET6, IPPROTO_TCP, 40000, 8080 }, false },
	{ "IPv6 hop-by-hop, TCP to 80",
	  { AF_INET6, IPPROTO_TCP, 40000, 80, .hopopts = true }, true },
	{ "VLAN, IPv4 TCP to 80",
	  { AF_INET, IPPROTO_TCP, 40000, 80, .vlans = 1 }, true },
	{ "VLAN, IPv4 TCP to 22",
	  { AF_INET, IPPROTO_TCP, 40000, 22, .vlans = 1 }, false },
	{ "QinQ, IPv6 TCP to 80",
	  { AF_INET6, IPPROTO_TCP, 40000, 80, .vlans = 2 }, true },
	{ "three VLAN tags (bad header)",
	  { AF_INET, IPPROTO_TCP, 40000, 443, .vlans = 3 }, true },
	{ "IPv4 UDP to 80", { AF_INET, IPPROTO_UDP, 40000, 80 }, false },
	{ "IPv6 UDP to 80", { AF_INET6, IPPROTO_UDP, 40000, 80 }, false },
	{ "IPv4 ICMP", { AF_INET, IPPROTO_ICMP }, false },
	{ "ARP", { 0 }, false },
	{ "IPv4 cut inside the TCP header",
	  { AF_INET, IPPROTO_TCP, 40000, 443, .keep = ETH + IP4 + 10 }, true },
	{ "VLAN, IPv4 cut inside its own header",
	  { AF_INET, IPPROTO_TCP, 40000, 443, .vlans = 1, .keep = ETH + 14 },
	  true },
	{ "VLAN, IPv6 cut inside its own header",
	  { AF_INET6, IPPROTO_TCP, 40000, 443, .vlans = 1, .keep = ETH + 34 },
	  true },
	{ "VLAN tag, then nothing",
	  { AF_INET6, IPPROTO_TCP, 40000, 443, .vlans = 1, .keep = ETH + 4 },
	  true },
	{ "VLAN tag cut short",
	  { AF_INET, IPPROTO_TCP, 40000, 443, .vlans = 1, .keep = ETH + 2 },
	  true },
	{ "IPv4 ihl 4 (bad header)",
	  { AF_INET, IPPROTO_TCP, 40000, 443, .ihl = 4 }, true },
	{ "TCP doff 4 (bad header)",
	  { AF_INET, IPPROTO_TCP, 40000, 443, .doff = 4 }, true },
	{ "IPv4 later fragment of TCP",
	  { AF_INET, IPPROTO_TCP, 40000, 80, .frag = true }, false },
	{ "IPv6 later fragment of TCP",
	  { AF_INET6, IPPROTO_TCP, 40000, 80, .frag = true }, false },
};

/* drop_http's XDP and TC programs in @obj on every case. */
static void check_http_verdicts(struct bpf_object *obj)
{
	int xdp = prog_fd(obj, "xdp_drop_http");
	int tc = prog_fd(obj, "tc_drop_http");
	uint8_t frame[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(http_cases); i++) {
		const struct verdict_case *c = &http_cases[i];
		size_t len = build(&c->spec, frame);
		uint32_t x, t;

		running = c->name;
		x = run(xdp, frame, len);
		t = run(tc, frame, len);

		if (x != (c->drop ? XDP_DROP : XDP_PASS) ||
		    t != (uint32_t)(c->drop ? TC_ACT_SHOT : TC_ACT_OK)) {
			print_error("%s: XDP %u, TC %u, expected %s\n",
				    c->name, x, t, c->drop ? "drop" : "pass");
			fail();
		}
	}
}

static void test_drop_http(void **state)
{
	struct bpf_object *obj;

	(void)state;
	NEED_BPF();
	obj = load("drop_http");
	check_http_verdicts(obj);
	bpf_object__close(obj);
}

/* ---- dns_filter: a socket filter ---------------------------------------- */

static const struct verdict_case dns_cases[] = {
	{ "IPv4 UDP to 53", { AF_INET, IPPROTO_UDP, 40000, 53, "\x12\x34" },
	  false },
	{ "IPv6 UDP from 53", { AF_INET6, IPPROTO_UDP, 53, 40000 }, false },
	{ "VLAN, IPv4 UDP to 53",
	  { AF_INET, IPPROTO_UDP, 40000, 53, .vlans = 1 }, false },
	{ "QinQ, IPv6 UDP to 53",
	  { AF_INET6, IPPROTO_UDP, 40000, 53, .vlans = 2 }, false },
	{ "IPv6 hop-by-hop, UDP to 53",
	  { AF_INET6, IPPROTO_UDP, 40000, 53, .hopopts = true }, false },
	{ "IPv4 UDP to 5353", { AF_INET, IPPROTO_UDP, 40000, 5353 }, true },
	{ "IPv4 TCP to 53", { AF_INET, IPPROTO_TCP, 40000, 53 }, true },
	{ "IPv6 TCP from 53", { AF_INET6, IPPROTO_TCP, 53, 40000 }, true },
	{ "VLAN, IPv4 cut in its own header",
	  { AF_INET, IPPROTO_UDP, 40000, 53, .vlans = 1, .keep = ETH + 14 },
	  true },
	{ "IPv4 UDP to 53 cut in the UDP header",
	  { AF_INET, IPPROTO_UDP, 40000, 53, .keep = ETH + IP4 + 4 }, true },
	{ "IPv4 later fragment of UDP to 53",
	  { AF_INET, IPPROTO_UDP, 40000, 53, .frag = true }, true },
	{ "ARP", { 0 }, true },
};

static void test_dns_filter(void **state)
{
	struct bpf_object *obj;
	uint8_t frame[512];
	size_t i;
	int fd;

	(void)state;
	NEED_BPF();
	obj = load("dns_filter");
	fd = prog_fd(obj, "dns_filter");
	assert_int_equal(bpf_program__type(prog_of(obj, "dns_filter")),
			 BPF_PROG_TYPE_SOCKET_FILTER);
	for (i = 0; i < ARRAY_SIZE(dns_cases); i++) {
		const struct verdict_case *c = &dns_cases[i];
		uint32_t r;

		running = c->name;
		r = run(fd, frame, build(&c->spec, frame));

		if (r != (c->drop ? 0 : SOCKET_KEEP)) {
			print_error("%s: kept %u bytes, expected %s\n",
				    c->name, r, c->drop ? "none" : "all");
			fail();
		}
	}
	bpf_object__close(obj);
}

/* ---- the accessors, field by field, in XDP, TC and socket filters ------- */

/* Keep in step with tests/probe/parse_report.bpf.c. */
struct ip_addr {
	uint16_t family;
	uint16_t pad;
	union {
		uint32_t v4;
		uint32_t v6[4];
	} addr;
};

struct parse_report {
	int32_t err_l3;
	int32_t err_tcp;
	int32_t err_udp;
	int32_t err_payload;
	int32_t err_eth;
	int32_t vlan_id;
	uint16_t l3_proto;
	uint8_t l4_proto;
	uint8_t vlan_depth;
	uint16_t sport;
	uint16_t dport;
	uint16_t payload_len;
	uint8_t payload[4];
	uint8_t eth_dst[ETH_ALEN];
	uint16_t ipv4_ttl;
	uint16_t ipv6_hops;
	struct ip_addr src;
	struct ip_addr dst;
};

struct parse_case {
	const char *name;
	struct spec spec;
	/* what the report must say */
	int err_l3, err_tcp, err_udp, err_payload;
	uint16_t l3_proto;
	uint8_t l4_proto;
	uint8_t vlan_depth;
	int vlan_id;
	uint16_t payload_len;
};

static const struct parse_case parse_cases[] = {
	{ "IPv4 TCP with payload",
	  { AF_INET, IPPROTO_TCP, 1234, 80, "GET /" },
	  0, 0, -TG_EPROTO, 0, ETH_P_IP, IPPROTO_TCP, 0, -1, 5 },
	{ "IPv6 UDP with payload",
	  { AF_INET6, IPPROTO_UDP, 5353, 53, "abcd" },
	  0, -TG_EPROTO, 0, 0, ETH_P_IPV6, IPPROTO_UDP, 0, -1, 4 },
	{ "IPv6 hop-by-hop, then TCP",
	  { AF_INET6, IPPROTO_TCP, 1, 2, "xyz1", .hopopts = true },
	  0, 0, -TG_EPROTO, 0, ETH_P_IPV6, IPPROTO_TCP, 0, -1, 4 },
	{ "one VLAN tag, IPv4 UDP",
	  { AF_INET, IPPROTO_UDP, 7, 8, "data", .vlans = 1 },
	  0, -TG_EPROTO, 0, 0, ETH_P_IP, IPPROTO_UDP, 1, 100, 4 },
	{ "QinQ, IPv6 TCP",
	  { AF_INET6, IPPROTO_TCP, 9, 10, "qinq", .vlans = 2 },
	  0, 0, -TG_EPROTO, 0, ETH_P_IPV6, IPPROTO_TCP, 2, 101, 4 },
	{ "three VLAN tags",
	  { AF_INET, IPPROTO_TCP, 9, 10, .vlans = 3 },
	  -TG_EBADHDR, -TG_EBADHDR, -TG_EBADHDR, -TG_EPROTO, 0, 0, 2, 101,
	  0 },
	{ "IPv4 options, UDP",
	  { AF_INET, IPPROTO_UDP, 11, 12, "opts", .ip_opts = 2 },
	  0, -TG_EPROTO, 0, 0, ETH_P_IP, IPPROTO_UDP, 0, -1, 4 },
	{ "IPv4 later fragment",
	  { AF_INET, IPPROTO_TCP, 1, 2, "frag", .frag = true },
	  0, -TG_EFRAG, -TG_EPROTO, -TG_EPROTO, ETH_P_IP, IPPROTO_TCP, 0, -1,
	  0 },
	{ "IPv6 later fragment",
	  { AF_INET6, IPPROTO_UDP, 1, 2, "frag", .frag = true },
	  0, -TG_EPROTO, -TG_EFRAG, -TG_EPROTO, ETH_P_IPV6, IPPROTO_UDP, 0,
	  -1, 0 },
	{ "IPv4 cut in the TCP header",
	  { AF_INET, IPPROTO_TCP, 1, 2, .keep = ETH + IP4 + 10 },
	  0, -TG_ETRUNC, -TG_EPROTO, -TG_EPROTO, ETH_P_IP, IPPROTO_TCP, 0,
	  -1, 0 },
	{ "VLAN, IPv4 cut in its own header",
	  { AF_INET, IPPROTO_TCP, 1, 2, .vlans = 1, .keep = ETH + 14 },
	  -TG_ETRUNC, -TG_ETRUNC, -TG_ETRUNC, -TG_EPROTO, ETH_P_IP, 0, 1, 100,
	  0 },
	{ "IPv6 cut in the UDP header",
	  { AF_INET6, IPPROTO_UDP, 1, 2, .keep = ETH + IP6 + 6 },
	  0, -TG_EPROTO, -TG_ETRUNC, -TG_EPROTO, ETH_P_IPV6, IPPROTO_UDP, 0,
	  -1, 0 },
	{ "VLAN tag cut short",
	  { AF_INET, IPPROTO_UDP, 1, 2, .vlans = 1, .keep = ETH + 2 },
	  -TG_ETRUNC, -TG_ETRUNC, -TG_ETRUNC, -TG_EPROTO, 0, 0, 0, -1, 0 },
	{ "VLAN tag, then nothing",
	  { AF_INET6, IPPROTO_UDP, 1, 2, .vlans = 1, .keep = ETH + 4 },
	  -TG_ETRUNC, -TG_ETRUNC, -TG_ETRUNC, -TG_EPROTO, ETH_P_IPV6, 0, 1,
	  100, 0 },
	{ "ARP",
	  { 0 },
	  -TG_EPROTO, -TG_EPROTO, -TG_EPROTO, -TG_EPROTO, ETH_P_ARP, 0, 0, -1,
	  0 },
	{ "IPv4 ICMP",
	  { AF_INET, IPPROTO_ICMP, .payload = "ping" },
	  0, -TG_EPROTO, -TG_EPROTO, -TG_EPROTO, ETH_P_IP, IPPROTO_ICMP, 0,
	  -1, 0 },
	{ "IPv4 ihl 4",
	  { AF_INET, IPPROTO_TCP, 1, 2, .ihl = 4 },
	  -TG_EBADHDR, -TG_EBADHDR, -TG_EBADHDR, -TG_EPROTO, ETH_P_IP, 0, 0,
	  -1, 0 },
	{ "TCP doff 4",
	  { AF_INET, IPPROTO_TCP, 1, 2, .doff = 4 },
	  0, -TG_EBADHDR, -TG_EPROTO, -TG_EPROTO, ETH_P_IP, IPPROTO_TCP, 0,
	  -1, 0 },
	{ "UDP in a padded frame",
	  { AF_INET, IPPROTO_UDP, 3, 4, "pad!", .pad_to = 60 },
	  0, -TG_EPROTO, 0, 0, ETH_P_IP, IPPROTO_UDP, 0, -1, 4 },
	{ "payload shorter than asked",
	  { AF_INET6, IPPROTO_TCP, 5, 6, "ab" },
	  0, 0, -TG_EPROTO, -TG_ETRUNC, ETH_P_IPV6, IPPROTO_TCP, 0, -1, 2 },
};

static void print_report(const char *who, const struct parse_report *r)
{
	print_error("  %s: err l3 %d tcp %d udp %d payload %d eth %d, "
		    "l3 %#x l4 %u, vlans %u id %d, ports %u>%u, "
		    "payload %u '%.4s', ttl %u hops %u, family %u/%u\n",
		    who, r->err_l3, r->err_tcp, r->err_udp, r->err_payload,
		    r->err_eth, r->l3_proto, r->l4_proto, r->vlan_depth,
		    r->vlan_id, r->sport, r->dport, r->payload_len,
		    (const char *)r->payload, r->ipv4_ttl, r->ipv6_hops,
		    r->src.family, r->dst.family);
}

/* Does @r say what @c expects? */
static bool report_ok(const struct parse_case *c, const struct parse_report *r)
{
	const struct spec *s = &c->spec;
	struct ip_addr src = { 0 }, dst = { 0 };
	bool ok;

	ok = r->err_l3 == c->err_l3 && r->err_tcp == c->err_tcp &&
	     r->err_udp == c->err_udp && r->err_payload == c->err_payload &&
	     r->err_eth == 0 && r->l3_proto == c->l3_proto &&
	     r->l4_proto == c->l4_proto && r->vlan_depth == c->vlan_depth &&
	     r->vlan_id == c->vlan_id && r->payload_len == c->payload_len &&
	     !memcmp(r->eth_dst, mac_dst, ETH_ALEN);
	if (!c->err_tcp || !c->err_udp)
		ok = ok && r->sport == s->sport && r->dport == s->dport;
	if (!c->err_payload)
		ok = ok && !memcmp(r->payload, s->payload, 4);
	if (!c->err_l3) {
		src.family = dst.family = s->family;
		addr(s->family, s->family == AF_INET ? V4_SRC : V6_SRC,
		     &src.addr);
		addr(s->family, s->family == AF_INET ? V4_DST : V6_DST,
		     &dst.addr);
		ok = ok && r->ipv4_ttl == (s->family == AF_INET ? TTL : 0xffff);
		ok = ok && r->ipv6_hops ==
			   (s->family == AF_INET6 ? HOPS : 0xffff);
	}
	return ok && !memcmp(&r->src, &src, sizeof(src)) &&
	       !memcmp(&r->dst, &dst, sizeof(dst));
}

/* parse_report (in @obj) on every case, in all three program types. */
static void check_parse_reports(struct bpf_object *obj)
{
	static const char *const progs[] = {
		"xdp_report", "tc_report", "socket_report",
	};
	struct bpf_map *reports = map_of(obj, "reports");
	uint8_t frame[512];
	size_t i, p;

	assert_value_size(reports, sizeof(struct parse_report));
	for (i = 0; i < ARRAY_SIZE(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		size_t len = build(&c->spec, frame);
		struct parse_report r[3];
		bool ok = true;

		running = c->name;
		for (p = 0; p < 3; p++) {
			uint32_t key = p;

			run(prog_fd(obj, progs[p]), frame, len);
			assert_int_equal(bpf_map__lookup_elem(reports, &key,
							      sizeof(key),
							      &r[p],
							      sizeof(r[p]),
							      0), 0);
			ok = ok && report_ok(c, &r[p]);
		}
		/* The same accessors, the same answers. */
		ok = ok && !memcmp(&r[0], &r[1], sizeof(r[0])) &&
		     !memcmp(&r[0], &r[2], sizeof(r[0]));
		if (!ok) {
			print_error("%s:\n", c->name);
			for (p = 0; p < 3; p++)
				print_report(progs[p], &r[p]);
			fail();
		}
	}
}

static void test_packet_accessors(void **state)
{
	struct bpf_object *obj;

	(void)state;
	NEED_BPF();
	obj = load("parse_report");
	check_parse_reports(obj);
	bpf_object__close(obj);
}

/*
 * The packet programs again, built without vmlinux.h: types.h then takes
 * the kernel's UAPI headers, and the programs must behave the same.
 */
static void test_packet_programs_on_uapi_headers(void **state)
{
	char *dir = tg_test_path("%s/uapi", tmp);
	char *hdr = tg_test_path("%s/vmlinux.h", dir);
	char *flags = tg_test_path("-D__TARGET_ARCH_x86 -I%s "
				   "-I/usr/include/$(uname -m)-linux-gnu",
				   dir);
	static const char text[] = "/* no vmlinux.h: the UAPI headers */\n";
	struct bpf_object *obj;
	char *path;

	(void)state;
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(tg_test_write_file(hdr, text, strlen(text)), 0);
	compile_all(flags, dir, false);
	NEED_BPF();

	path = tg_test_path("%s/drop_http.bpf.o", dir);
	obj = load_path(path);
	check_http_verdicts(obj);
	bpf_object__close(obj);
	free(path);

	path = tg_test_path("%s/parse_report.bpf.o", dir);
	obj = load_path(path);
	check_parse_reports(obj);
	bpf_object__close(obj);
	free(path);

	free(flags);
	free(hdr);
	free(dir);
}

/* ---- src_counter: one hash map, XDP and TC ------------------------------ */

struct src_count {
	uint64_t packets;
	uint64_t bytes;
};

static void test_src_counter(void **state)
{
	static const struct spec v4 = { AF_INET, IPPROTO_TCP, 1, 2, "abc" };
	static const struct spec v4_vlan = { AF_INET, IPPROTO_UDP, 1, 2,
					     .vlans = 1 };
	static const struct spec v6 = { AF_INET6, IPPROTO_UDP, 1, 2 };
	static const struct spec arp = { 0 };
	struct ip_addr key = { 0 }, next;
	uint8_t frame[512], frame_vlan[512], frame6[512];
	size_t len4, len_vlan, len6;
	struct src_count c;
	struct bpf_object *obj;
	struct bpf_map *counts;
	int xdp, tc, keys = 0;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 3);

	(void)state;
	NEED_BPF();
	obj = load("src_counter");
	xdp = prog_fd(obj, "xdp_count");
	tc = prog_fd(obj, "tc_count");
	counts = map_of(obj, "src_counts");
	assert_value_size(counts, sizeof(c));
	assert_int_equal(bpf_map__key_size(counts), sizeof(key));

	len4 = build(&v4, frame);
	len_vlan = build(&v4_vlan, frame_vlan);
	len6 = build(&v6, frame6);
	/* 10.0.0.1: three times at XDP, once at TC, once VLAN-tagged */
	opts.data_in = frame;
	opts.data_size_in = len4;
	assert_int_equal(bpf_prog_test_run_opts(xdp, &opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);
	assert_int_equal(run(tc, frame, len4), TC_ACT_OK);
	assert_int_equal(run(xdp, frame_vlan, len_vlan), XDP_PASS);
	/* 2001:db8::1: twice at TC */
	run(tc, frame6, len6);
	run(tc, frame6, len6);
	/* ARP: not counted */
	run(xdp, frame, build(&arp, frame));

	key.family = AF_INET;
	addr(AF_INET, V4_SRC, &key.addr);
	assert_int_equal(bpf_map__lookup_elem(counts, &key, sizeof(key), &c,
					      sizeof(c), 0), 0);
	assert_int_equal(c.packets, 5);
	assert_int_equal(c.bytes, 4 * len4 + len_vlan);

	memset(&key, 0, sizeof(key));
	key.family = AF_INET6;
	addr(AF_INET6, V6_SRC, &key.addr);
	assert_int_equal(bpf_map__lookup_elem(counts, &key, sizeof(key), &c,
					      sizeof(c), 0), 0);
	assert_int_equal(c.packets, 2);
	assert_int_equal(c.bytes, 2 * len6);

	/* and nothing else */
	while (!bpf_map__get_next_key(counts, keys ? &key : NULL, &next,
				      sizeof(next))) {
		key = next;
		keys++;
	}
	assert_int_equal(keys, 2);
	bpf_object__close(obj);
}

/* ---- tail_dispatch: tail calls through a program array ------------------ */

static void test_tail_dispatch(void **state)
{
	static const struct {
		const char *name;
		struct spec spec;
		uint32_t verdict;
		uint64_t paths[3];	/* dispatcher, TCP, UDP: so far */
	} cases[] = {
		{ "TCP to 80", { AF_INET, IPPROTO_TCP, 1, 80 }, XDP_PASS,
		  { 0, 1, 0 } },
		{ "TCP to 23", { AF_INET6, IPPROTO_TCP, 1, 23 }, XDP_DROP,
		  { 0, 2, 0 } },
		{ "UDP to 9", { AF_INET6, IPPROTO_UDP, 1, 9, .vlans = 1 },
		  XDP_DROP, { 0, 2, 1 } },
		{ "UDP to 53", { AF_INET, IPPROTO_UDP, 1, 53 }, XDP_PASS,
		  { 0, 2, 2 } },
		{ "ICMP: no handler", { AF_INET, IPPROTO_ICMP }, XDP_PASS,
		  { 1, 2, 2 } },
		{ "ARP: not IP", { 0 }, XDP_PASS, { 2, 2, 2 } },
	};
	struct bpf_object *obj;
	struct bpf_map *paths, *handlers;
	uint8_t frame[512];
	uint32_t key, id;
	size_t i;
	int fd;

	(void)state;
	NEED_BPF();
	obj = load("tail_dispatch");
	fd = prog_fd(obj, "dispatch");
	paths = map_of(obj, "paths");
	handlers = map_of(obj, "handlers");

	/* libbpf filled the program array from its initialiser */
	key = IPPROTO_TCP;
	assert_int_equal(bpf_map__lookup_elem(handlers, &key, sizeof(key),
					      &id, sizeof(id), 0), 0);
	key = IPPROTO_ICMP;
	assert_int_not_equal(bpf_map__lookup_elem(handlers, &key,
						  sizeof(key), &id,
						  sizeof(id), 0), 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t r = run(fd, frame, build(&cases[i].spec, frame));
		uint64_t n[3];

		for (key = 0; key < 3; key++)
			assert_int_equal(bpf_map__lookup_elem(paths, &key,
							      sizeof(key),
							      &n[key],
							      sizeof(n[key]),
							      0), 0);
		if (r != cases[i].verdict ||
		    memcmp(n, cases[i].paths, sizeof(n))) {
			print_error("%s: verdict %u, paths %llu %llu %llu\n",
				    cases[i].name, r,
				    (unsigned long long)n[0],
				    (unsigned long long)n[1],
				    (unsigned long long)n[2]);
			fail();
		}
	}
	bpf_object__close(obj);
}

/* ---- xdp_redirect: devmap and xskmap ------------------------------------ */

static void test_xdp_redirect(void **state)
{
	static const struct spec udp = { AF_INET, IPPROTO_UDP, 1, 4242 };
	struct bpf_object *obj;
	uint32_t zero = 0, lo = 1;
	uint8_t frame[512];
	size_t len = build(&udp, frame);
	int fwd, xsk, err;

	(void)state;
	NEED_BPF();
	obj = load("xdp_redirect");
	fwd = prog_fd(obj, "xdp_forward");
	xsk = prog_fd(obj, "xdp_to_xsk");

	/* No AF_XDP socket on the queue: on to the stack. */
	assert_int_equal(run(xsk, frame, len), XDP_PASS);
	/* No device in the slot: pass; with one (lo), redirect. */
	assert_int_equal(run(fwd, frame, len), XDP_PASS);
	err = bpf_map__update_elem(map_of(obj, "out_port"), &zero,
				   sizeof(zero), &lo, sizeof(lo), 0);
	assert_int_equal(err, 0);
	assert_int_equal(run(fwd, frame, len), XDP_REDIRECT);
	bpf_object__close(obj);
}

/* ---- api_coverage: what the examples leave out -------------------------- */

static void test_api_coverage(void **state)
{
	static const struct spec arp = { 0 };
	static const struct spec v6 = { AF_INET6, IPPROTO_UDP, 1, 2 };
	static const struct spec v4 = { AF_INET, IPPROTO_TCP, 1, 8080 };
	static const struct spec v4_vlan = { AF_INET, IPPROTO_TCP, 1, 8080,
					     .vlans = 1 };
	static const struct spec v4_udp = { AF_INET, IPPROTO_UDP, 1, 8080 };
	struct { uint32_t prefixlen; uint8_t addr[16]; } route;
	uint32_t verdict;
	struct bpf_object *obj;
	struct bpf_map *routes;
	uint8_t frame[512];
	int xdp, tc;

	(void)state;
	NEED_BPF();
	obj = load("api_coverage");
	xdp = prog_fd(obj, "xdp_misc");
	tc = prog_fd(obj, "tc_misc");
	routes = map_of(obj, "routes6");

	/* tg_xdp_eth(), tg_xdp_redirect() */
	assert_int_equal(run(xdp, frame, build(&arp, frame)), XDP_REDIRECT);
	/* an IPv6 LPM trie: no route, a /32, then a longer /128 */
	assert_int_equal(run(xdp, frame, build(&v6, frame)), XDP_PASS);
	route.prefixlen = 32;
	addr(AF_INET6, "2001:db8::", route.addr);
	verdict = XDP_DROP;
	assert_int_equal(bpf_map__update_elem(routes, &route, sizeof(route),
					      &verdict, sizeof(verdict), 0),
			 0);
	assert_int_equal(run(xdp, frame, build(&v6, frame)), XDP_DROP);
	route.prefixlen = 128;
	addr(AF_INET6, V6_SRC, route.addr);
	verdict = XDP_TX;
	assert_int_equal(bpf_map__update_elem(routes, &route, sizeof(route),
					      &verdict, sizeof(verdict), 0),
			 0);
	assert_int_equal(run(xdp, frame, build(&v6, frame)), XDP_TX);

	/* TC: bytes by offset, in place after a pull, copied: the same */
	assert_int_equal(run(tc, frame, build(&v4, frame)), TC_ACT_OK);
	assert_int_equal(run(tc, frame, build(&v4_vlan, frame)),
			 (uint32_t)TC_ACT_UNSPEC);
	assert_int_equal(run(tc, frame, build(&v4_udp, frame)),
			 (uint32_t)TC_ACT_UNSPEC);
	bpf_object__close(obj);
}

/* ---- maps_selftest: every map macro and wrapper ------------------------- */

struct st_flow {
	uint32_t addr;
	uint16_t port;
	uint16_t proto;
};

struct st_record {
	uint32_t seq;
	uint32_t magic;
};

#define RECORD_MAGIC 0x7e57ab1e

struct records {
	struct st_record got[8];
	int n;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct records *r = ctx;

	assert_int_equal(size, sizeof(struct st_record));
	if (r->n < 8)
		memcpy(&r->got[r->n++], data, sizeof(struct st_record));
	return 0;
}

static void on_perf_record(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	assert_true(size >= sizeof(struct st_record));
	on_record(ctx, data, sizeof(struct st_record));
}

/* The sum of a per-CPU map's values at @key, and how many are non-zero. */
static uint64_t percpu_sum(struct bpf_map *map, const void *key,
			   size_t key_size, int *nonzero)
{
	int i, ncpus = libbpf_num_possible_cpus();
	uint64_t *v = calloc(ncpus, sizeof(*v)), sum = 0;

	assert_non_null(v);
	assert_int_equal(bpf_map__lookup_elem(map, key, key_size, v,
					      ncpus * sizeof(*v), 0), 0);
	*nonzero = 0;
	for (i = 0; i < ncpus; i++) {
		sum += v[i];
		*nonzero += v[i] != 0;
	}
	free(v);
	return sum;
}

static void test_maps(void **state)
{
	static const struct spec any = { AF_INET, IPPROTO_TCP, 1, 2 };
	struct st_flow flow = { 0x0a000001, 80, 6 };
	struct records rb_got = { 0 }, perf_got = { 0 };
	struct { uint32_t prefixlen; uint8_t addr[4]; } route = {
		32, { 10, 1, 2, 3 } };
	struct src_count stats;
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	struct bpf_object *obj;
	uint32_t key, failed, hop;
	uint8_t frame[512];
	uint64_t v;
	int nonzero;

	(void)state;
	NEED_BPF();
	obj = load("maps_selftest");
	rb = ring_buffer__new(bpf_map__fd(map_of(obj, "records")), on_record,
			      &rb_got, NULL);
	assert_non_null(rb);
	pb = perf_buffer__new(bpf_map__fd(map_of(obj, "perf_records")), 1,
			      on_perf_record, NULL, &perf_got, NULL);
	assert_non_null(pb);

	assert_int_equal(run(prog_fd(obj, "selftest"), frame,
			     build(&any, frame)), XDP_PASS);
	read_bss(obj, &failed, sizeof(failed));
	assert_int_equal(failed, 0);

	/* what the program left behind */
	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "flows"), &flow,
					      sizeof(flow), &stats,
					      sizeof(stats), 0), 0);
	assert_int_equal(stats.packets, 7);
	assert_int_equal(stats.bytes, 60);
	key = 3;
	assert_int_equal(percpu_sum(map_of(obj, "percpu_counts"), &key,
				    sizeof(key), &nonzero), 42);
	assert_int_equal(nonzero, 1);	/* one CPU's value */
	key = 1;
	assert_int_equal(percpu_sum(map_of(obj, "percpu_slots"), &key,
				    sizeof(key), &nonzero), 7);
	key = 2;
	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "slots"), &key,
					      sizeof(key), &v, sizeof(v), 0),
			 0);
	assert_int_equal(v, 1234);
	key = 9;
	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "recent"), &key,
					      sizeof(key), &v, sizeof(v), 0),
			 0);
	assert_int_equal(v, 5);
	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "routes"), &route,
					      sizeof(route), &hop,
					      sizeof(hop), 0), 0);
	assert_int_equal(hop, 2);

	/* ring buffer: 1 submitted, 99 discarded, 2 output */
	assert_int_equal(ring_buffer__consume(rb), 2);
	assert_int_equal(rb_got.n, 2);
	assert_int_equal(rb_got.got[0].seq, 1);
	assert_int_equal(rb_got.got[1].seq, 2);
	assert_int_equal(rb_got.got[0].magic, RECORD_MAGIC);
	assert_int_equal(rb_got.got[1].magic, RECORD_MAGIC);

	/* perf buffer: 3, on this CPU's buffer */
	assert_true(perf_buffer__poll(pb, 1000) >= 0);
	assert_int_equal(perf_got.n, 1);
	assert_int_equal(perf_got.got[0].seq, 3);
	assert_int_equal(perf_got.got[0].magic, RECORD_MAGIC);

	perf_buffer__free(pb);
	ring_buffer__free(rb);
	bpf_object__close(obj);
}

/* ---- tracing: uprobes --------------------------------------------------- */

/*
 * Functions for the uprobes to find by name in this executable: global,
 * never inlined, called through volatile pointers.
 */
__attribute__((noinline)) long probe_target_mul(long a, long b)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };

	nanosleep(&pause, NULL);
	__asm__ __volatile__("" ::: "memory");
	return a * b;
}

__attribute__((noinline)) long probe_target_sum5(long a, long b, long c,
						 long d, long e)
{
	__asm__ __volatile__("" ::: "memory");
	return a + b + c + d + e;
}

static long (*volatile call_mul)(long, long) = probe_target_mul;
static long (*volatile call_sum5)(long, long, long, long, long) =
	probe_target_sum5;

static struct bpf_link *attach_uprobe(struct bpf_object *obj,
				      const char *prog, const char *func,
				      bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = func,
		    .retprobe = ret);
	struct bpf_link *link;
	int err;

	clear_libbpf_log();
	link = bpf_program__attach_uprobe_opts(prog_of(obj, prog), 0,
					       "/proc/self/exe", 0, &opts);
	err = (int)libbpf_get_error(link);
	if (err) {
		print_error("uprobe on %s: %s\n%s\n", func, strerror(-err),
			    libbpf_log ? libbpf_log : "");
		fail();
	}
	return link;
}

struct call_event {
	uint32_t pid;
	uint32_t tid;
	int64_t arg1;
	int64_t arg2;
	int64_t ret;
	uint64_t latency_ns;
};

static int on_call(void *ctx, void *data, size_t size)
{
	struct call_event *e = ctx;

	assert_int_equal(size, sizeof(*e));
	if (((struct call_event *)data)->pid == (uint32_t)getpid())
		memcpy(e, data, sizeof(*e));
	return 0;
}

static void test_uprobe_latency(void **state)
{
	struct bpf_link *enter, *exit;
	struct call_event e = { 0 };
	struct bpf_object *obj;
	struct ring_buffer *rb;
	int i;

	(void)state;
	NEED_BPF();
	obj = load("uprobe_latency");
	enter = attach_uprobe(obj, "call_enter", "probe_target_mul", false);
	exit = attach_uprobe(obj, "call_exit", "probe_target_mul", true);
	rb = ring_buffer__new(bpf_map__fd(map_of(obj, "call_events")),
			      on_call, &e, NULL);
	assert_non_null(rb);

	assert_int_equal(call_mul(7, -3), -21);
	for (i = 0; i < 20 && !e.pid; i++)
		ring_buffer__poll(rb, 100);
	assert_int_equal(e.pid, getpid());
	assert_int_equal(e.tid, gettid());
	assert_int_equal(e.arg1, 7);
	assert_int_equal(e.arg2, -3);
	assert_int_equal(e.ret, -21);
	/* it sleeps for 2 ms */
	assert_true(e.latency_ns >= 2 * 1000 * 1000);
	assert_true(e.latency_ns < 5ULL * 1000 * 1000 * 1000);

	ring_buffer__free(rb);
	bpf_link__destroy(exit);
	bpf_link__destroy(enter);
	bpf_object__close(obj);
}

struct call_args {
	uint64_t args[5];
	int64_t ret;
	uint32_t pid;
	uint32_t calls;
};

static void test_uprobe_args(void **state)
{
	struct bpf_link *enter, *exit;
	struct bpf_object *obj;
	struct bpf_map *last;
	struct call_args c;
	uint32_t zero = 0;
	int i;

	(void)state;
	NEED_BPF();
	obj = load("uprobe_args");
	last = map_of(obj, "last_call");
	assert_value_size(last, sizeof(c));
	enter = attach_uprobe(obj, "args_enter", "probe_target_sum5", false);
	exit = attach_uprobe(obj, "args_exit", "probe_target_sum5", true);

	assert_int_equal(call_sum5(1, -2, 300, 4000, 50000), 54299);
	assert_int_equal(bpf_map__lookup_elem(last, &zero, sizeof(zero), &c,
					      sizeof(c), 0), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.pid, getpid());
	for (i = 0; i < 5; i++) {
		static const long want[] = { 1, -2, 300, 4000, 50000 };

		assert_int_equal((long)c.args[i], want[i]);
	}
	assert_int_equal(c.ret, 54299);

	bpf_link__destroy(exit);
	bpf_link__destroy(enter);
	bpf_object__close(obj);
}

/* ---- tracing: kprobes and fentry on vfs_read ---------------------------- */

/* Read the whole of this test's own source; the bytes read. */
static long read_a_file(void)
{
	char *path = tg_test_path("%s/tests/probe/test_probe_api.c",
				  tg_test_src_dir());
	char buf[4096];
	long n, total = 0;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += n;
	close(fd);
	free(path);
	return total;
}

/* Why a kprobe cannot be attached here, or NULL. */
static const char *no_kprobes(int err)
{
	if (err != -ENOENT && err != -EOPNOTSUPP && err != -ENOTSUP)
		return NULL;
	if (access("/sys/bus/event_source/devices/kprobe", F_OK) == 0 ||
	    access(TRACEFS "/kprobe_events", F_OK) == 0)
		return NULL;
	return "this kernel cannot attach kprobes: no kprobe PMU "
	       "(/sys/bus/event_source/devices/kprobe) and no "
	       TRACEFS "/kprobe_events (built without CONFIG_KPROBES); "
	       "the programs loaded and the verifier accepted them";
}

struct read_event {
	uint32_t pid;
	uint32_t tid;
	uint64_t latency_ns;
	int64_t ret;
	uint64_t count;
	char comm[16];
};

struct read_events {
	long bytes;		/* what the reads of this thread returned */
	long calls;
	bool all_timed;
};

static int on_read(void *ctx, void *data, size_t size)
{
	const struct read_event *e = data;
	struct read_events *r = ctx;

	assert_int_equal(size, sizeof(*e));
	if (e->pid != (uint32_t)getpid() || e->tid != (uint32_t)gettid())
		return 0;
	r->calls++;
	if (e->ret > 0)
		r->bytes += e->ret;
	if (!e->latency_ns || e->count < (uint64_t)(e->ret > 0 ? e->ret : 0))
		r->all_timed = false;
	return 0;
}

static void test_vfs_read_latency(void **state)
{
	struct read_events got = { .all_timed = true };
	struct bpf_link *enter, *exit;
	struct bpf_object *obj;
	struct ring_buffer *rb;
	long bytes;
	int err, i;

	(void)state;
	NEED_BPF();
	obj = load("vfs_read_latency");
	enter = try_attach(prog_of(obj, "read_enter"), &err);
	if (!enter) {
		const char *why = no_kprobes(err);

		bpf_object__close(obj);
		SKIP_IF(why, "%s", why);
		print_error("attach kprobe: %s\n%s\n", strerror(-err),
			    libbpf_log ? libbpf_log : "");
		fail();
	}
	exit = attach(prog_of(obj, "read_exit"));
	rb = ring_buffer__new(bpf_map__fd(map_of(obj, "reads")), on_read, &got,
			      NULL);
	assert_non_null(rb);

	bytes = read_a_file();
	for (i = 0; i < 20 && got.bytes < bytes; i++)
		ring_buffer__poll(rb, 100);
	/* the reads of the file, and the final one that returned 0 */
	assert_true(got.calls >= 2);
	assert_int_equal(got.bytes, bytes);
	assert_true(got.all_timed);

	ring_buffer__free(rb);
	bpf_link__destroy(exit);
	bpf_link__destroy(enter);
	bpf_object__close(obj);
}

struct read_totals {
	uint64_t entered;
	uint64_t exited;
	uint64_t bytes;
};

static void test_fentry(void **state)
{
	struct bpf_link *entry, *exit;
	struct read_totals t;
	struct bpf_object *obj;
	uint32_t pid = getpid();
	char *path;
	long bytes;
	int err;

	(void)state;
	NEED_BPF();
	path = obj_path("fentry");
	err = try_load_path(path, &obj);
	free(path);
	SKIP_IF(err == -EPERM || err == -EOPNOTSUPP || err == -ENOTSUP,
		"this kernel refuses fentry/fexit programs (BPF_PROG_LOAD of "
		"a tracing program: %s) although it loads the others; the "
		"object compiled", strerror(-err));
	if (err) {
		print_error("fentry: %s\n%s\n", strerror(-err),
			    libbpf_log ? libbpf_log : "");
		fail();
	}
	entry = attach(prog_of(obj, "read_entry"));
	exit = attach(prog_of(obj, "read_exit"));
	bytes = read_a_file();
	bpf_link__destroy(exit);
	bpf_link__destroy(entry);

	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "totals"), &pid,
					      sizeof(pid), &t, sizeof(t), 0),
			 0);
	assert_true(t.entered >= 2 && t.exited >= 2);
	assert_true(t.bytes >= (uint64_t)bytes);
	bpf_object__close(obj);
}

/* ---- tracing: tracepoints ----------------------------------------------- */

/* Mount tracefs if need be (tracepoints need it); why not, or NULL. */
static const char *need_tracefs(void)
{
	if (access(TRACEFS "/events", F_OK) == 0)
		return NULL;
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) == 0) {
		mounted_tracefs = true;
		return NULL;
	}
	return "tracefs is not mounted on " TRACEFS " and cannot be";
}

struct connect_event {
	uint32_t pid;
	uint32_t uid;
	int32_t fd;
	uint16_t family;
	uint16_t port;
	uint8_t addr[16];
	char comm[16];
};

struct connects {
	struct connect_event last;	/* the last one of this process */
	int n;
};

static int on_connect(void *ctx, void *data, size_t size)
{
	const struct connect_event *e = data;
	struct connects *c = ctx;

	assert_int_equal(size, sizeof(*e));
	if (e->pid == (uint32_t)getpid()) {
		c->last = *e;
		c->n++;
	}
	return 0;
}

/*
 * Connect to a listening socket on @family's loopback and check the event;
 * false if the loopback address is not there (IPv6 turned off).
 */
static bool check_connect(struct ring_buffer *rb, struct connects *got,
			  int family)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in) :
					    sizeof(struct sockaddr_in6);
	int srv, cli, i, before = got->n;
	uint16_t port;
	char comm[16] = { 0 };
	uint8_t want[16] = { 0 };

	ss.ss_family = family;
	if (family == AF_INET)
		addr(AF_INET, "127.0.0.1",
		     &((struct sockaddr_in *)&ss)->sin_addr);
	else
		addr(AF_INET6, "::1",
		     &((struct sockaddr_in6 *)&ss)->sin6_addr);
	srv = socket(family, SOCK_STREAM, 0);
	if (srv < 0 && family == AF_INET6)
		return false;
	assert_true(srv >= 0);
	if (bind(srv, (struct sockaddr *)&ss, len)) {
		int err = errno;

		close(srv);
		if (family == AF_INET6 && err == EADDRNOTAVAIL)
			return false;
		print_error("bind: %s\n", strerror(err));
		fail();
	}
	assert_int_equal(listen(srv, 1), 0);
	assert_int_equal(getsockname(srv, (struct sockaddr *)&ss, &len), 0);
	port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			    ((struct sockaddr_in6 *)&ss)->sin6_port);

	cli = socket(family, SOCK_STREAM, 0);
	assert_true(cli >= 0);
	assert_int_equal(connect(cli, (struct sockaddr *)&ss, len), 0);
	for (i = 0; i < 20 && got->n == before; i++)
		ring_buffer__poll(rb, 100);

	assert_int_equal(got->n, before + 1);
	assert_int_equal(got->last.family, family);
	assert_int_equal(got->last.port, port);
	assert_int_equal(got->last.fd, cli);
	assert_int_equal(got->last.uid, getuid());
	if (family == AF_INET)
		addr(AF_INET, "127.0.0.1", want);
	else
		addr(AF_INET6, "::1", want);
	assert_memory_equal(got->last.addr, want, 16);
	assert_int_equal(prctl(PR_GET_NAME, comm), 0);
	assert_string_equal(got->last.comm, comm);
	close(cli);
	close(srv);
	return true;
}

static void test_connect_trace(void **state)
{
	struct connects got = { 0 };
	struct bpf_object *obj;
	struct bpf_link *link;
	struct ring_buffer *rb;
	const char *why;

	(void)state;
	NEED_BPF();
	why = need_tracefs();
	SKIP_IF(why, "%s", why);
	obj = load("connect_trace");
	link = attach(prog_of(obj, "trace_connect"));
	rb = ring_buffer__new(bpf_map__fd(map_of(obj, "connects")),
			      on_connect, &got, NULL);
	assert_non_null(rb);

	assert_true(check_connect(rb, &got, AF_INET));
	if (!check_connect(rb, &got, AF_INET6))
		print_message("           no IPv6 loopback: IPv4 only\n");

	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
}

/* syscall_args.bpf.c's PROBE_NR: a syscall no kernel implements. */
#define PROBE_NR 1000

struct seen_call {
	int64_t nr;
	uint64_t args[5];
	int64_t ret;
	uint32_t hits;
	uint32_t pid;
	uint32_t tid;
	uint32_t uid;
	uint32_t gid;
	uint32_t cpu;
	int64_t stack_id;
	uint64_t now_ns;
	uint64_t boot_ns;
	char comm[16];
};

enum { SLOT_RAW_TP, SLOT_TP_BTF, SLOT_TP_ENTER, SLOT_TP_EXIT, SLOT_MAX };

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(clock, &ts), 0);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void test_syscall_tracepoints(void **state)
{
	static const char *const progs[] = {
		"raw_enter", "btf_enter", "tp_enter", "tp_exit",
	};
	struct bpf_link *links[ARRAY_SIZE(progs)];
	struct seen_call s[SLOT_MAX];
	struct bpf_object *obj;
	struct bpf_map *seen;
	uint64_t t0, t1, frames[127];
	char comm[16] = { 0 };
	const char *why;
	uint32_t key;
	size_t i;
	long rc;

	(void)state;
	NEED_BPF();
	why = need_tracefs();
	SKIP_IF(why, "%s", why);
	obj = load("syscall_args");
	seen = map_of(obj, "seen");
	assert_value_size(seen, sizeof(s[0]));
	for (i = 0; i < ARRAY_SIZE(progs); i++)
		links[i] = attach(prog_of(obj, progs[i]));

	t0 = clock_ns(CLOCK_MONOTONIC);
	rc = syscall(PROBE_NR, 11L, 22L, 33L, 44L, 55L);
	t1 = clock_ns(CLOCK_MONOTONIC);
	assert_int_equal(rc, -1);
	assert_int_equal(errno, ENOSYS);
	for (i = 0; i < ARRAY_SIZE(progs); i++)
		bpf_link__destroy(links[i]);

	for (key = 0; key < SLOT_MAX; key++) {
		assert_int_equal(bpf_map__lookup_elem(seen, &key, sizeof(key),
						      &s[key], sizeof(s[key]),
						      0), 0);
		assert_int_equal(s[key].nr, PROBE_NR);
		assert_int_equal(s[key].hits, 1);
		assert_int_equal(s[key].pid, getpid());
	}
	/* arguments: registers (raw and BTF), the format (classic) */
	for (key = 0; key < SLOT_TP_EXIT; key++)
		for (i = 0; i < 5; i++)
			assert_int_equal(s[key].args[i], 11 * (i + 1));
	assert_int_equal(s[SLOT_TP_EXIT].ret, -ENOSYS);

	/* what helpers.h said of the caller */
	assert_int_equal(s[SLOT_RAW_TP].tid, gettid());
	assert_int_equal(s[SLOT_RAW_TP].uid, getuid());
	assert_int_equal(s[SLOT_RAW_TP].gid, getgid());
	assert_true(s[SLOT_RAW_TP].cpu < (uint32_t)libbpf_num_possible_cpus());
	assert_true(s[SLOT_RAW_TP].now_ns >= t0);
	assert_true(s[SLOT_RAW_TP].now_ns <= t1);
	assert_true(s[SLOT_RAW_TP].boot_ns >= s[SLOT_RAW_TP].now_ns);
	assert_int_equal(prctl(PR_GET_NAME, comm), 0);
	assert_string_equal(s[SLOT_RAW_TP].comm, comm);

	/* the kernel stack it was called from */
	assert_true(s[SLOT_RAW_TP].stack_id >= 0);
	key = s[SLOT_RAW_TP].stack_id;
	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "stacks"), &key,
					      sizeof(key), frames,
					      sizeof(frames), 0), 0);
	assert_true(frames[0] >= 0xffff000000000000ULL); /* the kernel's */
	bpf_object__close(obj);
}

/* ---- syscall_count: the sys_enter raw tracepoint ------------------------ */

static void test_syscall_count(void **state)
{
	struct { uint32_t pid; uint32_t nr; } key = {
		getpid(), SYS_getppid };
	struct bpf_object *obj;
	struct bpf_link *link;
	uint64_t n;
	int i;

	(void)state;
	NEED_BPF();
	obj = load("syscall_count");
	link = attach(prog_of(obj, "count_syscall"));
	for (i = 0; i < 5; i++)
		syscall(SYS_getppid);
	bpf_link__destroy(link);

	assert_int_equal(bpf_map__lookup_elem(map_of(obj, "syscalls"), &key,
					      sizeof(key), &n, sizeof(n), 0),
			 0);
	assert_int_equal(n, 5);
	bpf_object__close(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples_load),
		cmocka_unit_test(test_test_programs_load),
		cmocka_unit_test(test_compile_for_arm64),
		cmocka_unit_test(test_drop_http),
		cmocka_unit_test(test_dns_filter),
		cmocka_unit_test(test_packet_accessors),
		cmocka_unit_test(test_packet_programs_on_uapi_headers),
		cmocka_unit_test(test_src_counter),
		cmocka_unit_test(test_tail_dispatch),
		cmocka_unit_test(test_xdp_redirect),
		cmocka_unit_test(test_api_coverage),
		cmocka_unit_test(test_maps),
		cmocka_unit_test(test_uprobe_latency),
		cmocka_unit_test(test_uprobe_args),
		cmocka_unit_test(test_vfs_read_latency),
		cmocka_unit_test(test_fentry),
		cmocka_unit_test(test_connect_trace),
		cmocka_unit_test(test_syscall_tracepoints),
		cmocka_unit_test(test_syscall_count),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
