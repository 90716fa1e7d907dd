// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Replacing a file atomically: write a temporary file beside it, make sure
 * the data is on disk, then rename it over the target. Readers see the old
 * file or the new one, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

#define TMP_SUFFIX_LEN 6
/* ".NAME." + suffix must still be a valid file name. */
#define TMP_BASE_MAX (NAME_MAX - 2 - TMP_SUFFIX_LEN)
/* Names are random: many clashes in a row mean something else is wrong. */
#define TMP_TRIES 64

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

/*
 * Flush and close @out (closed whatever happens). No fsync: the file is
 * replaced atomically for anyone reading it, and a run that fails leaves
 * the old one, but like a compiler's output it is not made crash-durable;
 * a generated header is cheaper to regenerate than to sync on every build.
 */
static int finish_file(FILE *out)
{
	int err = 0;

	if (fflush(out) == EOF)
		err = errno ? -errno : -EIO;
	else if (ferror(out))
		/* An earlier write failed; its errno is long gone. */
		err = -EIO;
	if (fclose(out) == EOF && !err)
		err = -errno;
	return err;
}

static bool names_directory(const char *path)
{
	size_t len = strlen(path);
	struct stat st;

	/*
	 * A symlink at @path is replaced like a file, so lstat(); "dir/" has
	 * no file name to create.
	 */
	return path[len - 1] == '/' ||
	       (lstat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

int tg_write_file_atomic(const char *path, tg_write_fn fn, void *ctx)
{
	char *tmp = NULL;
	FILE *out;
	int fd, err;

	if (!path || !*path || !fn)
		return -EINVAL;
	if (names_directory(path))
		return -EISDIR;

	fd = create_temp(path, &tmp);
	if (fd < 0)
		return fd;
	out = fdopen(fd, "w");
	if (!out) {
		err = -errno;
		close(fd);
		goto remove_tmp;
	}

	err = fn(out, ctx);
	if (err < 0) {
		fclose(out);
		goto remove_tmp;
	}
	err = finish_file(out);
	if (err)
		goto remove_tmp;
	if (rename(tmp, path)) {
		err = -errno;
		goto remove_tmp;
	}
	free(tmp);
	return 0;

remove_tmp:
	unlink(tmp);
	free(tmp);
	return err;
}
