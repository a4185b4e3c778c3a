// SPDX-License-Identifier: GPL-2.0
/*
 * ext2 directories (linear, with file types) and the name space calls:
 * lookup, path walk, create, link, unlink, rename, readdir.  Described
 * in Documentation/ext2.md.
 */
#include "ext2_int.h"

static const u8 ft_to_dt[EXT2_FT_MAX] = { 0, 8, 4, 2, 6, 1, 12, 10 };

static u8 mode_to_ft(u32 mode)
{
	switch (mode & S_IFMT_) {
	case S_IFREG_:	return EXT2_FT_REG_FILE;
	case S_IFDIR_:	return EXT2_FT_DIR;
	case S_IFCHR_:	return EXT2_FT_CHRDEV;
	case S_IFBLK_:	return EXT2_FT_BLKDEV;
	case S_IFIFO_:	return EXT2_FT_FIFO;
	case S_IFSOCK_:	return EXT2_FT_SOCK;
	case S_IFLNK_:	return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static bool has_filetype(struct ext2_fs *fs)
{
	return fs->sb.s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
}

/*
 * Called for each entry (free ones too) with the entry before it in the
 * same block (or NULL) and its byte position in the directory: 0 goes
 * on, 1 stops, a negative errno stops with that error.
 */
typedef int (*dir_actor)(struct ext2_fs *fs, struct ext2_buf *b,
			 struct ext2_dirent *de, struct ext2_dirent *prev,
			 u64 pos, void *arg);

static int dir_iterate(struct ext2_fs *fs, struct ext2_ino *dir, u64 start,
		       dir_actor actor, void *arg)
{
	u64 size = ext2_isize(dir), lblk;
	int ret = 0;

	if (size & (fs->bsize - 1))
		return ext2_corrupt(fs, "directory %u of size %llu", dir->ino,
				    (unsigned long long)size);
	for (lblk = start >> fs->bits; lblk < size >> fs->bits; lblk++) {
		struct ext2_dirent *de, *prev = NULL;
		struct ext2_buf *b;
		u32 pblk, off = 0;

		ret = ext2_bmap(fs, dir, lblk, false, &pblk, NULL);
		if (ret)
			return ret;
		if (!pblk)
			return ext2_corrupt(fs, "directory %u has a hole",
					    dir->ino);
		ret = ext2_bread(fs, pblk, &b);
		if (ret)
			return ret;
		while (off < fs->bsize) {
			de = (struct ext2_dirent *)(b->data + off);
			if (off + 8 > fs->bsize || de->rec_len < 12 ||
			    (de->rec_len & 3) || off + de->rec_len > fs->bsize ||
			    de->rec_len < EXT2_DIR_REC_LEN(de->name_len) ||
			    de->inode > fs->inodes_count) {
				ext2_brelse(fs, b);
				return ext2_corrupt(fs, "directory %u block %llu: bad entry at %u",
						    dir->ino,
						    (unsigned long long)lblk,
						    off);
			}
			ret = actor(fs, b, de, prev,
				    (lblk << fs->bits) + off, arg);
			if (ret)
				break;
			prev = de;
			off += de->rec_len;
		}
		ext2_brelse(fs, b);
		if (ret)
			return ret < 0 ? ret : 1;
	}
	return 0;
}

enum name_op { NAME_FIND, NAME_SET, NAME_REMOVE };

struct name_arg {
	enum name_op op;
	const char *name;
	size_t len;
	u32 ino;		/* FIND: found; SET: the new target */
	u8 ft;			/* SET: the new target's type */
};

static int name_actor(struct ext2_fs *fs, struct ext2_buf *b,
		      struct ext2_dirent *de, struct ext2_dirent *prev,
		      u64 pos, void *arg)
{
	struct name_arg *na = arg;

	if (!de->inode || de->name_len != na->len ||
	    memcmp(de->name, na->name, na->len))
		return 0;
	switch (na->op) {
	case NAME_FIND:
		na->ino = de->inode;
		return 1;
	case NAME_SET:
		de->inode = na->ino;
		de->file_type = has_filetype(fs) ? na->ft : 0;
		break;
	case NAME_REMOVE:
		if (prev)
			prev->rec_len += de->rec_len;
		de->inode = 0;
		break;
	}
	return ext2_bdirty(fs, b) ?: 1;
}

/* Find, repoint or remove the entry name: -ENOENT if there is none. */
static int dir_name_op(struct ext2_fs *fs, struct ext2_ino *dir,
		       struct name_arg *na)
{
	int ret = dir_iterate(fs, dir, 0, name_actor, na);

	if (ret < 0)
		return ret;
	return ret ? 0 : -ENOENT;
}

static int dir_find(struct ext2_fs *fs, struct ext2_ino *dir, const char *name,
		    size_t len, u32 *ino)
{
	struct name_arg na = { NAME_FIND, name, len, 0, 0 };
	int ret = dir_name_op(fs, dir, &na);

	if (!ret)
		*ino = na.ino;
	return ret;
}

/* Point the existing entry name at ino. */
static int dir_set(struct ext2_fs *fs, struct ext2_ino *dir, const char *name,
		   size_t len, u32 ino, u32 mode)
{
	struct name_arg na = { NAME_SET, name, len, ino, mode_to_ft(mode) };
	int ret = dir_name_op(fs, dir, &na);

	return ret == -ENOENT ? ext2_corrupt(fs, "directory %u lost an entry",
					     dir->ino) : ret;
}

static int dir_remove(struct ext2_fs *fs, struct ext2_ino *dir,
		      const char *name, size_t len)
{
	struct name_arg na = { NAME_REMOVE, name, len, 0, 0 };

	return dir_name_op(fs, dir, &na);
}

static void fill_entry(struct ext2_fs *fs, struct ext2_dirent *de, u32 ino,
		       const char *name, size_t len, u32 mode)
{
	de->inode = ino;
	de->name_len = len;
	de->file_type = has_filetype(fs) ? mode_to_ft(mode) : 0;
	memcpy(de->name, name, len);
}

struct add_arg {
	const char *name;
	size_t len;
	u32 ino;
	u32 mode;
};

static int add_actor(struct ext2_fs *fs, struct ext2_buf *b,
		     struct ext2_dirent *de, struct ext2_dirent *prev,
		     u64 pos, void *arg)
{
	struct add_arg *aa = arg;
	u32 need = EXT2_DIR_REC_LEN(aa->len), used;

	if (!de->inode) {
		if (de->rec_len < need)
			return 0;
		fill_entry(fs, de, aa->ino, aa->name, aa->len, aa->mode);
		return ext2_bdirty(fs, b) ?: 1;
	}
	used = EXT2_DIR_REC_LEN(de->name_len);
	if (de->rec_len - used < need)
		return 0;
	{
		struct ext2_dirent *n = (struct ext2_dirent *)((u8 *)de + used);

		n->rec_len = de->rec_len - used;
		de->rec_len = used;
		fill_entry(fs, n, aa->ino, aa->name, aa->len, aa->mode);
	}
	return ext2_bdirty(fs, b) ?: 1;
}

/* Add name -> ino to dir (the caller checked it is not there yet). */
static int dir_add(struct ext2_fs *fs, struct ext2_ino *dir, const char *name,
		   size_t len, u32 ino, u32 mode)
{
	struct add_arg aa = { name, len, ino, mode };
	struct ext2_dirent *de;
	struct ext2_buf *b;
	u64 size = ext2_isize(dir);
	u32 pblk;
	int ret;

	ret = dir_iterate(fs, dir, 0, add_actor, &aa);
	if (ret < 0)
		return ret;
	if (!ret) {
		/* No room: a new block at the end. */
		if (size + fs->bsize > 0xffffffffull)
			return -ENOSPC;
		ret = ext2_bmap(fs, dir, size >> fs->bits, true, &pblk, NULL);
		if (ret)
			return ret;
		ret = ext2_bget_new(fs, pblk, &b);
		if (ret)
			return ret;
		de = (struct ext2_dirent *)b->data;
		de->rec_len = fs->bsize;
		fill_entry(fs, de, ino, name, len, mode);
		ext2_brelse(fs, b);
		ext2_set_isize(fs, dir, size + fs->bsize);
	}
	/* Linear updates would leave an htree index stale: drop the flag. */
	dir->raw.i_flags &= ~EXT2_INDEX_FL;
	ext2_touch(dir, false, true, true);
	return 0;
}

static int empty_actor(struct ext2_fs *fs, struct ext2_buf *b,
		       struct ext2_dirent *de, struct ext2_dirent *prev,
		       u64 pos, void *arg)
{
	if (!de->inode)
		return 0;
	if (de->name_len == 1 && de->name[0] == '.')
		return 0;
	if (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.')
		return 0;
	return 1;
}

/* 1 when dir holds nothing but "." and "..", 0 if more, or an error. */
static int dir_empty(struct ext2_fs *fs, struct ext2_ino *dir)
{
	int ret = dir_iterate(fs, dir, 0, empty_actor, NULL);

	return ret < 0 ? ret : !ret;
}

/* ---------------------------------------------------------------------
 * Names and paths.
 */

static int check_name(const char *name, size_t len)
{
	if (!len)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, 0, len))
		return -EINVAL;
	return 0;
}

static bool is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

/* A directory in use, for a lookup or a change in it. */
static int get_dir(struct ext2_fs *fs, u32 ino, struct ext2_ino *ei)
{
	int ret = ext2_iget(fs, ino, ei);

	if (ret)
		return ret;
	return IS_DIR(ei->raw.i_mode) ? 0 : -ENOTDIR;
}

static int lookup_locked(struct ext2_fs *fs, u32 dir, const char *name,
			 size_t len, u32 *ino)
{
	struct ext2_ino ei;
	int ret;

	if (!len)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	ret = get_dir(fs, dir, &ei);
	if (ret)
		return ret;
	return dir_find(fs, &ei, name, len, ino);
}

int ext2_lookup(struct ext2_fs *fs, u32 dir, const char *name, size_t len,
		u32 *ino)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = lookup_locked(fs, dir, name, len, ino);
	ext2_unlock(&fs->lock);
	return ret;
}

/*
 * A walk follows symlinks by recursion, at most EXT2_MAX_SYMLINKS deep:
 * what a level needs only until it recurses lives here, once, to keep
 * each level's stack frame small.
 */
struct walk_ctx {
	int links;
	struct ext2_ino ei;
};

static int walk_rel(struct ext2_fs *fs, u32 start, const char *path,
		    size_t len, bool follow_last, struct walk_ctx *wc, u32 *ino);

/* Follow the symlink in wc->ei, found in directory dir. */
static int follow_link(struct ext2_fs *fs, u32 dir, struct walk_ctx *wc,
		       u32 *ino)
{
	char *target;
	long n;
	int ret;

	if (++wc->links > EXT2_MAX_SYMLINKS)
		return -ELOOP;
	target = ext2_alloc(fs->bsize);
	if (!target)
		return -ENOMEM;
	n = ext2_readlink_ino(fs, &wc->ei, target, fs->bsize);
	if (n < 0)
		ret = n;
	else if (!n)
		ret = -ENOENT;
	else
		ret = walk_rel(fs, dir, target, n, true, wc, ino);
	ext2_free(target);
	return ret;
}

static int walk_rel(struct ext2_fs *fs, u32 start, const char *path,
		    size_t len, bool follow_last, struct walk_ctx *wc, u32 *ino)
{
	u32 cur = start, next;
	size_t i = 0, n;
	bool slash_end = len && path[len - 1] == '/';
	int ret;

	if (len && path[0] == '/')
		cur = EXT2_ROOT_INO;
	for (;;) {
		while (i < len && path[i] == '/')
			i++;
		if (i >= len)
			break;
		for (n = 0; i + n < len && path[i + n] != '/'; n++)
			;
		ret = get_dir(fs, cur, &wc->ei);
		if (ret)
			return ret;
		if (n > EXT2_NAME_LEN)
			return -ENAMETOOLONG;
		ret = dir_find(fs, &wc->ei, path + i, n, &next);
		if (ret)
			return ret;
		i += n;
		while (i < len && path[i] == '/')
			i++;
		ret = ext2_iget(fs, next, &wc->ei);
		if (ret)
			return ret == -ESTALE ?
			       ext2_corrupt(fs, "directory %u names free inode %u",
					    cur, next) : ret;
		if (IS_LNK(wc->ei.raw.i_mode) &&
		    (i < len || follow_last || slash_end)) {
			ret = follow_link(fs, cur, wc, &next);
			if (ret)
				return ret;
		}
		cur = next;
	}
	if (slash_end) {
		ret = get_dir(fs, cur, &wc->ei);
		if (ret)
			return ret;
	}
	*ino = cur;
	return 0;
}

int ext2_walk(struct ext2_fs *fs, const char *path, size_t len,
	      bool nofollow, u32 *ino)
{
	struct walk_ctx wc = { 0 };
	int ret;

	if (len > SP_PATH_MAX)
		return -ENAMETOOLONG;
	if (!len || path[0] != '/')
		return -ENOENT;
	ext2_lock(&fs->lock);
	ret = walk_rel(fs, EXT2_ROOT_INO, path, len, !nofollow, &wc, ino);
	ext2_unlock(&fs->lock);
	return ret;
}

int ext2_walk_parent(struct ext2_fs *fs, const char *path, size_t len,
		     u32 *dir, const char **name, size_t *name_len)
{
	struct walk_ctx wc = { 0 };
	size_t end = len, s;
	int ret;

	if (len > SP_PATH_MAX)
		return -ENAMETOOLONG;
	if (!len || path[0] != '/')
		return -ENOENT;
	while (end > 0 && path[end - 1] == '/')
		end--;
	for (s = end; s > 0 && path[s - 1] != '/'; s--)
		;
	*name = path + s;
	*name_len = end - s;
	if (*name_len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	ext2_lock(&fs->lock);
	ret = walk_rel(fs, EXT2_ROOT_INO, path, s, true, &wc, dir);
	if (!ret)
		ret = get_dir(fs, *dir, &wc.ei);
	ext2_unlock(&fs->lock);
	return ret;
}

/* ---------------------------------------------------------------------
 * Changes.
 */

static int make_dir_block(struct ext2_fs *fs, struct ext2_ino *ei, u32 parent)
{
	struct ext2_dirent *de;
	struct ext2_buf *b;
	u32 pblk;
	int ret;

	ret = ext2_bmap(fs, ei, 0, true, &pblk, NULL);
	if (ret)
		return ret;
	ret = ext2_bget_new(fs, pblk, &b);
	if (ret)
		return ret;
	de = (struct ext2_dirent *)b->data;
	fill_entry(fs, de, ei->ino, ".", 1, S_IFDIR_);
	de->rec_len = EXT2_DIR_REC_LEN(1);
	de = (struct ext2_dirent *)(b->data + EXT2_DIR_REC_LEN(1));
	fill_entry(fs, de, parent, "..", 2, S_IFDIR_);
	de->rec_len = fs->bsize - EXT2_DIR_REC_LEN(1);
	ext2_brelse(fs, b);
	ext2_set_isize(fs, ei, fs->bsize);
	return 0;
}

static int write_symlink(struct ext2_fs *fs, struct ext2_ino *ei,
			 const char *target, size_t tlen)
{
	struct ext2_buf *b;
	u32 pblk;
	int ret;

	if (tlen < EXT2_FAST_LINK_MAX) {
		memcpy(ei->raw.i_block, target, tlen);
	} else {
		ret = ext2_bmap(fs, ei, 0, true, &pblk, NULL);
		if (ret)
			return ret;
		ret = ext2_bget_new(fs, pblk, &b);
		if (ret)
			return ret;
		memcpy(b->data, target, tlen);
		ext2_brelse(fs, b);
	}
	ext2_set_isize(fs, ei, tlen);
	return 0;
}

static void set_rdev(struct ext2_ino *ei, u32 rdev)
{
	u32 major = (rdev & 0xfff00) >> 8;
	u32 minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);

	/* As Linux: the old encoding when it fits, else the new one. */
	if (major < 256 && minor < 256) {
		ei->raw.i_block[0] = major << 8 | minor;
		ei->raw.i_block[1] = 0;
	} else {
		ei->raw.i_block[0] = 0;
		ei->raw.i_block[1] = rdev;
	}
}

/* Directory dirno, where name is not taken yet (-EEXIST). */
static int get_free_name(struct ext2_fs *fs, u32 dirno, struct ext2_ino *dir,
			 const char *name, size_t len)
{
	u32 other;
	int ret = get_dir(fs, dirno, dir);

	if (ret)
		return ret;
	if (is_dot(name, len))
		return -EEXIST;
	ret = dir_find(fs, dir, name, len, &other);
	if (!ret)
		return -EEXIST;
	return ret == -ENOENT ? 0 : ret;
}

/* Undo a half-made inode: its blocks and its bit. */
static void discard_inode(struct ext2_fs *fs, struct ext2_ino *ei)
{
	ext2_drop_inode(fs, ei);
}

static int create_locked(struct ext2_fs *fs, u32 dirno, const char *name,
			 size_t len, u32 mode, u32 uid, u32 gid, u32 rdev,
			 const char *target, size_t tlen, u32 *ino)
{
	struct ext2_ino dir, ei;
	u32 kind = mode & S_IFMT_, newino;
	int ret;

	if (fs->rdonly)
		return -EROFS;
	ret = check_name(name, len);
	if (ret)
		return ret;
	if (kind != S_IFREG_ && kind != S_IFDIR_ && kind != S_IFLNK_ &&
	    kind != S_IFCHR_ && kind != S_IFBLK_ && kind != S_IFIFO_ &&
	    kind != S_IFSOCK_)
		return -EINVAL;
	if (kind == S_IFLNK_) {
		if (!tlen)
			return -ENOENT;
		if (tlen >= fs->bsize || tlen >= SP_PATH_MAX)
			return -ENAMETOOLONG;
	}
	ret = get_free_name(fs, dirno, &dir, name, len);
	if (ret)
		return ret;
	if (kind == S_IFDIR_ && dir.raw.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	ret = ext2_new_inode(fs, dirno, kind == S_IFDIR_, &newino);
	if (ret)
		return ret;
	ret = ext2_iget_new(fs, newino, &ei);
	if (ret) {
		ext2_free_inode_bit(fs, newino, kind == S_IFDIR_);
		return ret;
	}
	ext2_init_inode(fs, &ei, newino, kind | (mode & 07777), uid, gid);
	if (kind == S_IFDIR_) {
		ei.raw.i_links_count = 2;
		ret = make_dir_block(fs, &ei, dirno);
	} else if (kind == S_IFLNK_) {
		ret = write_symlink(fs, &ei, target, tlen);
	} else if (kind == S_IFCHR_ || kind == S_IFBLK_) {
		set_rdev(&ei, rdev);
	}
	if (!ret)
		ret = ext2_iput(fs, &ei);
	if (!ret)
		ret = dir_add(fs, &dir, name, len, newino, kind);
	if (ret) {
		discard_inode(fs, &ei);
		ext2_iput(fs, &dir);
		return ret;
	}
	if (kind == S_IFDIR_)
		dir.raw.i_links_count++;
	ret = ext2_iput(fs, &dir);
	if (!ret)
		*ino = newino;
	return ret;
}

int ext2_create(struct ext2_fs *fs, u32 dir, const char *name, size_t len,
		u32 mode, u32 uid, u32 gid, u32 rdev, const char *target,
		size_t target_len, u32 *ino)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = create_locked(fs, dir, name, len, mode, uid, gid, rdev, target,
			    target_len, ino);
	ext2_unlock(&fs->lock);
	return ret;
}

static int link_locked(struct ext2_fs *fs, u32 ino, u32 dirno,
		       const char *name, size_t len)
{
	struct ext2_ino dir, ei;
	int ret;

	if (fs->rdonly)
		return -EROFS;
	ret = check_name(name, len);
	if (ret)
		return ret;
	ret = ext2_iget(fs, ino, &ei);
	if (ret)
		return ret;
	if (IS_DIR(ei.raw.i_mode))
		return -EPERM;
	if (ei.raw.i_links_count >= EXT2_LINK_MAX)
		return -EMLINK;
	ret = get_free_name(fs, dirno, &dir, name, len);
	if (ret)
		return ret;
	ret = dir_add(fs, &dir, name, len, ino, ei.raw.i_mode);
	if (!ret)
		ret = ext2_iput(fs, &dir);
	if (ret)
		return ret;
	ei.raw.i_links_count++;
	ext2_touch(&ei, false, false, true);
	return ext2_iput(fs, &ei);
}

int ext2_link(struct ext2_fs *fs, u32 ino, u32 dir, const char *name,
	      size_t len)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = link_locked(fs, ino, dir, name, len);
	ext2_unlock(&fs->lock);
	return ret;
}

/* One link of ei fewer (a directory loses all), freeing it at none. */
static int drop_link(struct ext2_fs *fs, struct ext2_ino *ei)
{
	if (IS_DIR(ei->raw.i_mode) || ei->raw.i_links_count <= 1)
		return ext2_drop_inode(fs, ei);
	ei->raw.i_links_count--;
	ext2_touch(ei, false, false, true);
	return ext2_iput(fs, ei);
}

static int unlink_locked(struct ext2_fs *fs, u32 dirno, const char *name,
			 size_t len, bool rmdir)
{
	struct ext2_ino dir, ei;
	u32 ino;
	int ret;

	if (fs->rdonly)
		return -EROFS;
	if (!len)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	ret = get_dir(fs, dirno, &dir);
	if (ret)
		return ret;
	if (is_dot(name, len)) {
		if (!rmdir)
			return -EISDIR;
		return len == 1 ? -EINVAL : -ENOTEMPTY;
	}
	ret = dir_find(fs, &dir, name, len, &ino);
	if (ret)
		return ret;
	ret = ext2_iget(fs, ino, &ei);
	if (ret)
		return ret == -ESTALE ?
		       ext2_corrupt(fs, "directory %u names free inode %u",
				    dirno, ino) : ret;
	if (rmdir) {
		if (!IS_DIR(ei.raw.i_mode))
			return -ENOTDIR;
		ret = dir_empty(fs, &ei);
		if (ret < 0)
			return ret;
		if (!ret)
			return -ENOTEMPTY;
	} else if (IS_DIR(ei.raw.i_mode)) {
		return -EISDIR;
	}
	ret = dir_remove(fs, &dir, name, len);
	if (ret)
		return ret;
	ext2_touch(&dir, false, true, true);
	if (rmdir && dir.raw.i_links_count > 2)
		dir.raw.i_links_count--;
	ret = ext2_iput(fs, &dir);
	if (ret)
		return ret;
	return drop_link(fs, &ei);
}

int ext2_unlink(struct ext2_fs *fs, u32 dir, const char *name, size_t len,
		bool rmdir)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = unlink_locked(fs, dir, name, len, rmdir);
	ext2_unlock(&fs->lock);
	return ret;
}

/* Is dir (or one of its ancestors) the directory anc? */
static int is_under(struct ext2_fs *fs, u32 dir, u32 anc)
{
	struct ext2_ino ei;
	u32 steps;
	int ret;

	for (steps = 0; steps < fs->inodes_count; steps++) {
		if (dir == anc)
			return 1;
		if (dir == EXT2_ROOT_INO)
			return 0;
		ret = get_dir(fs, dir, &ei);
		if (ret)
			return ret;
		ret = dir_find(fs, &ei, "..", 2, &dir);
		if (ret)
			return ret == -ENOENT ?
			       ext2_corrupt(fs, "directory %u has no ..",
					    ei.ino) : ret;
	}
	return ext2_corrupt(fs, "directory loop above %u", dir);
}

static int rename_locked(struct ext2_fs *fs, u32 odirno, const char *oname,
			 size_t olen, u32 ndirno, const char *nname,
			 size_t nlen)
{
	struct ext2_ino odir, ndir, src, dst;
	u32 sino, dino;
	bool isdir, have_dst;
	int ret;

	if (fs->rdonly)
		return -EROFS;
	ret = check_name(oname, olen);
	if (!ret)
		ret = check_name(nname, nlen);
	if (ret)
		return ret;
	ret = get_dir(fs, odirno, &odir);
	if (!ret)
		ret = get_dir(fs, ndirno, &ndir);
	if (ret)
		return ret;
	if (is_dot(oname, olen) || is_dot(nname, nlen))
		return -EINVAL;
	ret = dir_find(fs, &odir, oname, olen, &sino);
	if (ret)
		return ret;
	ret = ext2_iget(fs, sino, &src);
	if (ret)
		return ret == -ESTALE ? -EUCLEAN : ret;
	isdir = IS_DIR(src.raw.i_mode);
	ret = dir_find(fs, &ndir, nname, nlen, &dino);
	if (ret && ret != -ENOENT)
		return ret;
	have_dst = !ret;
	if (have_dst && dino == sino)
		return 0;	/* two names of one inode: nothing to do */
	if (have_dst) {
		ret = ext2_iget(fs, dino, &dst);
		if (ret)
			return ret == -ESTALE ? -EUCLEAN : ret;
		if (isdir && !IS_DIR(dst.raw.i_mode))
			return -ENOTDIR;
		if (!isdir && IS_DIR(dst.raw.i_mode))
			return -EISDIR;
		if (isdir) {
			ret = dir_empty(fs, &dst);
			if (ret < 0)
				return ret;
			if (!ret)
				return -ENOTEMPTY;
		}
	}
	if (isdir && odirno != ndirno) {
		ret = is_under(fs, ndirno, sino);
		if (ret < 0)
			return ret;
		if (ret)
			return -EINVAL;
		if (!have_dst && ndir.raw.i_links_count >= EXT2_LINK_MAX)
			return -EMLINK;
	}

	/* The new name first: a failure here changes nothing. */
	if (have_dst)
		ret = dir_set(fs, &ndir, nname, nlen, sino, src.raw.i_mode);
	else
		ret = dir_add(fs, &ndir, nname, nlen, sino, src.raw.i_mode);
	if (ret)
		return ret;
	ext2_touch(&ndir, false, true, true);
	if (isdir && odirno != ndirno && !have_dst)
		ndir.raw.i_links_count++;
	/* A replaced directory's ".." no longer counts against ndir. */
	if (isdir && have_dst && odirno == ndirno && ndir.raw.i_links_count > 2)
		ndir.raw.i_links_count--;
	ret = ext2_iput(fs, &ndir);
	if (ret)
		return ret;
	if (odirno == ndirno)
		odir = ndir;
	ret = dir_remove(fs, &odir, oname, olen);
	if (ret)
		return ret;
	ext2_touch(&odir, false, true, true);
	if (isdir && odirno != ndirno && odir.raw.i_links_count > 2)
		odir.raw.i_links_count--;
	ret = ext2_iput(fs, &odir);
	if (ret)
		return ret;
	if (isdir && odirno != ndirno) {
		ret = dir_set(fs, &src, "..", 2, ndirno, S_IFDIR_);
		if (ret)
			return ret;
	}
	ext2_touch(&src, false, false, true);
	ret = ext2_iput(fs, &src);
	if (ret || !have_dst)
		return ret;
	return drop_link(fs, &dst);
}

int ext2_rename(struct ext2_fs *fs, u32 odir, const char *oname,
		size_t olen, u32 ndir, const char *nname, size_t nlen)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = rename_locked(fs, odir, oname, olen, ndir, nname, nlen);
	ext2_unlock(&fs->lock);
	return ret;
}

struct readdir_arg {
	u64 cursor;
	ext2_emit_t emit;
	void *arg;
	bool filetype;
};

static int readdir_actor(struct ext2_fs *fs, struct ext2_buf *b,
			 struct ext2_dirent *de, struct ext2_dirent *prev,
			 u64 pos, void *arg)
{
	struct readdir_arg *ra = arg;
	u8 dt = 0;

	if (pos < ra->cursor || !de->inode)
		return 0;
	if (ra->filetype && de->file_type < EXT2_FT_MAX)
		dt = ft_to_dt[de->file_type];
	if (!ra->emit(ra->arg, de->name, de->name_len, de->inode, dt,
		      pos + de->rec_len))
		return 1;
	return 0;
}

int ext2_readdir(struct ext2_fs *fs, u32 dirno, u64 cursor, ext2_emit_t emit,
		 void *arg)
{
	struct readdir_arg ra = { cursor, emit, arg, has_filetype(fs) };
	struct ext2_ino dir;
	int ret;

	ext2_lock(&fs->lock);
	ret = get_dir(fs, dirno, &dir);
	if (!ret) {
		ret = dir_iterate(fs, &dir, cursor, readdir_actor, &ra);
		if (ret > 0)
			ret = 0;
	}
	ext2_unlock(&fs->lock);
	return ret;
}
