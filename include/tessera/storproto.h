/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file protocol: FIT opcodes and payloads of file operations.  A
 * processor sends them to its memory node; the memory node serves READ
 * and WRITE from its file page cache (filling it from, and writing it
 * back to, the storage node with the same READ and WRITE), adjusts what
 * its cache knows better than the disk (sizes of files with dirty
 * pages), and forwards everything else to the storage node unchanged.
 * Described in Documentation/storage-protocol.md.
 *
 * Fixed-width little-endian fields, packed, no pointers: the same on
 * every node and in host tools.  Errors travel as FIT error replies (a
 * negative errno); a reply payload below is what success carries.  Every
 * request is validated by its receiver: lengths against the message
 * size, paths for NULs and length, handles for their generation.
 *
 * Files are named by handle: (inode number, generation), returned by
 * LOOKUP or CREATE after one path walk.  A handle stays valid across a
 * restart of the storage node; one whose inode was freed or reused gets
 * -ESTALE.  Paths are absolute and normalised by the processor (no ".",
 * "..", or "//"); the storage node follows symlinks inside them.
 */
#ifndef _TESSERA_STORPROTO_H
#define _TESSERA_STORPROTO_H

#include <tessera/wire_types.h>

#define STORPROTO_VERSION	1

/* Opcodes 0x2000-0x20ff (see memproto.h for the other ranges). */
enum storproto_op {
	SPOP_LOOKUP = 0x2001,	/* path -> handle and attributes */
	SPOP_CREATE,		/* a new file, directory, symlink or node */
	SPOP_LINK,		/* a new name for an existing inode */
	SPOP_UNLINK,		/* unlink or rmdir */
	SPOP_RENAME,
	SPOP_GETATTR,
	SPOP_SETATTR,		/* chmod, chown, utimens, truncate */
	SPOP_READ,
	SPOP_WRITE,
	SPOP_READDIR,
	SPOP_READLINK,
	SPOP_FSYNC,		/* one file, or the whole file system */
	SPOP_STATFS,
	SPOP_LAST,
};

/* Longest path, and longest name in a directory (ext2's). */
#define SP_PATH_MAX		4096
#define SP_NAME_MAX		255
/* Largest READ reply and WRITE payload. */
#define SP_IO_MAX		(32 * 1024)

struct sp_handle {
	u32 ino;		/* never 0 */
	u32 gen;		/* the inode's generation */
} __packed;

/* Linux's struct statx fields that matter, fixed-width. */
struct sp_attr {
	u32 ino;
	u32 gen;
	u32 mode;		/* S_IF* | permission bits */
	u32 nlink;
	u32 uid;
	u32 gid;
	u32 rdev;		/* device nodes: Linux's encoding */
	u32 blksize;		/* the file system's block size */
	u64 size;
	u64 blocks;		/* 512-byte units, as st_blocks */
	s64 atime_sec;
	s64 mtime_sec;
	s64 ctime_sec;
	u32 atime_nsec;
	u32 mtime_nsec;
	u32 ctime_nsec;
	u32 reserved;
} __packed;

/*
 * LOOKUP request: the header, then path_len bytes of path (no NUL).
 * With SP_NOFOLLOW a final symlink is not followed (lstat, O_NOFOLLOW).
 * Reply: struct sp_handle_reply.
 */
#define SP_NOFOLLOW		0x1
struct sp_path_req {
	u32 flags;
	u32 path_len;
} __packed;

struct sp_handle_reply {
	struct sp_handle h;
	struct sp_attr attr;
} __packed;

/*
 * CREATE request: the header, the path, then for a symlink target_len
 * bytes of its target.  mode's S_IFMT picks the kind: S_IFREG, S_IFDIR,
 * S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK (rdev for devices).  The
 * processor has applied the umask.  Without SP_EXCL an existing regular
 * file (after following a final symlink) is returned as it is (open
 * with O_CREAT); with it, -EEXIST.  Reply: struct sp_handle_reply.
 */
#define SP_EXCL			0x1
struct sp_create_req {
	u32 flags;
	u32 mode;
	u32 uid;
	u32 gid;
	u32 rdev;
	u32 path_len;
	u32 target_len;
	u32 reserved;
} __packed;

/*
 * LINK request: the header, old path, new path.  SP_FOLLOW follows a
 * final symlink of the old path (linkat AT_SYMLINK_FOLLOW).  RENAME has
 * the same layout (flags 0): the new name replaces an existing one as
 * rename(2) does.  Both replies are empty.
 */
#define SP_FOLLOW		0x1
struct sp_2path_req {
	u32 flags;
	u32 old_len;
	u32 new_len;
	u32 reserved;
} __packed;

/*
 * UNLINK request: a struct sp_path_req; SP_RMDIR in flags removes an
 * empty directory instead (-ENOTEMPTY, -ENOTDIR), without it a
 * directory gets -EISDIR.  The reply is empty.
 */
#define SP_RMDIR		0x2

/* GETATTR, READLINK (by handle), FSYNC: this request. */
#define SP_DATASYNC		0x1	/* FSYNC: fdatasync */
#define SP_SHUTDOWN		0x2	/* FSYNC of all: the cluster powers off */
struct sp_handle_req {
	struct sp_handle h;	/* FSYNC: ino 0 syncs the whole file system */
	u32 flags;
	u32 reserved;
} __packed;

/*
 * SETATTR request; the reply is the new struct sp_attr.  SP_ATTR_SIZE
 * truncates or extends (holes read as zeros).  *_NOW takes the
 * receiver's clock; ctime is always set to now.
 */
#define SP_ATTR_MODE		0x01	/* permission bits only */
#define SP_ATTR_UID		0x02
#define SP_ATTR_GID		0x04
#define SP_ATTR_SIZE		0x08
#define SP_ATTR_ATIME		0x10
#define SP_ATTR_MTIME		0x20
#define SP_ATTR_ATIME_NOW	0x40
#define SP_ATTR_MTIME_NOW	0x80
struct sp_setattr_req {
	struct sp_handle h;
	u32 valid;		/* SP_ATTR_* */
	u32 mode;
	u32 uid;
	u32 gid;
	u64 size;
	s64 atime_sec;
	s64 mtime_sec;
	u32 atime_nsec;
	u32 mtime_nsec;
} __packed;

/* READ request; the reply is the bytes read, short or empty at EOF. */
struct sp_io_req {
	struct sp_handle h;
	u64 offset;
	u32 len;		/* at most SP_IO_MAX */
	u32 flags;		/* WRITE: SP_APPEND */
} __packed;

/*
 * WRITE request: a struct sp_io_req, then len bytes.  SP_APPEND writes
 * at the end of the file, whatever offset says.  Reply: struct
 * sp_write_reply.
 */
#define SP_APPEND		0x1
struct sp_write_reply {
	u64 offset;		/* where the bytes went */
	u64 size;		/* the file's size after the write */
	u32 written;
	u32 reserved;
} __packed;

/*
 * READDIR request: the entries of the directory handle from cursor on
 * (0 is the start).  The reply is as many struct sp_dirent records as
 * fit, each followed by its name_len name bytes (no NUL, no padding);
 * empty at the end.  -ENOTDIR for anything but a directory.
 */
struct sp_readdir_req {
	struct sp_handle h;
	u64 cursor;
} __packed;

struct sp_dirent {
	u64 ino;
	u64 next;		/* the cursor of the entry after this one */
	u16 name_len;
	u8 type;		/* DT_*: the mode's S_IFMT bits >> 12 */
	u8 reserved;
} __packed;

/*
 * READLINK request: a struct sp_path_req (flags 0): the final component
 * is not followed.  The reply is the target's bytes (no NUL); -EINVAL
 * for anything but a symlink.
 */

/* STATFS: no request payload; the reply. */
struct sp_statfs {
	u64 blocks;		/* in bsize units */
	u64 bfree;
	u64 bavail;		/* free to unprivileged users */
	u64 files;
	u64 ffree;
	u64 fsid;
	u32 bsize;
	u32 namelen;
	u32 flags;		/* ST_RDONLY when mounted read-only */
	u32 reserved;
} __packed;

#endif /* _TESSERA_STORPROTO_H */
