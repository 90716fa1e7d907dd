// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Writing an output file without ever destroying what its path names.
 *
 * The content is first built in memory, so that a writer that fails has
 * written nothing anywhere. Then, by what the path turns out to be:
 *  - a regular file, or nothing yet: a temporary file is written beside it
 *    and renamed over it, so that readers see the old file or the whole
 *    new one; the old file's mode is kept;
 *  - a character device, FIFO or socket (/dev/null, a named pipe, a tty):
 *    written through, never replaced: renaming over /dev/null would turn
 *    it into a regular file for the whole machine;
 *  - /dev/stdout, /dev/fd/N and the like: written to that descriptor;
 *  - a symlink: followed; what it points at is written as above, in its
 *    own directory, and the link is kept.
 *
 * Signals: the temporary file exists only while the bytes built in memory
 * are written and renamed, with the termination signals blocked. A signal
 * that came meanwhile cancels the rename and removes the file before it is
 * delivered, so that an interrupted run leaves neither a temporary file
 * nor a new destination. Blocking (never installing handlers) leaves the
 * caller's own handlers and mask as they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "util/util.h"

#define TMP_SUFFIX_LEN 6
/* ".NAME." + suffix must still be a valid file name. */
#define TMP_BASE_MAX (NAME_MAX - 2 - TMP_SUFFIX_LEN)
/* Names are random: many clashes in a row mean something else is wrong. */
#define TMP_TRIES 64
/* The kernel's own bound on symlinks followed in one lookup. */
#define SYMLINK_HOPS 40

/*
 * The content of the file, once built: blocks of it, in order. A header is
 * megabytes: a buffer grown by realloc() copied it over and over and
 * zeroed its new room each time (open_memstream()), and took twice its
 * size while it moved. Blocks are only appended to, and are mapped with
 * their pages already there: on a virtual machine a page fault per 4 KB
 * written cost more than the copy.
 */
struct block {
	struct block *next;
	size_t len, cap;	/* bytes of data[] used, and mapped */
	char data[];
};

struct content {
	struct block *head, *tail;
	size_t size;
	int err;		/* what made a write fail: -ENOMEM */
};

/* Blocks double from the first to the last size, and stay there. */
#define BLOCK_FIRST (64 * 1024)
#define BLOCK_MAX (1024 * 1024)

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * The name must not be guessable, or another user could plant something
 * there first; getrandom() can only fail on very old kernels, where the
 * clock, pid and stack address are still hard to guess in advance.
 */
static void random_suffix(char *s, unsigned int attempt)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[TMP_SUFFIX_LEN];
	struct timespec ts;
	uint64_t state;
	int i;

	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		state = (uint64_t)ts.tv_sec << 32 ^ ts.tv_nsec ^
			(uint64_t)getpid() << 16 ^ attempt ^
			(uintptr_t)&state;
		for (i = 0; i < TMP_SUFFIX_LEN; i++)
			rnd[i] = splitmix64(&state);
	}
	for (i = 0; i < TMP_SUFFIX_LEN; i++)
		s[i] = chars[rnd[i] % (sizeof(chars) - 1)];
	s[TMP_SUFFIX_LEN] = '\0';
}

/*
 * Create "DIR/.NAME.XXXXXX" for @path = "DIR/NAME". O_EXCL|O_NOFOLLOW: a
 * symlink or file planted at that name makes us pick another name instead
 * of writing through it. Returns the fd, with the name in *tmpp.
 */
static int create_temp(const char *path, char **tmpp)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	int dir_len = base - path;
	int base_len = strnlen(base, TMP_BASE_MAX);
	char suffix[TMP_SUFFIX_LEN + 1];
	unsigned int attempt;
	char *tmp;
	int fd;

	for (attempt = 0; attempt < TMP_TRIES; attempt++) {
		random_suffix(suffix, attempt);
		if (asprintf(&tmp, "%.*s.%.*s.%s", dir_len, path, base_len,
			     base, suffix) < 0)
			return -ENOMEM;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			  O_CLOEXEC, 0666);
		if (fd >= 0) {
			*tmpp = tmp;
			return fd;
		}
		free(tmp);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static void free_content(struct content *c)
{
	struct block *b, *next;

	for (b = c->head; b; b = next) {
		next = b->next;
		munmap(b, offsetof(struct block, data) + b->cap);
	}
	c->head = c->tail = NULL;
	c->size = 0;
}

/* Append a block with room for @need bytes at least. */
static int add_block(struct content *c, size_t need)
{
	size_t cap = c->tail ? c->tail->cap * 2 : BLOCK_FIRST;
	size_t hdr = offsetof(struct block, data);
	struct block *b;

	if (cap > BLOCK_MAX)
		cap = BLOCK_MAX;
	if (cap < need)
		cap = need;
	/* whole pages: what is mapped anyway */
	if (cap > SIZE_MAX - hdr - 4095)
		return -ENOMEM;
	cap = ((hdr + cap + 4095) & ~(size_t)4095) - hdr;
	b = mmap(NULL, hdr + cap, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (b == MAP_FAILED)
		return -ENOMEM;
	b->next = NULL;
	b->len = 0;
	b->cap = cap;
	if (c->tail)
		c->tail->next = b;
	else
		c->head = b;
	c->tail = b;
	return 0;
}

static ssize_t content_write(void *cookie, const char *buf, size_t size)
{
	struct content *c = cookie;
	size_t done = 0, n;

	while (done < size) {
		if (!c->tail || c->tail->len == c->tail->cap) {
			c->err = add_block(c, size - done);
			if (c->err) {
				errno = -c->err;
				return done ? (ssize_t)done : -1;
			}
		}
		n = c->tail->cap - c->tail->len;
		if (n > size - done)
			n = size - done;
		memcpy(c->tail->data + c->tail->len, buf + done, n);
		c->tail->len += n;
		c->size += n;
		done += n;
	}
	return size;
}

/* Run @fn into memory. A failing @fn leaves nothing to write. */
static int build_content(tg_write_fn fn, void *ctx, struct content *c)
{
	static const cookie_io_functions_t io = { .write = content_write };
	FILE *mem;
	int err;

	memset(c, 0, sizeof(*c));
	mem = fopencookie(c, "w", io);
	if (!mem)
		return -ENOMEM;
	err = fn(mem, ctx);
	if (err >= 0 && (fflush(mem) == EOF || ferror(mem)))
		/* A stream error @fn did not notice (or no memory). */
		err = c->err ?: -EIO;
	if (fclose(mem) == EOF && err >= 0)
		err = c->err ?: -EIO;
	if (err < 0) {
		free_content(c);
		return err;
	}
	return 0;
}

/* write() all of @c to @fd; the errno of a failure, as it was. */
static int write_all(int fd, const struct content *c)
{
	const struct block *b;
	size_t done;
	ssize_t n;

	for (b = c->head; b; b = b->next) {
		for (done = 0; done < b->len; done += n) {
			n = write(fd, b->data + done, b->len - done);
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n < 0)
				return -errno;
			if (n == 0)
				return -EIO;
		}
	}
	return 0;
}

int tg_write_stream(FILE *out, tg_write_fn fn, void *ctx)
{
	const struct block *b;
	struct content c;
	int err;

	if (!out || !fn)
		return -EINVAL;
	err = build_content(fn, ctx, &c);
	if (err)
		return err;
	/* errno right after the failing call: ENOSPC, not a vague EIO. */
	errno = 0;
	for (b = c.head; b && !err; b = b->next)
		if (fwrite(b->data, 1, b->len, out) != b->len)
			err = errno ? -errno : -EIO;
	if (!err && fflush(out) == EOF)
		err = errno ? -errno : -EIO;
	free_content(&c);
	return err;
}

/* The descriptor that /dev/stdout, /dev/fd/N or /proc/self/fd/N stands for. */
static int std_stream_fd(const char *path)
{
	static const char *const dirs[] = {
		"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/",
	};
	const char *num = NULL;
	char *end;
	long fd;
	size_t i;

	if (!strcmp(path, "/dev/stdout"))
		return STDOUT_FILENO;
	if (!strcmp(path, "/dev/stderr"))
		return STDERR_FILENO;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			num = path + strlen(dirs[i]);
	if (!num || *num < '0' || *num > '9')
		return -1;
	errno = 0;
	fd = strtol(num, &end, 10);
	return *end || errno || fd > INT_MAX ? -1 : (int)fd;
}

/*
 * Follow the symlinks at @path's last component. *targetp: the path they
 * end at (malloc'ed; it may not exist yet), or *std_fd >= 0 when they end
 * at one of this process's descriptors.
 */
static int resolve_target(const char *path, char **targetp, int *std_fd)
{
	char *cur = strdup(path), *next, link[PATH_MAX];
	const char *slash;
	struct stat st;
	int hops, err;
	ssize_t n;

	*std_fd = -1;
	for (hops = 0; cur; hops++) {
		*std_fd = std_stream_fd(cur);
		if (*std_fd >= 0)
			break;
		if (lstat(cur, &st)) {
			if (errno == ENOENT)
				break;
			err = -errno;
			goto fail;
		}
		if (!S_ISLNK(st.st_mode))
			break;
		if (hops == SYMLINK_HOPS) {
			err = -ELOOP;
			goto fail;
		}
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0) {
			err = -errno;
			goto fail;
		}
		link[n] = '\0';
		/* A relative link is relative to the link's own directory. */
		slash = strrchr(cur, '/');
		if (link[0] == '/' || !slash)
			next = strdup(link);
		else if (asprintf(&next, "%.*s%s", (int)(slash + 1 - cur), cur,
				  link) < 0)
			next = NULL;
		free(cur);
		cur = next;
	}
	if (!cur)
		return -ENOMEM;
	*targetp = cur;
	return 0;
fail:
	free(cur);
	return err;
}

static bool names_directory(const char *path)
{
	size_t len = strlen(path);
	struct stat st;

	/* "dir/" has no file name to create. */
	return path[len - 1] == '/' || (stat(path, &st) == 0 &&
					S_ISDIR(st.st_mode));
}

/* A connection to the stream socket bound at @path. */
static int connect_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/*
 * Write @c into the device, FIFO or socket at @path. Returns 1 if @path
 * turned out to be a regular file once opened (replaced since it was
 * looked at): the caller replaces it instead.
 */
static int write_through(const char *path, const struct stat *st,
			 const struct content *c)
{
	struct stat now;
	int fd, err;

	/* Writing a header over a disk is never what was meant. */
	if (S_ISBLK(st->st_mode))
		return -ENOTSUP;
	if (S_ISSOCK(st->st_mode))
		fd = connect_socket(path);
	else
		fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return S_ISSOCK(st->st_mode) ? fd : -errno;
	if (fstat(fd, &now)) {
		err = -errno;
	} else if (S_ISREG(now.st_mode)) {
		err = 1;
	} else {
		err = write_all(fd, c);
	}
	if (close(fd) && !err && errno != EINTR)
		err = -errno;
	return err;
}

static void termination_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGPIPE);
}

/*
 * Did a termination signal come while they were blocked, one the caller
 * neither blocks nor ignores? It would have ended the run: the write is
 * cancelled, as it would have been had it come a moment earlier.
 */
static bool interrupted(const sigset_t *blocked, const sigset_t *old)
{
	struct sigaction sa;
	sigset_t pending;
	int sig;

	if (sigpending(&pending))
		return false;
	for (sig = 1; sig < NSIG; sig++) {
		if (sigismember(blocked, sig) != 1 ||
		    sigismember(&pending, sig) != 1 ||
		    sigismember(old, sig) == 1)
			continue;
		if (sigaction(sig, NULL, &sa) || sa.sa_handler != SIG_IGN)
			return true;
	}
	return false;
}

/* The old file's mode, and its owner where we may give it. */
static int keep_mode(int fd, const struct stat *old)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if ((st.st_uid != old->st_uid || st.st_gid != old->st_gid) &&
	    fchown(fd, old->st_uid, old->st_gid) && errno != EPERM)
		return -errno;
	/* After fchown(), which may clear set-id bits. */
	return fchmod(fd, old->st_mode & 07777) ? -errno : 0;
}

/*
 * Write @c to a temporary file beside @path and rename it over @path, with
 * the termination signals held off; @old: the file replaced, or NULL.
 */
static int replace_file(const char *path, const struct stat *old,
			const struct content *c)
{
	sigset_t block, saved;
	char *tmp = NULL;
	int fd, err;

	termination_signals(&block);
	err = -pthread_sigmask(SIG_BLOCK, &block, &saved);
	if (err)
		return err;
	fd = create_temp(path, &tmp);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	err = old ? keep_mode(fd, old) : 0;
	err = err ?: write_all(fd, c);
	if (close(fd) && !err && errno != EINTR)
		err = -errno;
	if (!err && interrupted(&block, &saved))
		err = -EINTR;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
out:
	/* A signal held off is delivered now, with nothing left behind. */
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return err;
}

/* Fail before any work when @path's directory is not there. */
static int check_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *dir;
	int err = 0;

	if (!slash)
		return 0;
	dir = strndup(path, slash + 1 - path);
	if (!dir)
		return -ENOMEM;
	if (stat(dir, &st))
		err = -errno;
	else if (!S_ISDIR(st.st_mode))
		err = -ENOTDIR;
	free(dir);
	return err;
}

int tg_write_file_atomic(const char *path, tg_write_fn fn, void *ctx)
{
	struct content c = {};
	char *target = NULL;
	struct stat st;
	int err, std_fd;
	bool exists;

	if (!path || !*path || !fn)
		return -EINVAL;
	err = resolve_target(path, &target, &std_fd);
	if (err)
		return err;
	if (std_fd < 0 && (names_directory(path) || names_directory(target))) {
		err = -EISDIR;
		goto out;
	}
	exists = std_fd < 0 && !stat(target, &st);
	if (std_fd < 0 && !exists) {
		err = check_parent(target);
		if (err)
			goto out;
	}
	err = build_content(fn, ctx, &c);
	if (err)
		goto out;

	if (std_fd >= 0) {
		err = write_all(std_fd, &c);
		goto out;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		err = write_through(target, &st, &c);
		if (err <= 0)
			goto out;
		exists = !stat(target, &st);
	}
	err = replace_file(target, exists ? &st : NULL, &c);
out:
	free_content(&c);
	free(target);
	return err;
}
