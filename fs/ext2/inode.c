// SPDX-License-Identifier: GPL-2.0
/*
 * ext2 inodes: reading and writing them, the block map (direct, single,
 * double and triple indirect), file read/write/truncate, attributes and
 * symlink targets.  Described in Documentation/ext2.md.
 */
#include "ext2_int.h"

static int inode_loc(struct ext2_fs *fs, u32 ino, u32 *blk, u32 *off)
{
	u32 g = ext2_ino_group(fs, ino), idx = (ino - 1) % fs->ipg;
	u64 byte = (u64)idx * fs->inode_size;

	*blk = fs->gd[g].bg_inode_table + (u32)(byte >> fs->bits);
	*off = byte & (fs->bsize - 1);
	return 0;
}

static int iread_raw(struct ext2_fs *fs, u32 ino, struct ext2_ino *ei)
{
	struct ext2_buf *b;
	u32 blk, off, n;
	int ret;

	if (ino < 1 || ino > fs->inodes_count)
		return -ESTALE;
	inode_loc(fs, ino, &blk, &off);
	ret = ext2_bread(fs, blk, &b);
	if (ret)
		return ret;
	memset(ei, 0, sizeof(*ei));
	n = fs->inode_size < sizeof(ei->raw) ? fs->inode_size : sizeof(ei->raw);
	memcpy(&ei->raw, b->data + off, n);
	ext2_brelse(fs, b);
	ei->ino = ino;
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE &&
	    ei->raw.i_extra_isize <= fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE &&
	    !(ei->raw.i_extra_isize & 3))
		ei->extra = ei->raw.i_extra_isize;
	return 0;
}

/* An inode in use: -ESTALE for a free or reserved one. */
int ext2_iget(struct ext2_fs *fs, u32 ino, struct ext2_ino *ei)
{
	int ret;

	if (ino != EXT2_ROOT_INO && ino < fs->first_ino)
		return -ESTALE;
	ret = iread_raw(fs, ino, ei);
	if (ret)
		return ret;
	if (!ei->raw.i_links_count || !ei->raw.i_mode)
		return -ESTALE;
	return 0;
}

/* An inode just allocated in the bitmap: it must not look in use. */
int ext2_iget_new(struct ext2_fs *fs, u32 ino, struct ext2_ino *ei)
{
	int ret = iread_raw(fs, ino, ei);

	if (ret)
		return ret;
	if (ei->raw.i_links_count && ei->raw.i_mode)
		return ext2_corrupt(fs, "inode bitmap frees inode %u in use",
				    ino);
	return 0;
}

int ext2_iput(struct ext2_fs *fs, struct ext2_ino *ei)
{
	struct ext2_buf *b;
	u32 blk, off, n;
	int ret;

	inode_loc(fs, ei->ino, &blk, &off);
	ret = ext2_bread(fs, blk, &b);
	if (ret)
		return ret;
	if (ei->fresh) {
		memset(b->data + off, 0, fs->inode_size);
		ei->fresh = false;
	}
	n = fs->inode_size < sizeof(ei->raw) ? fs->inode_size : sizeof(ei->raw);
	memcpy(b->data + off, &ei->raw, n);
	ret = ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	return ret;
}

u64 ext2_isize(const struct ext2_ino *ei)
{
	u64 size = ei->raw.i_size;

	/* i_size_high is i_dir_acl for anything but a regular file. */
	if (IS_REG(ei->raw.i_mode))
		size |= (u64)ei->raw.i_size_high << 32;
	return size;
}

void ext2_set_isize(struct ext2_fs *fs, struct ext2_ino *ei, u64 size)
{
	ei->raw.i_size = (u32)size;
	if (IS_REG(ei->raw.i_mode)) {
		ei->raw.i_size_high = size >> 32;
		if (size > 0x7fffffffull)
			ext2_set_large_file(fs);
	}
}

/* Offsets in i_extra_isize bytes needed to hold each *_extra field. */
static const u32 time_extra_need[3] = { 16, 12, 8 };

static u32 *time_lo(struct ext2_ino *ei, int which)
{
	return which == EXT2_T_ATIME ? &ei->raw.i_atime :
	       which == EXT2_T_MTIME ? &ei->raw.i_mtime : &ei->raw.i_ctime;
}

static u32 *time_extra(struct ext2_ino *ei, int which)
{
	if (ei->extra < time_extra_need[which])
		return NULL;
	return which == EXT2_T_ATIME ? &ei->raw.i_atime_extra :
	       which == EXT2_T_MTIME ? &ei->raw.i_mtime_extra :
	       &ei->raw.i_ctime_extra;
}

/* The extra field: nanoseconds << 2, and two more epoch bits of seconds. */
static u32 encode_extra(s64 sec, u32 nsec)
{
	return (nsec << 2) | (((u64)(sec - (s32)sec) >> 32) & 3);
}

void ext2_set_time(struct ext2_ino *ei, int which, s64 sec, u32 nsec)
{
	u32 *x = time_extra(ei, which);

	*time_lo(ei, which) = (u32)sec;
	if (x)
		*x = encode_extra(sec, nsec);
}

static void get_time(struct ext2_ino *ei, int which, s64 *sec, u32 *nsec)
{
	u32 *x = time_extra(ei, which);

	*sec = (s32)*time_lo(ei, which);
	*nsec = 0;
	if (x) {
		*sec += (s64)(*x & 3) << 32;
		*nsec = *x >> 2;
		if (*nsec >= 1000000000u)
			*nsec = 0;
	}
}

void ext2_touch(struct ext2_ino *ei, bool a, bool m, bool c)
{
	s64 sec;
	u32 nsec;

	ext2_time_now(&sec, &nsec);
	if (a)
		ext2_set_time(ei, EXT2_T_ATIME, sec, nsec);
	if (m)
		ext2_set_time(ei, EXT2_T_MTIME, sec, nsec);
	if (c)
		ext2_set_time(ei, EXT2_T_CTIME, sec, nsec);
}

static u32 blocks_per_fsblock(struct ext2_fs *fs)
{
	return fs->bsize >> 9;
}

static void add_blocks(struct ext2_fs *fs, struct ext2_ino *ei, int n)
{
	u32 d = blocks_per_fsblock(fs);

	if (n > 0)
		ei->raw.i_blocks += d;
	else if (ei->raw.i_blocks >= d)
		ei->raw.i_blocks -= d;
	else
		ei->raw.i_blocks = 0;
}

/* ---------------------------------------------------------------------
 * The block map.
 */

static int block_path(struct ext2_fs *fs, u64 lblk, u32 off[4])
{
	u64 apb = fs->apb;

	if (lblk < EXT2_NDIR_BLOCKS) {
		off[0] = lblk;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < apb) {
		off[0] = EXT2_NDIR_BLOCKS;
		off[1] = lblk;
		return 1;
	}
	lblk -= apb;
	if (lblk < apb * apb) {
		off[0] = EXT2_NDIR_BLOCKS + 1;
		off[1] = lblk / apb;
		off[2] = lblk % apb;
		return 2;
	}
	lblk -= apb * apb;
	if (lblk < apb * apb * apb) {
		off[0] = EXT2_NDIR_BLOCKS + 2;
		off[1] = lblk / (apb * apb);
		off[2] = (lblk / apb) % apb;
		off[3] = lblk % apb;
		return 3;
	}
	return -EFBIG;
}

/*
 * The disk block of file block lblk; 0 for a hole unless create, which
 * allocates what is missing (indirect blocks zeroed; *fresh says the
 * data block is new and its buffer not yet set up).
 */
int ext2_bmap(struct ext2_fs *fs, struct ext2_ino *ei, u64 lblk, bool create,
	      u32 *pblk, bool *fresh)
{
	struct ext2_buf *parent = NULL, *b;
	u32 off[4], *slot, p, goal = ext2_ino_group(fs, ei->ino);
	int depth, lvl, ret;

	if (fresh)
		*fresh = false;
	depth = block_path(fs, lblk, off);
	if (depth < 0)
		return depth;
	slot = &ei->raw.i_block[off[0]];
	for (lvl = 0;; lvl++) {
		p = *slot;
		b = NULL;
		if (p && !ext2_valid_block(fs, p)) {
			ext2_brelse(fs, parent);
			return ext2_corrupt(fs, "inode %u maps block %u", ei->ino,
					    p);
		}
		if (!p) {
			if (!create) {
				ext2_brelse(fs, parent);
				*pblk = 0;
				return 0;
			}
			ret = ext2_new_block(fs, goal, &p);
			if (!ret && lvl < depth) {
				ret = ext2_bget_new(fs, p, &b);
				if (ret)
					ext2_free_block(fs, p);
			}
			if (ret) {
				ext2_brelse(fs, parent);
				return ret;
			}
			*slot = p;
			if (parent)
				ext2_bdirty(fs, parent);
			add_blocks(fs, ei, 1);
			if (lvl == depth && fresh)
				*fresh = true;
		}
		ext2_brelse(fs, parent);
		parent = NULL;
		if (lvl == depth) {
			*pblk = p;
			return 0;
		}
		if (!b) {
			ret = ext2_bread(fs, p, &b);
			if (ret)
				return ret;
		}
		parent = b;
		slot = &((u32 *)b->data)[off[lvl + 1]];
	}
}

/* Free what an indirect block of this level maps from file block from on. */
static int trim(struct ext2_fs *fs, struct ext2_ino *ei, u32 blk, int level,
		u64 from)
{
	struct ext2_buf *b;
	u64 cover = 1, start, sub;
	u32 i, c, *e;
	int ret, err = 0;

	for (i = 1; i < (u32)level; i++)
		cover *= fs->apb;
	ret = ext2_bread(fs, blk, &b);
	if (ret)
		return ret;
	e = (u32 *)b->data;
	for (i = 0; i < fs->apb; i++) {
		c = e[i];
		start = i * cover;
		if (!c || start + cover <= from)
			continue;
		if (!ext2_valid_block(fs, c)) {
			err = ext2_corrupt(fs, "inode %u maps block %u",
					   ei->ino, c);
			continue;
		}
		sub = start >= from ? 0 : from - start;
		if (level > 1) {
			ret = trim(fs, ei, c, level - 1, sub);
			if (ret)
				err = ret;
		}
		if (!sub) {
			e[i] = 0;
			ext2_bdirty(fs, b);
			ext2_free_block(fs, c);
			add_blocks(fs, ei, -1);
		}
	}
	ext2_brelse(fs, b);
	return err;
}

/* Free every block of the file past the first keep ones. */
static int free_blocks_from(struct ext2_fs *fs, struct ext2_ino *ei, u64 keep)
{
	u64 base = EXT2_NDIR_BLOCKS, cover = 1, from;
	u32 i, *slot;
	int lvl, ret, err = 0;

	for (i = 0; i < EXT2_NDIR_BLOCKS; i++) {
		slot = &ei->raw.i_block[i];
		if (i < keep || !*slot)
			continue;
		if (ext2_valid_block(fs, *slot)) {
			ext2_free_block(fs, *slot);
			add_blocks(fs, ei, -1);
		} else {
			err = ext2_corrupt(fs, "inode %u maps block %u",
					   ei->ino, *slot);
		}
		*slot = 0;
	}
	for (lvl = 1; lvl <= 3; lvl++) {
		cover *= fs->apb;
		slot = &ei->raw.i_block[EXT2_NDIR_BLOCKS + lvl - 1];
		if (*slot && keep < base + cover) {
			from = keep > base ? keep - base : 0;
			if (!ext2_valid_block(fs, *slot)) {
				err = ext2_corrupt(fs, "inode %u maps block %u",
						   ei->ino, *slot);
				if (!from)
					*slot = 0;
			} else {
				ret = trim(fs, ei, *slot, lvl, from);
				if (ret)
					err = ret;
				if (!from) {
					ext2_free_block(fs, *slot);
					add_blocks(fs, ei, -1);
					*slot = 0;
				}
			}
		}
		base += cover;
	}
	return err;
}

/* Zero the part of size's block past size, so growing reads zeros. */
static int zero_tail(struct ext2_fs *fs, struct ext2_ino *ei, u64 size)
{
	struct ext2_buf *b;
	u32 boff = size & (fs->bsize - 1), pblk;
	int ret;

	if (!boff)
		return 0;
	ret = ext2_bmap(fs, ei, size >> fs->bits, false, &pblk, NULL);
	if (ret || !pblk)
		return ret;
	ret = ext2_bread(fs, pblk, &b);
	if (ret)
		return ret;
	memset(b->data + boff, 0, fs->bsize - boff);
	ret = ext2_bdirty(fs, b);
	ext2_brelse(fs, b);
	return ret;
}

/* Change a regular file's size; the caller writes the inode back. */
int ext2_truncate_blocks(struct ext2_fs *fs, struct ext2_ino *ei, u64 size)
{
	u64 old = ext2_isize(ei);
	int ret;

	if (size > fs->max_bytes)
		return -EFBIG;
	if (size < old) {
		ret = zero_tail(fs, ei, size);
		if (ret)
			return ret;
		ret = free_blocks_from(fs, ei,
				       (size + fs->bsize - 1) >> fs->bits);
		ext2_set_isize(fs, ei, size);
		return ret;
	}
	if (size > old) {
		ret = zero_tail(fs, ei, old);
		if (ret)
			return ret;
		ext2_set_isize(fs, ei, size);
	}
	return 0;
}

bool ext2_fast_symlink(struct ext2_fs *fs, const struct ext2_ino *ei)
{
	u32 ea = ei->raw.i_file_acl ? blocks_per_fsblock(fs) : 0;

	return IS_LNK(ei->raw.i_mode) && ei->raw.i_blocks <= ea;
}

/* Inodes whose i_block holds block numbers (not a target or a device). */
static bool has_blocks(struct ext2_fs *fs, const struct ext2_ino *ei)
{
	u32 m = ei->raw.i_mode;

	return IS_REG(m) || IS_DIR(m) || (IS_LNK(m) && !ext2_fast_symlink(fs, ei));
}

/* Drop the inode's reference to its extended attribute block. */
static void drop_xattr_block(struct ext2_fs *fs, struct ext2_ino *ei)
{
	struct ext2_buf *b;
	u32 blk = ei->raw.i_file_acl, *hdr;

	if (!blk)
		return;
	ei->raw.i_file_acl = 0;
	if (!ext2_valid_block(fs, blk)) {
		ext2_corrupt_log("corrupt: inode %u's xattr block %u",
				 ei->ino, blk);
		return;
	}
	add_blocks(fs, ei, -1);
	if (ext2_bread(fs, blk, &b))
		return;
	hdr = (u32 *)b->data;
	if (hdr[0] != EXT2_EA_MAGIC) {
		ext2_corrupt_log("corrupt: inode %u's xattr block %u has magic %#x",
				 ei->ino, blk, hdr[0]);
		ext2_brelse(fs, b);
		return;
	}
	if (hdr[1] > 1) {
		hdr[1]--;
		ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
		return;
	}
	ext2_brelse(fs, b);
	ext2_free_block(fs, blk);
}

/* The last link is gone: free the blocks and the inode. */
int ext2_drop_inode(struct ext2_fs *fs, struct ext2_ino *ei)
{
	bool isdir = IS_DIR(ei->raw.i_mode);
	s64 sec;
	u32 nsec;
	int ret = 0;

	if (has_blocks(fs, ei))
		ret = free_blocks_from(fs, ei, 0);
	drop_xattr_block(fs, ei);
	ei->raw.i_links_count = 0;
	ei->raw.i_size = 0;
	if (IS_REG(ei->raw.i_mode))
		ei->raw.i_size_high = 0;
	ei->raw.i_blocks = 0;
	ext2_time_now(&sec, &nsec);
	ei->raw.i_dtime = sec ? (u32)sec : 1;
	if (!ret)
		ret = ext2_iput(fs, ei);
	else
		ext2_iput(fs, ei);
	ext2_free_inode_bit(fs, ei->ino, isdir);
	return ret;
}

void ext2_init_inode(struct ext2_fs *fs, struct ext2_ino *ei, u32 ino,
		     u32 mode, u32 uid, u32 gid)
{
	u32 old_gen = ei->raw.i_generation;
	s64 sec;
	u32 nsec;

	memset(ei, 0, sizeof(*ei));
	ei->ino = ino;
	ei->fresh = true;
	ei->raw.i_mode = mode;
	ei->raw.i_uid = uid & 0xffff;
	ei->raw.i_uid_high = uid >> 16;
	ei->raw.i_gid = gid & 0xffff;
	ei->raw.i_gid_high = gid >> 16;
	ei->raw.i_links_count = 1;
	/* A handle to the inode's last life must not match this one. */
	fs->next_gen = fs->next_gen * 1103515245u + 12345u;
	ei->raw.i_generation = fs->next_gen;
	if (ei->raw.i_generation == old_gen)
		ei->raw.i_generation++;
	if (fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + 32) {
		ei->raw.i_extra_isize = 32;
		ei->extra = 32;
	}
	ext2_time_now(&sec, &nsec);
	ext2_set_time(ei, EXT2_T_ATIME, sec, nsec);
	ext2_set_time(ei, EXT2_T_MTIME, sec, nsec);
	ext2_set_time(ei, EXT2_T_CTIME, sec, nsec);
	if (ei->extra >= 24) {
		ei->raw.i_crtime = (u32)sec;
		ei->raw.i_crtime_extra = encode_extra(sec, nsec);
	}
}

static u32 get_rdev(const struct ext2_ino *ei)
{
	u32 m = ei->raw.i_mode & S_IFMT_;

	if (m != S_IFCHR_ && m != S_IFBLK_)
		return 0;
	/* Old 16-bit encoding in i_block[0], else the new one in [1]. */
	if (ei->raw.i_block[0]) {
		u32 old = ei->raw.i_block[0];

		return ((old >> 8) & 0xff) << 8 | (old & 0xff);
	}
	return ei->raw.i_block[1];
}

void ext2_fill_attr(struct ext2_fs *fs, const struct ext2_ino *cei,
		    struct sp_attr *attr)
{
	struct ext2_ino *ei = (struct ext2_ino *)cei;
	s64 sec;
	u32 nsec;

	memset(attr, 0, sizeof(*attr));
	attr->ino = ei->ino;
	attr->gen = ei->raw.i_generation;
	attr->mode = ei->raw.i_mode;
	attr->nlink = ei->raw.i_links_count;
	attr->uid = ei->raw.i_uid | (u32)ei->raw.i_uid_high << 16;
	attr->gid = ei->raw.i_gid | (u32)ei->raw.i_gid_high << 16;
	attr->rdev = get_rdev(ei);
	attr->blksize = fs->bsize;
	attr->size = ext2_isize(ei);
	attr->blocks = ei->raw.i_blocks;
	get_time(ei, EXT2_T_ATIME, &sec, &nsec);
	attr->atime_sec = sec;
	attr->atime_nsec = nsec;
	get_time(ei, EXT2_T_MTIME, &sec, &nsec);
	attr->mtime_sec = sec;
	attr->mtime_nsec = nsec;
	get_time(ei, EXT2_T_CTIME, &sec, &nsec);
	attr->ctime_sec = sec;
	attr->ctime_nsec = nsec;
}

/*
 * How many file blocks from lblk (at pblk, not cached) lie one after the
 * other on the disk, up to one clustered request and the end of the file.
 */
static u32 contiguous(struct ext2_fs *fs, struct ext2_ino *ei, u64 lblk,
		      u32 pblk, u64 size)
{
	u32 n, max = EXT2_IO_BYTES >> fs->bits, p;
	u64 last = (size - 1) >> fs->bits;

	if (ext2_bcached(fs, pblk))
		return 1;
	for (n = 1; n < max && lblk + n <= last; n++) {
		if (ext2_bmap(fs, ei, lblk + n, false, &p, NULL) ||
		    p != pblk + n)
			break;
	}
	return n;
}

long ext2_read_ino(struct ext2_fs *fs, struct ext2_ino *ei, u64 off,
		   void *buf, size_t len)
{
	u64 size = ext2_isize(ei);
	size_t done = 0;
	int ret;

	if (off >= size)
		return 0;
	if (len > size - off)
		len = size - off;
	while (done < len) {
		u64 pos = off + done;
		u32 boff = pos & (fs->bsize - 1), pblk;
		size_t n = fs->bsize - boff;
		struct ext2_buf *b;

		if (n > len - done)
			n = len - done;
		ret = ext2_bmap(fs, ei, pos >> fs->bits, false, &pblk, NULL);
		if (ret)
			return ret;
		if (!pblk) {
			memset((u8 *)buf + done, 0, n);
		} else {
			ret = ext2_bread_ahead(fs, pblk,
					       contiguous(fs, ei, pos >> fs->bits,
							  pblk, size), &b);
			if (ret)
				return ret;
			memcpy((u8 *)buf + done, b->data + boff, n);
			ext2_brelse(fs, b);
		}
		done += n;
	}
	return done;
}

/* The caller writes the inode back, whatever this returns. */
long ext2_write_ino(struct ext2_fs *fs, struct ext2_ino *ei, u64 off,
		    const void *buf, size_t len)
{
	u64 size = ext2_isize(ei);
	size_t done = 0;
	int ret;

	if (!len)
		return 0;
	if (off >= fs->max_bytes)
		return -EFBIG;
	if (len > fs->max_bytes - off)
		len = fs->max_bytes - off;
	if (off > size) {
		ret = zero_tail(fs, ei, size);
		if (ret)
			return ret;
	}
	while (done < len) {
		u64 pos = off + done;
		u32 boff = pos & (fs->bsize - 1), pblk;
		size_t n = fs->bsize - boff;
		struct ext2_buf *b;
		bool fresh;

		if (n > len - done)
			n = len - done;
		ret = ext2_bmap(fs, ei, pos >> fs->bits, true, &pblk, &fresh);
		if (!ret) {
			if (fresh || n == fs->bsize)
				ret = ext2_bget_new(fs, pblk, &b);
			else
				ret = ext2_bread(fs, pblk, &b);
		}
		if (ret) {
			if (done)
				break;
			return ret;
		}
		memcpy(b->data + boff, (const u8 *)buf + done, n);
		ret = ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
		if (ret)
			return ret;
		done += n;
	}
	if (off + done > size)
		ext2_set_isize(fs, ei, off + done);
	ext2_touch(ei, false, true, true);
	return done;
}

long ext2_readlink_ino(struct ext2_fs *fs, struct ext2_ino *ei, char *buf,
		       size_t size)
{
	u64 len = ext2_isize(ei);
	struct ext2_buf *b;
	u32 pblk;
	int ret;

	if (!IS_LNK(ei->raw.i_mode))
		return -EINVAL;
	if (ext2_fast_symlink(fs, ei)) {
		if (len >= EXT2_FAST_LINK_MAX)
			return ext2_corrupt(fs, "fast symlink %u of %llu bytes",
					    ei->ino, (unsigned long long)len);
		memcpy(buf, ei->raw.i_block, len < size ? len : size);
		return len;
	}
	if (len >= fs->bsize)
		return ext2_corrupt(fs, "symlink %u of %llu bytes", ei->ino,
				    (unsigned long long)len);
	ret = ext2_bmap(fs, ei, 0, false, &pblk, NULL);
	if (ret)
		return ret;
	if (!pblk)
		return ext2_corrupt(fs, "symlink %u without a block", ei->ino);
	ret = ext2_bread(fs, pblk, &b);
	if (ret)
		return ret;
	memcpy(buf, b->data, len < size ? len : size);
	ext2_brelse(fs, b);
	return len;
}

/* ---------------------------------------------------------------------
 * The API's inode calls.
 */

int ext2_stat(struct ext2_fs *fs, u32 ino, struct sp_attr *attr)
{
	struct ext2_ino ei;
	int ret;

	ext2_lock(&fs->lock);
	ret = ext2_iget(fs, ino, &ei);
	if (!ret)
		ext2_fill_attr(fs, &ei, attr);
	ext2_unlock(&fs->lock);
	return ret;
}

int ext2_getattr(struct ext2_fs *fs, u32 ino, u32 gen, struct sp_attr *attr)
{
	struct ext2_ino ei;
	int ret;

	ext2_lock(&fs->lock);
	ret = ext2_iget(fs, ino, &ei);
	if (!ret && ei.raw.i_generation != gen)
		ret = -ESTALE;
	if (!ret)
		ext2_fill_attr(fs, &ei, attr);
	ext2_unlock(&fs->lock);
	return ret;
}

long ext2_read(struct ext2_fs *fs, u32 ino, u64 off, void *buf, size_t len)
{
	struct ext2_ino ei;
	long ret;

	ext2_lock(&fs->lock);
	ret = ext2_iget(fs, ino, &ei);
	if (!ret) {
		if (IS_DIR(ei.raw.i_mode))
			ret = -EISDIR;
		else if (!IS_REG(ei.raw.i_mode))
			ret = -EINVAL;
		else
			ret = ext2_read_ino(fs, &ei, off, buf, len);
	}
	ext2_unlock(&fs->lock);
	return ret;
}

long ext2_write(struct ext2_fs *fs, u32 ino, u64 off, const void *buf,
		size_t len)
{
	struct ext2_ino ei;
	long ret;
	int r;

	ext2_lock(&fs->lock);
	ret = fs->rdonly ? -EROFS : ext2_iget(fs, ino, &ei);
	if (!ret) {
		if (IS_DIR(ei.raw.i_mode))
			ret = -EISDIR;
		else if (!IS_REG(ei.raw.i_mode))
			ret = -EINVAL;
		else {
			ret = ext2_write_ino(fs, &ei, off, buf, len);
			r = ext2_iput(fs, &ei);
			if (r && ret >= 0)
				ret = r;
		}
	}
	ext2_unlock(&fs->lock);
	return ret;
}

int ext2_setattr(struct ext2_fs *fs, u32 ino, u32 valid,
		 const struct sp_attr *attr)
{
	struct ext2_ino ei;
	s64 sec;
	u32 nsec;
	int ret;

	ext2_lock(&fs->lock);
	ret = fs->rdonly ? -EROFS : ext2_iget(fs, ino, &ei);
	if (ret)
		goto out;
	if (valid & SP_ATTR_SIZE) {
		if (IS_DIR(ei.raw.i_mode)) {
			ret = -EISDIR;
			goto out;
		}
		if (!IS_REG(ei.raw.i_mode)) {
			ret = -EINVAL;
			goto out;
		}
		if (attr->size > fs->max_bytes) {
			ret = -EFBIG;
			goto out;
		}
	}
	ext2_time_now(&sec, &nsec);
	if (valid & SP_ATTR_MODE)
		ei.raw.i_mode = (ei.raw.i_mode & S_IFMT_) | (attr->mode & 07777);
	if (valid & SP_ATTR_UID) {
		ei.raw.i_uid = attr->uid & 0xffff;
		ei.raw.i_uid_high = attr->uid >> 16;
	}
	if (valid & SP_ATTR_GID) {
		ei.raw.i_gid = attr->gid & 0xffff;
		ei.raw.i_gid_high = attr->gid >> 16;
	}
	if (valid & SP_ATTR_ATIME_NOW)
		ext2_set_time(&ei, EXT2_T_ATIME, sec, nsec);
	else if (valid & SP_ATTR_ATIME)
		ext2_set_time(&ei, EXT2_T_ATIME, attr->atime_sec,
			      attr->atime_nsec);
	if (valid & SP_ATTR_MTIME_NOW)
		ext2_set_time(&ei, EXT2_T_MTIME, sec, nsec);
	else if (valid & SP_ATTR_MTIME)
		ext2_set_time(&ei, EXT2_T_MTIME, attr->mtime_sec,
			      attr->mtime_nsec);
	if (valid & SP_ATTR_SIZE) {
		/* truncate(2) sets mtime too, even to the same size. */
		ret = ext2_truncate_blocks(fs, &ei, attr->size);
		ext2_set_time(&ei, EXT2_T_MTIME, sec, nsec);
	}
	ext2_set_time(&ei, EXT2_T_CTIME, sec, nsec);
	if (!ret)
		ret = ext2_iput(fs, &ei);
	else
		ext2_iput(fs, &ei);
out:
	ext2_unlock(&fs->lock);
	return ret;
}

long ext2_readlink(struct ext2_fs *fs, u32 ino, char *buf, size_t size)
{
	struct ext2_ino ei;
	long ret;

	ext2_lock(&fs->lock);
	ret = ext2_iget(fs, ino, &ei);
	if (!ret)
		ret = ext2_readlink_ino(fs, &ei, buf, size);
	ext2_unlock(&fs->lock);
	return ret;
}
