/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_PROCFS_H
#define _PROCESSOR_PROCFS_H

/*
 * The pseudo files of /proc and /sys (procfs.c), made as text when they
 * are opened.  Paths are absolute; "." and ".." and repeated slashes are
 * taken care of here, and /proc/self is followed when it is not the last
 * component.  Documentation/processor.md, "Pseudo files".
 */
#include <tessera/types.h>

enum procfs_type {
	PROCFS_FILE,
	PROCFS_DIR,
	PROCFS_LINK,
};

struct procfs_node {
	enum procfs_type type;
	u32 mode;		/* S_IF* and permissions, for stat() */
	u64 ino;
	u32 nlink;
	u64 mtime;		/* seconds since the epoch */
};

/* Does path name something under /proc or /sys (which only procfs serves)? */
bool procfs_owns(const char *path);

/*
 * The node at path, not following a last-component link (lstat).
 * 0, -ENOENT, -ENOTDIR, -ENOMEM.
 */
int procfs_lookup(const char *path, struct procfs_node *node);

/*
 * A file's text, made now: *buf is kmalloc()ed (the caller kfree()s it),
 * *len its length.  -EISDIR for a directory; a link is followed.
 */
int procfs_read_file(const char *path, char **buf, size_t *len);

/*
 * A link's target into buf (size bytes, no NUL added, truncated like
 * readlink()): the length, or -EINVAL if path is not a link.
 */
int procfs_readlink(const char *path, char *buf, size_t size);

/* An entry of a directory listing: d_type is a DT_* value. */
typedef int (*procfs_filldir_t)(void *ctx, const char *name, u64 ino,
				unsigned int d_type);

/*
 * Call filldir for each entry of the directory at path, "." and ".."
 * first; a non-zero return from filldir stops the walk and is returned.
 * -ENOTDIR when path is not a directory.
 */
int procfs_readdir(const char *path, procfs_filldir_t filldir, void *ctx);

#endif /* _PROCESSOR_PROCFS_H */
