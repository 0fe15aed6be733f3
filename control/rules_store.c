/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule store on disk: atomic file writes, the versions.log of
 * committed versions, and the sweep of what a crash left (rules_store.h).
 * Rule files are small and commits rare: every write is fsync'd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/rules_store.h"

#define RULES_STORE_PATH_MAX 1024
#define RULES_STORE_LOG	     "versions.log"

/* fsync the folder holding path, so a rename or unlink in it is durable. */
static int rules_store_sync_dir_of(const char *path)
{
	char dir[RULES_STORE_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) == 0 ? 0 : -errno;
	close(fd);
	return rc;
}

static int rules_store_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* DIR/.BASE.tmp for DIR/BASE. */
static int rules_store_temp_name(const char *path, char *out, size_t out_len)
{
	const char *slash = strrchr(path, '/');
	int dir_len = slash ? (int)(slash - path + 1) : 0;
	const char *base = slash ? slash + 1 : path;
	int n = snprintf(out, out_len, "%.*s.%s.tmp", dir_len, path, base);
	return n < 0 || (size_t)n >= out_len ? -ENAMETOOLONG : 0;
}

int rules_store_write(const char *path, const void *data, size_t len)
{
	char temp[RULES_STORE_PATH_MAX];
	int rc = rules_store_temp_name(path, temp, sizeof(temp));
	if (rc < 0)
		return rc;
	int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = rules_store_write_all(fd, data, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(temp, path) != 0)
		rc = -errno;
	if (rc < 0) {
		unlink(temp);
		return rc;
	}
	return rules_store_sync_dir_of(path);
}

/* The whole of path, malloc'd and NUL-terminated (len without the NUL); an absent file is empty. */
static int rules_store_read(const char *path, char **text, size_t *len)
{
	*text = NULL;
	*len = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n - 1, f);
		if (n < cap - 1)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!buf)
		return -ENOMEM;
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int rules_store_log_append(const char *store_dir, const char *line)
{
	char path[RULES_STORE_PATH_MAX];
	snprintf(path, sizeof(path), "%s/" RULES_STORE_LOG, store_dir);
	char *old;
	size_t old_len;
	int rc = rules_store_read(path, &old, &old_len);
	if (rc < 0)
		return rc;
	/* A log cut by hand (no newline at its end) still gets the new line on a line of its own. */
	bool cut = old_len && old[old_len - 1] != '\n';
	size_t line_len = strlen(line);
	char *text = malloc(old_len + cut + line_len + 1);
	if (!text) {
		free(old);
		return -ENOMEM;
	}
	if (old_len)
		memcpy(text, old, old_len);
	if (cut)
		text[old_len] = '\n';
	memcpy(text + old_len + cut, line, line_len);
	rc = rules_store_write(path, text, old_len + cut + line_len);
	free(old);
	free(text);
	return rc;
}

/* Call each(number, arg) for every version line of store_dir/versions.log. */
static void rules_store_each_number(const char *store_dir, void (*each)(unsigned, void *),
				    void *arg)
{
	char path[RULES_STORE_PATH_MAX];
	snprintf(path, sizeof(path), "%s/" RULES_STORE_LOG, store_dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[8192];
	unsigned n;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "{\"version\":%u", &n) == 1)
			each(n, arg);
		/* the rest of a line longer than the buffer is not a line of its own */
		while (!strchr(line, '\n') && fgets(line, sizeof(line), f))
			;
	}
	fclose(f);
}

static void rules_store_max(unsigned n, void *arg)
{
	unsigned *last = arg;
	if (n > *last)
		*last = n;
}

unsigned rules_store_last_number(const char *store_dir)
{
	unsigned last = 0;
	rules_store_each_number(store_dir, rules_store_max, &last);
	return last;
}

struct rules_store_find {
	unsigned number;
	bool found;
};

static void rules_store_match(unsigned n, void *arg)
{
	struct rules_store_find *f = arg;
	f->found |= n == f->number;
}

bool rules_store_committed(const char *store_dir, unsigned number)
{
	struct rules_store_find f = {number, false};
	rules_store_each_number(store_dir, rules_store_match, &f);
	return f.found;
}

/* Remove folder dir and the plain files in it (a version folder holds nothing else). */
static void rules_store_remove_folder(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[RULES_STORE_PATH_MAX];
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) <
			    sizeof(path))
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Whether name is "vN" (N decimal, no sign or leading zero) and its N. */
static bool rules_store_version_name(const char *name, unsigned *number)
{
	if (name[0] != 'v' || name[1] < '1' || name[1] > '9')
		return false;
	char *end;
	unsigned long n = strtoul(name + 1, &end, 10);
	if (*end || n > 0xffffffffu)
		return false;
	*number = (unsigned)n;
	return true;
}

unsigned rules_store_sweep(const char *store_dir)
{
	DIR *d = opendir(store_dir);
	if (!d)
		return 0;
	unsigned removed = 0;
	struct dirent *e;
	char path[RULES_STORE_PATH_MAX];
	while ((e = readdir(d)) != NULL) {
		unsigned number;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", store_dir, e->d_name) >=
		    sizeof(path))
			continue;
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' && len > 5 && strcmp(e->d_name + len - 4, ".tmp") == 0) {
			unlink(path); /* a write that never reached its rename */
			continue;
		}
		if (!rules_store_version_name(e->d_name, &number) ||
		    rules_store_committed(store_dir, number))
			continue;
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		fprintf(stderr,
			"vigil: warning: rules: %s is not a committed version (not in "
			"versions.log: staged, or vigil stopped during its commit); removed\n",
			path);
		rules_store_remove_folder(path);
		removed++;
	}
	closedir(d);
	if (removed) {
		snprintf(path, sizeof(path), "%s/" RULES_STORE_LOG, store_dir);
		rules_store_sync_dir_of(path); /* the removals survive a crash too */
	}
	return removed;
}
