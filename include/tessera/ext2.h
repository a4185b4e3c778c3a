/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ext2, read-write (fs/ext2/): the interface the storage manager serves
 * files through.  The same code builds into the kernel and into host
 * tests (tests/host/), which give it a file as the disk.  Described in
 * Documentation/ext2.md.
 *
 * Every function takes the file system's lock itself, so callers may
 * run concurrently.  Inodes are named by number; attributes come in the
 * wire form of the file protocol (struct sp_attr).  A corrupt structure
 * on disk (a block number out of range, a bad directory entry length, a
 * symlink loop deeper than 40, a bad superblock) is logged and answered
 * with -EUCLEAN, never trusted.  0 or a negative errno unless said
 * otherwise.
 */
#ifndef _TESSERA_EXT2_H
#define _TESSERA_EXT2_H

#include <tessera/storproto.h>

#ifndef __KERNEL__
#include <stddef.h>
#include <stdbool.h>
#endif

#ifndef EUCLEAN
#define EUCLEAN		117	/* Linux's EFSCORRUPTED */
#endif

#define EXT2_ROOT_INO	2

/* The disk, as the caller gives it: byte offsets, any length. */
struct ext2_blkdev {
	int (*read)(void *dev, u64 off, void *buf, size_t len);
	int (*write)(void *dev, u64 off, const void *buf, size_t len);
	int (*flush)(void *dev);
	void *dev;
	u64 size;		/* bytes */
};

#define EXT2_MOUNT_RDONLY	0x1

struct ext2_fs;

/*
 * Mount: checks the superblock (magic, revision, block size, counts
 * against the disk's size, the incompat features it knows: filetype
 * only) and the group descriptors.  Mounting read-write clears the
 * superblock's clean state on disk at the first change; ext2_sync()
 * sets it again once everything is written.
 */
int ext2_mount(const struct ext2_blkdev *bdev, unsigned int flags,
	       struct ext2_fs **fsp);
/* Write every dirty cached block, the counts, the clean state; flush. */
int ext2_sync(struct ext2_fs *fs);
/* ext2_sync() (read-write), then free everything. */
int ext2_umount(struct ext2_fs *fs);

/* -ESTALE when ino is out of range, unused, or of another generation. */
int ext2_getattr(struct ext2_fs *fs, u32 ino, u32 gen, struct sp_attr *attr);
/*
 * The same by number alone, for an inode just found by a walk or lookup
 * (its generation comes back in attr->gen for the handle).
 */
int ext2_stat(struct ext2_fs *fs, u32 ino, struct sp_attr *attr);

/* One name in directory dir ("." and ".." too). */
int ext2_lookup(struct ext2_fs *fs, u32 dir, const char *name, size_t len,
		u32 *ino);
/*
 * An absolute path ("/" is the root), following symlinks in it (at most
 * 40), the final one too unless nofollow.  -ENOENT, -ENOTDIR, -ELOOP,
 * -ENAMETOOLONG as Linux.
 */
int ext2_walk(struct ext2_fs *fs, const char *path, size_t len,
	      bool nofollow, u32 *ino);
/*
 * The directory that holds path's last component and that component
 * (*name points into path).  *name_len is 0 for "/".
 */
int ext2_walk_parent(struct ext2_fs *fs, const char *path, size_t len,
		     u32 *dir, const char **name, size_t *name_len);

/*
 * A new inode named name in dir: mode's S_IFMT gives the kind (a symlink
 * gets target; devices rdev).  -EEXIST when the name exists, -ENOSPC,
 * -EMLINK, -ENAMETOOLONG.  Times are now.
 */
int ext2_create(struct ext2_fs *fs, u32 dir, const char *name, size_t len,
		u32 mode, u32 uid, u32 gid, u32 rdev, const char *target,
		size_t target_len, u32 *ino);
int ext2_link(struct ext2_fs *fs, u32 ino, u32 dir, const char *name,
	      size_t len);
/* rmdir: an empty directory only; otherwise anything but a directory. */
int ext2_unlink(struct ext2_fs *fs, u32 dir, const char *name, size_t len,
		bool rmdir);
/* rename(2): replaces an existing target (a file by a file, an empty
 * directory by a directory); -EINVAL to move a directory under itself. */
int ext2_rename(struct ext2_fs *fs, u32 odir, const char *oname,
		size_t olen, u32 ndir, const char *nname, size_t nlen);

/* Bytes read (0 at or past the end); holes read as zeros. */
long ext2_read(struct ext2_fs *fs, u32 ino, u64 off, void *buf, size_t len);
/* Bytes written, extending the file; -ENOSPC with nothing half-done. */
long ext2_write(struct ext2_fs *fs, u32 ino, u64 off, const void *buf,
		size_t len);
/* SP_ATTR_* in valid; attr's matching fields; size truncates/extends. */
int ext2_setattr(struct ext2_fs *fs, u32 ino, u32 valid,
		 const struct sp_attr *attr);
/* The target's length; -EINVAL for anything but a symlink. */
long ext2_readlink(struct ext2_fs *fs, u32 ino, char *buf, size_t size);

/*
 * Entries of dir from cursor on, "." and ".." included; emit returns
 * false to stop (the entry was not taken).  next is the cursor after
 * the entry (a byte offset in the directory).
 */
typedef bool (*ext2_emit_t)(void *arg, const char *name, size_t len,
			    u32 ino, u8 type, u64 next);
int ext2_readdir(struct ext2_fs *fs, u32 dir, u64 cursor, ext2_emit_t emit,
		 void *arg);

int ext2_statfs(struct ext2_fs *fs, struct sp_statfs *st);

/* Environment hooks the kernel and the host tests each provide. */
void ext2_time_now(s64 *sec, u32 *nsec);

#endif /* _TESSERA_EXT2_H */
