// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * tg_write_file_atomic(): a regular file is either replaced whole or left
 * as it was, no temporary file survives (not even a signal), an existing
 * file keeps its mode and a new one follows the umask; devices, FIFOs and
 * sockets are written through and never replaced; symlinks are followed
 * and kept; /dev/fd/N is that descriptor. tg_write_stream(): all or
 * nothing, with the errno of the write that failed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "typegen.h"
#include "tg_test.h"

#define OLD_CONTENT "old content\n"
#define NEW_CONTENT "/* new content */\n"

struct fx {
	char *dir;
	char *target;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	fx->dir = tg_test_mkdtemp();
	fx->target = tg_test_path("%s/vmlinux.h", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	tg_test_rmtree(fx->dir);
	free(fx->dir);
	free(fx->target);
	free(fx);
	return 0;
}

/* What the write callbacks do, and what they saw. */
struct job {
	const char *content;
	int ret;		/* what the callback returns */
	int calls;
};

static int write_content(FILE *out, void *ctx)
{
	struct job *job = ctx;

	job->calls++;
	fputs(job->content, out);
	return job->ret;
}

static int count_entries(const char *dir, char *only, size_t only_sz)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (only)
			snprintf(only, only_sz, "%s", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static void assert_content(const char *path, const char *want)
{
	size_t len;
	char *data = tg_test_read_file(path, &len);

	assert_non_null(data);
	assert_int_equal(len, strlen(want));
	assert_string_equal(data, want);
	free(data);
}

/* Only @name is in @dir: no temporary file was left behind. */
static void assert_dir_holds_only(const char *dir, const char *name)
{
	char entry[256] = "";

	assert_int_equal(count_entries(dir, entry, sizeof(entry)), name ? 1 : 0);
	if (name)
		assert_string_equal(entry, name);
}

static void write_old(const struct fx *fx)
{
	assert_int_equal(tg_test_write_file(fx->target, OLD_CONTENT,
					    strlen(OLD_CONTENT)), 0);
}

/* ---- success ----------------------------------------------------------- */

static void test_creates(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_int_equal(job.calls, 1);
	assert_content(fx->target, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_replaces(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *other = tg_test_path("%s/hardlink", fx->dir);

	write_old(fx);
	/* A second name for the old file keeps the old data: the new file
	 * was renamed into place, not written over the old one. */
	assert_int_equal(link(fx->target, other), 0);

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_content(fx->target, NEW_CONTENT);
	assert_content(other, OLD_CONTENT);
	assert_int_equal(unlink(other), 0);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
	free(other);
}

/*
 * The files created in @dir while tg_write_file_atomic() runs, seen with
 * inotify: the temporary file exists only for a moment, after @fn.
 */
struct watch {
	int fd;
	char created[4][256];
	int cnt;
};

static void watch_start(struct watch *w, const char *dir)
{
	memset(w, 0, sizeof(*w));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(w->fd >= 0);
	assert_true(inotify_add_watch(w->fd, dir, IN_CREATE) >= 0);
}

static void watch_end(struct watch *w)
{
	char buf[4096] __attribute__((aligned(8)));
	ssize_t n, off;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			struct inotify_event *e = (void *)(buf + off);

			if (e->len && w->cnt < 4)
				snprintf(w->created[w->cnt++], 256, "%s",
					 e->name);
			off += sizeof(*e) + e->len;
		}
	}
	close(w->fd);
}

/* ".vmlinux.h.XXXXXX" */
static void assert_temp_name(const char *name, const char *base)
{
	size_t len = strlen(base);

	assert_int_equal(name[0], '.');
	assert_int_equal(strncmp(name + 1, base, len), 0);
	assert_int_equal(name[len + 1], '.');
	assert_int_equal(strlen(name + len + 2), 6);
	assert_int_equal(strspn(name + len + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789"), 6);
}

static void test_temp_file_beside_target(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	struct watch w;

	write_old(fx);
	watch_start(&w, fx->dir);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	watch_end(&w);
	assert_int_equal(job.calls, 1);
	assert_int_equal(w.cnt, 1);
	assert_temp_name(w.created[0], "vmlinux.h");
	assert_content(fx->target, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_random_temp_names(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	struct watch a, b;

	/* Two runs in a row must not pick the same name. */
	watch_start(&a, fx->dir);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	watch_end(&a);
	watch_start(&b, fx->dir);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	watch_end(&b);
	assert_int_equal(a.cnt, 1);
	assert_int_equal(b.cnt, 1);
	assert_string_not_equal(a.created[0], b.created[0]);
}

/*
 * A symlink is followed: its target is replaced, in the target's own
 * directory, and the link stays. Absolute, relative, chained and dangling.
 */
static void test_symlink_followed(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *sub = tg_test_path("%s/real", fx->dir);
	char *victim = tg_test_path("%s/real/vmlinux.h", fx->dir);
	char *chain = tg_test_path("%s/chain", fx->dir);
	char *dangling = tg_test_path("%s/dangling", fx->dir);
	char *created = tg_test_path("%s/real/new.h", fx->dir);
	char link[256], *abs, *link_to;
	struct watch w_link, w_target;
	struct stat st;
	ssize_t n;

	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(tg_test_write_file(victim, OLD_CONTENT,
					    strlen(OLD_CONTENT)), 0);
	assert_int_equal(chmod(victim, 0640), 0);
	assert_int_equal(symlink("real/vmlinux.h", fx->target), 0);

	watch_start(&w_link, fx->dir);
	watch_start(&w_target, sub);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	watch_end(&w_target);
	watch_end(&w_link);
	assert_int_equal(lstat(fx->target, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(fx->target, link, sizeof(link) - 1);
	assert_true(n > 0);
	link[n] = '\0';
	assert_string_equal(link, "real/vmlinux.h");
	assert_content(victim, NEW_CONTENT);
	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* The temporary file was made beside the target, not the link. */
	assert_int_equal(w_link.cnt, 0);
	assert_int_equal(w_target.cnt, 1);
	assert_temp_name(w_target.created[0], "vmlinux.h");
	assert_dir_holds_only(sub, "vmlinux.h");

	/* A link to a link (absolute this time). */
	abs = realpath(fx->dir, NULL);
	assert_non_null(abs);
	link_to = tg_test_path("%s/vmlinux.h", abs);
	assert_int_equal(symlink(link_to, chain), 0);
	free(link_to);
	free(abs);
	job.content = "chained\n";
	assert_int_equal(tg_write_file_atomic(chain, write_content, &job), 0);
	assert_content(victim, "chained\n");
	assert_int_equal(lstat(chain, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	/* A dangling link: its target is created, as the shell's > does. */
	assert_int_equal(symlink("real/new.h", dangling), 0);
	assert_int_equal(tg_write_file_atomic(dangling, write_content, &job), 0);
	assert_content(created, "chained\n");
	assert_int_equal(lstat(dangling, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	/* A loop of links is an error, not a hang. */
	assert_int_equal(unlink(chain), 0);
	assert_int_equal(symlink("chain", chain), 0);
	assert_int_equal(tg_write_file_atomic(chain, write_content, &job),
			 -ELOOP);
	free(sub);
	free(victim);
	free(chain);
	free(dangling);
	free(created);
}

static void test_existing_file_keeps_mode(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	mode_t old_mask = umask(022);
	struct stat st;

	write_old(fx);
	assert_int_equal(chmod(fx->target, 0600), 0);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_int_equal(stat(fx->target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(chmod(fx->target, 0755), 0);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_int_equal(stat(fx->target, &st), 0);
	umask(old_mask);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_content(fx->target, NEW_CONTENT);
}

static mode_t mode_with_umask(const struct fx *fx, mode_t mask)
{
	struct job job = { .content = NEW_CONTENT };
	mode_t old = umask(mask);
	struct stat st;
	int err;

	unlink(fx->target);
	err = tg_write_file_atomic(fx->target, write_content, &job);
	umask(old);
	assert_int_equal(err, 0);
	assert_int_equal(stat(fx->target, &st), 0);
	return st.st_mode & 07777;
}

static void test_mode_follows_umask(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(mode_with_umask(fx, 027), 0640);
	assert_int_equal(mode_with_umask(fx, 022), 0644);
	assert_int_equal(mode_with_umask(fx, 0), 0666);
}

static void test_relative_path(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char cwd[4096];

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->dir), 0);
	job.ret = tg_write_file_atomic("vmlinux.h", write_content, &job);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(job.ret, 0);
	assert_content(fx->target, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_long_name(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char name[251];
	char *path;

	/* ".NAME.XXXXXX" would exceed NAME_MAX: the temp name is cut. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	path = tg_test_path("%s/%s", fx->dir, name);
	assert_int_equal(tg_write_file_atomic(path, write_content, &job), 0);
	assert_content(path, NEW_CONTENT);
	assert_dir_holds_only(fx->dir, name);
	free(path);
}

static void test_positive_return_is_success(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT, .ret = 42 };

	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	assert_content(fx->target, NEW_CONTENT);
}

/* ---- failure ----------------------------------------------------------- */

static void test_fn_error_keeps_old_file(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = "half a hea", .ret = -EPROTO };

	write_old(fx);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 -EPROTO);
	assert_int_equal(job.calls, 1);
	assert_content(fx->target, OLD_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");

	/* Same with no old file: nothing is created. */
	assert_int_equal(unlink(fx->target), 0);
	job.ret = -EIO;
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 -EIO);
	assert_dir_holds_only(fx->dir, NULL);
}

/* Writes more than RLIMIT_FSIZE allows and, carelessly, returns 0. */
static int write_too_much(FILE *out, void *ctx)
{
	static char block[4096];
	int i;

	(void)ctx;
	memset(block, 'x', sizeof(block));
	for (i = 0; i < 16; i++)
		fwrite(block, 1, sizeof(block), out);
	return 0;
}

static void test_write_error_keeps_old_file(void **state)
{
	struct fx *fx = *state;
	struct rlimit old, small;
	void (*old_handler)(int);
	int err;

	write_old(fx);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 8192;
	/* Past the limit write() fails with EFBIG instead of killing us. */
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	err = tg_write_file_atomic(fx->target, write_too_much, NULL);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	/* EFBIG if the final flush hit it, EIO if an earlier write did. */
	if (err != -EFBIG)
		assert_int_equal(err, -EIO);
	assert_content(fx->target, OLD_CONTENT);
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

/* ---- what is not a regular file --------------------------------------- */

/* mknod @name (a char device @maj:@min) in the test's directory, or skip. */
static char *make_chardev(const struct fx *fx, const char *name,
			  unsigned int maj, unsigned int min)
{
	char *path = tg_test_path("%s/%s", fx->dir, name);

	if (mknod(path, S_IFCHR | 0666, makedev(maj, min))) {
		free(path);
		return NULL;
	}
	return path;
}

static void assert_chardev(const char *path, unsigned int maj,
			   unsigned int min)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), maj);
	assert_int_equal(minor(st.st_rdev), min);
}

/*
 * A character device is written through, never renamed over: -o of a null
 * device made here (never /dev/null itself) must leave it a device.
 */
static void test_char_device_written_through(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *null = make_chardev(fx, "null", 1, 3);
	char *full = make_chardev(fx, "full", 1, 7);
	char *link = tg_test_path("%s/null-link", fx->dir);

	if (!null || !full) {
		free(null);
		free(full);
		free(link);
		skip();	/* mknod needs CAP_MKNOD */
	}
	assert_int_equal(tg_write_file_atomic(null, write_content, &job), 0);
	assert_chardev(null, 1, 3);
	assert_int_equal(symlink("null", link), 0);
	assert_int_equal(tg_write_file_atomic(link, write_content, &job), 0);
	assert_chardev(null, 1, 3);

	/* The device's own error, as it gave it. */
	assert_int_equal(tg_write_file_atomic(full, write_content, &job),
			 -ENOSPC);
	assert_chardev(full, 1, 7);
	/* No temporary file was ever made for them. */
	assert_int_equal(count_entries(fx->dir, NULL, 0), 3);
	free(null);
	free(full);
	free(link);
}

struct reader {
	const char *path;
	int listen_fd;		/* a socket's, else -1 */
	char got[256];
};

static void *read_all(void *arg)
{
	struct reader *r = arg;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (r->listen_fd >= 0)
		fd = accept(r->listen_fd, NULL, NULL);
	else
		fd = open(r->path, O_RDONLY);
	if (fd < 0)
		return NULL;
	while (len < sizeof(r->got) - 1 &&
	       (n = read(fd, r->got + len, sizeof(r->got) - 1 - len)) > 0)
		len += n;
	r->got[len] = '\0';
	close(fd);
	return NULL;
}

/* Join the reader, or cancel it if @path is no longer of type @fmt. */
static void join_reader(pthread_t t, const char *path, mode_t fmt)
{
	struct stat st;

	if (lstat(path, &st) || (st.st_mode & S_IFMT) != fmt)
		pthread_cancel(t);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void test_fifo_written_through(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	struct reader r = { .path = fx->target, .listen_fd = -1 };
	pthread_t t;
	struct stat st;

	assert_int_equal(mkfifo(fx->target, 0600), 0);
	assert_int_equal(pthread_create(&t, NULL, read_all, &r), 0);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	/* Replaced instead, the reader would wait forever. */
	join_reader(t, fx->target, S_IFIFO);
	assert_string_equal(r.got, NEW_CONTENT);
	assert_int_equal(lstat(fx->target, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

static void test_socket_written_through(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct reader r = { .listen_fd = -1 };
	pthread_t t;
	struct stat st;

	if (strlen(fx->target) >= sizeof(sa.sun_path))
		skip();
	strcpy(sa.sun_path, fx->target);
	r.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(r.listen_fd >= 0);
	assert_int_equal(bind(r.listen_fd, (void *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(r.listen_fd, 1), 0);
	assert_int_equal(pthread_create(&t, NULL, read_all, &r), 0);
	assert_int_equal(tg_write_file_atomic(fx->target, write_content, &job),
			 0);
	join_reader(t, fx->target, S_IFSOCK);
	close(r.listen_fd);
	assert_string_equal(r.got, NEW_CONTENT);
	assert_int_equal(lstat(fx->target, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_dir_holds_only(fx->dir, "vmlinux.h");
}

/* /dev/fd/N and /proc/self/fd/N are the descriptor, as /dev/stdout is 1. */
static void test_dev_fd_is_the_descriptor(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *other = tg_test_path("%s/other", fx->dir);
	char name[64];
	struct stat st;
	int fd;

	write_old(fx);
	fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "first\n", 6), 6);
	snprintf(name, sizeof(name), "/dev/fd/%d", fd);
	assert_int_equal(tg_write_file_atomic(name, write_content, &job), 0);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	assert_int_equal(tg_write_file_atomic(name, write_content, &job), 0);
	/* Appended at the descriptor's offset: the same open file. */
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 6 + 2 * strlen(NEW_CONTENT));
	close(fd);
	/* The target beside it was never touched. */
	assert_content(fx->target, OLD_CONTENT);
	free(other);
}

/* A failing writer writes nothing, even where there is no rename. */
static void test_fn_error_writes_nothing_through(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = "half a hea", .ret = -EPROTO };
	char name[64];
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int fd;

	fd = open(fx->target, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	snprintf(name, sizeof(name), "/dev/fd/%d", fd);
	assert_int_equal(tg_write_file_atomic(name, write_content, &job),
			 -EPROTO);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 0);
	close(fd);

	mem = open_memstream(&buf, &len);
	assert_non_null(mem);
	assert_int_equal(tg_write_stream(mem, write_content, &job), -EPROTO);
	assert_int_equal(fclose(mem), 0);
	assert_int_equal(len, 0);
	free(buf);
}

/* tg_write_stream() says ENOSPC when the disk is full, not EIO. */
static void test_stream_keeps_errno(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *full = make_chardev(fx, "full", 1, 7);
	FILE *out;

	if (!full)
		skip();
	out = fopen(full, "w");
	assert_non_null(out);
	assert_int_equal(tg_write_stream(out, write_content, &job), -ENOSPC);
	fclose(out);
	free(full);
}

/* ---- signals ------------------------------------------------------------ */

#define BIG_SIZE (64 << 20)

static int write_big(FILE *out, void *ctx)
{
	char *block = calloc(1, 1 << 20);
	int i;

	(void)ctx;
	for (i = 0; i < BIG_SIZE >> 20; i++)
		fwrite(block, 1, 1 << 20, out);
	free(block);
	return 0;
}

/*
 * A child replaces the target with 64 MiB; @sig comes as soon as a
 * temporary file shows up. The child dies of it, leaving the old file and
 * no temporary file.
 */
static void interrupt_write(const struct fx *fx, int sig)
{
	struct watch w;
	struct stat st;
	pid_t pid;
	int status, i;

	write_old(fx);
	watch_start(&w, fx->dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(sig, SIG_DFL);
		tg_write_file_atomic(fx->target, write_big, NULL);
		/* Too late to interrupt the write: still die of the signal. */
		pause();
		_exit(0);
	}
	for (i = 0; i < 10000; i++) {
		char buf[4096] __attribute__((aligned(8)));

		if (read(w.fd, buf, sizeof(buf)) > 0)
			break;
		usleep(1000);
	}
	kill(pid, sig);
	close(w.fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
	/* The old file, or the whole new one; nothing else. */
	assert_dir_holds_only(fx->dir, "vmlinux.h");
	assert_int_equal(stat(fx->target, &st), 0);
	if (st.st_size != BIG_SIZE)
		assert_content(fx->target, OLD_CONTENT);
}

static void test_signal_leaves_no_temp(void **state)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct fx *fx = *state;
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		interrupt_write(fx, sigs[i]);
}

/* A signal the caller ignores does not cancel anything. */
static void test_ignored_signal_does_not_cancel(void **state)
{
	struct fx *fx = *state;
	void (*old)(int) = signal(SIGHUP, SIG_IGN);
	struct job job = { .content = NEW_CONTENT };
	sigset_t set;
	int err;

	write_old(fx);
	/* Pending before the write: seen by the check before the rename. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGHUP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	err = tg_write_file_atomic(fx->target, write_content, &job);
	signal(SIGHUP, old);
	assert_int_equal(err, 0);
	assert_content(fx->target, NEW_CONTENT);
}

static void test_missing_directory(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *path = tg_test_path("%s/no/such/dir/vmlinux.h", fx->dir);

	assert_int_equal(tg_write_file_atomic(path, write_content, &job),
			 -ENOENT);
	assert_int_equal(job.calls, 0);
	assert_dir_holds_only(fx->dir, NULL);
	free(path);
}

static void test_target_is_directory(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };
	char *sub = tg_test_path("%s/sub", fx->dir);
	char *slashed = tg_test_path("%s/new/", fx->dir);

	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(tg_write_file_atomic(sub, write_content, &job),
			 -EISDIR);
	assert_int_equal(tg_write_file_atomic(slashed, write_content, &job),
			 -EISDIR);
	assert_int_equal(job.calls, 0);
	assert_dir_holds_only(fx->dir, "sub");
	assert_dir_holds_only(sub, NULL);
	free(slashed);
	free(sub);
}

static void test_bad_arguments(void **state)
{
	struct fx *fx = *state;
	struct job job = { .content = NEW_CONTENT };

	assert_int_equal(tg_write_file_atomic(NULL, write_content, &job),
			 -EINVAL);
	assert_int_equal(tg_write_file_atomic("", write_content, &job),
			 -EINVAL);
	assert_int_equal(tg_write_file_atomic(fx->target, NULL, &job),
			 -EINVAL);
	assert_int_equal(job.calls, 0);
	assert_dir_holds_only(fx->dir, NULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_creates),
		T(test_replaces),
		T(test_temp_file_beside_target),
		T(test_random_temp_names),
		T(test_symlink_followed),
		T(test_existing_file_keeps_mode),
		T(test_mode_follows_umask),
		T(test_relative_path),
		T(test_long_name),
		T(test_positive_return_is_success),
		T(test_fn_error_keeps_old_file),
		T(test_write_error_keeps_old_file),
		T(test_char_device_written_through),
		T(test_fifo_written_through),
		T(test_socket_written_through),
		T(test_dev_fd_is_the_descriptor),
		T(test_fn_error_writes_nothing_through),
		T(test_stream_keeps_errno),
		T(test_signal_leaves_no_temp),
		T(test_ignored_signal_does_not_cancel),
		T(test_missing_directory),
		T(test_target_is_directory),
		T(test_bad_arguments),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
