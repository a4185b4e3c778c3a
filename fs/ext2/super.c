// SPDX-License-Identifier: GPL-2.0
/*
 * ext2: mount, sync, statfs, the block cache and block/inode allocation.
 * Described in Documentation/ext2.md.
 */
#include "ext2_int.h"

_Static_assert(sizeof(struct ext2_super_block) == 1024, "superblock size");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group desc size");
_Static_assert(sizeof(struct ext2_inode) == 160, "inode size");
_Static_assert(sizeof(struct ext2_dirent) == 8, "dirent size");

/* ---------------------------------------------------------------------
 * The block cache: a fixed number of buffers, LRU, written back when
 * evicted or at sync.  A buffer in use (ref > 0) is never evicted.
 */

static u32 hash_blk(u64 blk)
{
	return (u32)(blk * 2654435761u) % EXT2_HASH_SIZE;
}

static void lru_unlink(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		fs->lru_head = b->next;
	if (b->next)
		b->next->prev = b->prev;
	else
		fs->lru_tail = b->prev;
	b->prev = b->next = NULL;
}

static void lru_push(struct ext2_fs *fs, struct ext2_buf *b)
{
	b->prev = NULL;
	b->next = fs->lru_head;
	if (fs->lru_head)
		fs->lru_head->prev = b;
	fs->lru_head = b;
	if (!fs->lru_tail)
		fs->lru_tail = b;
}

static void hash_remove(struct ext2_fs *fs, struct ext2_buf *b)
{
	struct ext2_buf **pp = &fs->hash[hash_blk(b->blk)];

	while (*pp && *pp != b)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = b->hnext;
	b->hnext = NULL;
}

static int dev_read(struct ext2_fs *fs, u64 off, void *buf, size_t len)
{
	if (off + len > fs->bdev.size || off + len < off)
		return -EIO;
	return fs->bdev.read(fs->bdev.dev, off, buf, len);
}

static int dev_write(struct ext2_fs *fs, u64 off, const void *buf, size_t len)
{
	if (off + len > fs->bdev.size || off + len < off)
		return -EIO;
	return fs->bdev.write(fs->bdev.dev, off, buf, len);
}

/* The cached buffer of blk, if any, without touching its LRU place. */
static struct ext2_buf *buf_peek(struct ext2_fs *fs, u64 blk)
{
	struct ext2_buf *b;

	for (b = fs->hash[hash_blk(blk)]; b; b = b->hnext)
		if (b->blk == blk)
			return b;
	return NULL;
}

/*
 * Write b back with the dirty cached blocks that follow it on the disk,
 * in one request of up to EXT2_IO_BYTES: sequential writes reach the
 * device in large pieces.
 */
static int buf_writeback(struct ext2_fs *fs, struct ext2_buf *b)
{
	u32 n, i, max = EXT2_IO_BYTES >> fs->bits;
	struct ext2_buf *nb;
	int ret;

	if (!b->dirty)
		return 0;
	for (n = 1; n < max; n++) {
		nb = buf_peek(fs, b->blk + n);
		if (!nb || !nb->dirty)
			break;
		memcpy(fs->wbuf + (n << fs->bits), nb->data, fs->bsize);
	}
	if (n == 1) {
		ret = dev_write(fs, b->blk << fs->bits, b->data, fs->bsize);
	} else {
		memcpy(fs->wbuf, b->data, fs->bsize);
		ret = dev_write(fs, b->blk << fs->bits, fs->wbuf,
				(size_t)n << fs->bits);
	}
	if (ret) {
		ext2_err("write error %d at block %llu", ret,
			 (unsigned long long)b->blk);
		return ret;
	}
	for (i = 0; i < n; i++)
		buf_peek(fs, b->blk + i)->dirty = false;
	return 0;
}

/* A buffer for blk, not yet hashed; NULL with *err set on failure. */
static struct ext2_buf *buf_get(struct ext2_fs *fs, u64 blk, int *err)
{
	struct ext2_buf *b;

	if (fs->nbuf < fs->maxbuf) {
		b = ext2_zalloc(sizeof(*b));
		if (!b) {
			*err = -ENOMEM;
			return NULL;
		}
		b->data = ext2_alloc(fs->bsize);
		if (!b->data) {
			ext2_free(b);
			*err = -ENOMEM;
			return NULL;
		}
		fs->nbuf++;
	} else {
		for (b = fs->lru_tail; b && b->ref; b = b->prev)
			;
		if (!b) {
			*err = -ENOMEM;
			return NULL;
		}
		*err = buf_writeback(fs, b);
		if (*err)
			return NULL;
		lru_unlink(fs, b);
		hash_remove(fs, b);
	}
	b->blk = blk;
	b->ref = 1;
	b->dirty = false;
	b->hnext = fs->hash[hash_blk(blk)];
	fs->hash[hash_blk(blk)] = b;
	lru_push(fs, b);
	return b;
}

static struct ext2_buf *buf_find(struct ext2_fs *fs, u64 blk)
{
	struct ext2_buf *b;

	for (b = fs->hash[hash_blk(blk)]; b; b = b->hnext) {
		if (b->blk == blk) {
			b->ref++;
			lru_unlink(fs, b);
			lru_push(fs, b);
			return b;
		}
	}
	return NULL;
}

static void buf_discard(struct ext2_fs *fs, struct ext2_buf *b)
{
	lru_unlink(fs, b);
	hash_remove(fs, b);
	ext2_free(b->data);
	ext2_free(b);
	fs->nbuf--;
}

/* The cached buffer of blk; read from the disk only if read is set. */
static int buf_obtain(struct ext2_fs *fs, u64 blk, bool read,
		      struct ext2_buf **bp)
{
	struct ext2_buf *b;
	int ret;

	if (blk >= fs->blocks_count)
		return ext2_corrupt(fs, "block %llu beyond the end",
				    (unsigned long long)blk);
	b = buf_find(fs, blk);
	if (!b) {
		b = buf_get(fs, blk, &ret);
		if (!b)
			return ret;
		ret = read ? dev_read(fs, blk << fs->bits, b->data, fs->bsize) : 0;
		if (ret) {
			ext2_err("read error %d at block %llu", ret,
				 (unsigned long long)blk);
			buf_discard(fs, b);
			return ret;
		}
	}
	*bp = b;
	return 0;
}

int ext2_bread(struct ext2_fs *fs, u64 blk, struct ext2_buf **bp)
{
	return buf_obtain(fs, blk, true, bp);
}

bool ext2_bcached(struct ext2_fs *fs, u64 blk)
{
	return buf_peek(fs, blk) != NULL;
}

/*
 * ext2_bread() of blk, reading up to nr blocks from blk on in one request
 * when they are not cached yet (the caller knows they are the next ones
 * of a file); the others stay cached for the next reads.
 */
int ext2_bread_ahead(struct ext2_fs *fs, u64 blk, u32 nr,
		     struct ext2_buf **bp)
{
	u32 n, i, max = EXT2_IO_BYTES >> fs->bits;
	struct ext2_buf *b;
	int ret;

	if (nr > max)
		nr = max;
	if (blk >= fs->blocks_count || nr > fs->blocks_count - blk)
		nr = 1;
	for (n = 0; n < nr && !buf_peek(fs, blk + n); n++)
		;
	if (n <= 1)
		return ext2_bread(fs, blk, bp);
	ret = dev_read(fs, blk << fs->bits, fs->rbuf, (size_t)n << fs->bits);
	if (ret)
		return ext2_bread(fs, blk, bp);
	for (i = 0; i < n; i++) {
		b = buf_get(fs, blk + i, &ret);
		if (!b)
			break;
		memcpy(b->data, fs->rbuf + (i << fs->bits), fs->bsize);
		if (i)
			ext2_brelse(fs, b);
		else
			*bp = b;
	}
	return i ? 0 : ret;
}

/* A zeroed buffer for a block just allocated: nothing to read. */
int ext2_bget_new(struct ext2_fs *fs, u64 blk, struct ext2_buf **bp)
{
	int ret = buf_obtain(fs, blk, false, bp);

	if (ret)
		return ret;
	memset((*bp)->data, 0, fs->bsize);
	return ext2_bdirty(fs, *bp);
}

void ext2_brelse(struct ext2_fs *fs, struct ext2_buf *b)
{
	if (b)
		b->ref--;
}

/* The superblock, stamped now, with or without the clean state; flushed. */
static int write_super(struct ext2_fs *fs, bool clean)
{
	s64 sec;
	u32 nsec;
	int ret;

	ext2_time_now(&sec, &nsec);
	fs->sb.s_wtime = (u32)sec;
	if (clean)
		fs->sb.s_state |= EXT2_VALID_FS;
	else
		fs->sb.s_state &= ~EXT2_VALID_FS;
	ret = dev_write(fs, EXT2_SB_OFFSET, &fs->sb, sizeof(fs->sb));
	if (!ret && fs->bdev.flush)
		ret = fs->bdev.flush(fs->bdev.dev);
	if (ret)
		ext2_err("cannot write the superblock: %d", ret);
	return ret;
}

/*
 * The first change after a mount or a sync clears the clean state on
 * disk, so that a crash before the next sync leaves an image that
 * e2fsck checks rather than trusts.
 */
int ext2_fs_changed(struct ext2_fs *fs)
{
	int ret;

	if (fs->state_cleared)
		return 0;
	ret = write_super(fs, false);
	if (!ret)
		fs->state_cleared = true;
	return ret;
}

int ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b)
{
	b->dirty = true;
	return ext2_fs_changed(fs);
}

static void cache_free(struct ext2_fs *fs)
{
	while (fs->lru_head)
		buf_discard(fs, fs->lru_head);
}

/* ---------------------------------------------------------------------
 * Allocation.
 */

bool ext2_valid_block(struct ext2_fs *fs, u32 blk)
{
	return blk >= fs->first_data && blk < fs->blocks_count;
}

static u32 group_first_block(struct ext2_fs *fs, u32 g)
{
	return fs->first_data + g * fs->bpg;
}

static u32 group_nblocks(struct ext2_fs *fs, u32 g)
{
	if (g == fs->ngroups - 1)
		return fs->blocks_count - group_first_block(fs, g);
	return fs->bpg;
}

static u32 group_ninodes(struct ext2_fs *fs, u32 g)
{
	return fs->ipg;
}

static bool test_bit_(const u8 *map, u32 bit)
{
	return map[bit >> 3] & (1u << (bit & 7));
}

static void set_bit_(u8 *map, u32 bit)
{
	map[bit >> 3] |= 1u << (bit & 7);
}

static void clear_bit_(u8 *map, u32 bit)
{
	map[bit >> 3] &= ~(1u << (bit & 7));
}

/* A block the group's own metadata lives in: never handed out. */
static bool group_meta(struct ext2_fs *fs, u32 g, u32 blk)
{
	struct ext2_group_desc *gd = &fs->gd[g];

	return blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap ||
	       (blk >= gd->bg_inode_table &&
		blk < gd->bg_inode_table + fs->itb_per_group);
}

/* The first clear bit in [from, n), or n. */
static u32 find_zero(const u8 *map, u32 from, u32 n)
{
	u32 bit;

	for (bit = from; bit < n; bit++) {
		if (map[bit >> 3] == 0xff) {
			bit |= 7;
			continue;
		}
		if (!test_bit_(map, bit))
			return bit;
	}
	return n;
}

/*
 * A free block, from the goal group on.  In the goal group the search
 * starts after the last block handed out when that lies there, so a
 * file written sequentially gets contiguous blocks without rescanning
 * the bitmap from its start each time.
 */
int ext2_new_block(struct ext2_fs *fs, u32 goal_group, u32 *blk)
{
	u32 i, g, bit, n, from;
	int ret;

	if (!fs->sb.s_free_blocks_count)
		return -ENOSPC;
	for (i = 0; i < fs->ngroups; i++) {
		struct ext2_buf *b;

		g = (goal_group + i) % fs->ngroups;
		if (!fs->gd[g].bg_free_blocks_count)
			continue;
		ret = ext2_bread(fs, fs->gd[g].bg_block_bitmap, &b);
		if (ret)
			return ret;
		n = group_nblocks(fs, g);
		from = 0;
		if (fs->alloc_next >= group_first_block(fs, g) &&
		    fs->alloc_next - group_first_block(fs, g) < n)
			from = fs->alloc_next - group_first_block(fs, g);
		bit = find_zero(b->data, from, n);
		if (bit >= n && from) {
			bit = find_zero(b->data, 0, from);
			if (bit >= from)
				bit = n;
		}
		if (bit >= n) {
			ext2_brelse(fs, b);
			ext2_corrupt_log("corrupt: group %u has no free block but counts %u",
					 g, fs->gd[g].bg_free_blocks_count);
			continue;
		}
		*blk = group_first_block(fs, g) + bit;
		if (group_meta(fs, g, *blk)) {
			ext2_brelse(fs, b);
			return ext2_corrupt(fs, "block bitmap of group %u frees its metadata",
					    g);
		}
		set_bit_(b->data, bit);
		ret = ext2_bdirty(fs, b);
		ext2_brelse(fs, b);
		if (ret)
			return ret;
		fs->gd[g].bg_free_blocks_count--;
		fs->sb.s_free_blocks_count--;
		fs->sb_dirty = true;
		fs->alloc_next = *blk + 1;
		return 0;
	}
	return -ENOSPC;
}

/* Clear bit in bitmap block map: false if it was clear (logged) or unreadable. */
static bool clear_map_bit(struct ext2_fs *fs, u32 map, u32 bit,
			  const char *what, u32 num)
{
	struct ext2_buf *b;
	bool was_set;

	if (ext2_bread(fs, map, &b))
		return false;
	was_set = test_bit_(b->data, bit);
	if (was_set) {
		clear_bit_(b->data, bit);
		ext2_bdirty(fs, b);
	} else {
		ext2_corrupt_log("corrupt: freeing free %s %u", what, num);
	}
	ext2_brelse(fs, b);
	return was_set;
}

void ext2_free_block(struct ext2_fs *fs, u32 blk)
{
	u32 g, bit;

	if (!ext2_valid_block(fs, blk)) {
		ext2_corrupt_log("corrupt: freeing block %u out of range", blk);
		return;
	}
	g = (blk - fs->first_data) / fs->bpg;
	bit = (blk - fs->first_data) % fs->bpg;
	if (group_meta(fs, g, blk)) {
		ext2_corrupt_log("corrupt: freeing metadata block %u", blk);
		return;
	}
	if (!clear_map_bit(fs, fs->gd[g].bg_block_bitmap, bit, "block", blk))
		return;
	fs->gd[g].bg_free_blocks_count++;
	fs->sb.s_free_blocks_count++;
	fs->sb_dirty = true;
}

/*
 * Files go to their directory's group; a directory to the group after
 * its parent's with free inodes and blocks above the average, so trees
 * spread out (a simple stand-in for Linux's Orlov allocator).
 */
int ext2_new_inode(struct ext2_fs *fs, u32 dir, bool isdir, u32 *ino)
{
	u32 i, g, bit, n, start, avg;
	int ret;

	if (!fs->sb.s_free_inodes_count)
		return -ENOSPC;
	start = ext2_ino_group(fs, dir);
	avg = fs->sb.s_free_inodes_count / fs->ngroups;
	for (int pass = isdir ? 0 : 1; pass < 2; pass++) {
		for (i = 0; i < fs->ngroups; i++) {
			struct ext2_buf *b;

			g = (start + i + (isdir ? 1 : 0)) % fs->ngroups;
			if (!fs->gd[g].bg_free_inodes_count)
				continue;
			if (pass == 0 && (fs->gd[g].bg_free_inodes_count < avg ||
					  !fs->gd[g].bg_free_blocks_count))
				continue;
			ret = ext2_bread(fs, fs->gd[g].bg_inode_bitmap, &b);
			if (ret)
				return ret;
			n = group_ninodes(fs, g);
			/* Group 0 starts with the reserved inodes. */
			bit = find_zero(b->data, g ? 0 : fs->first_ino - 1, n);
			if (bit >= n) {
				ext2_brelse(fs, b);
				ext2_corrupt_log("corrupt: group %u has no free inode but counts %u",
						 g, fs->gd[g].bg_free_inodes_count);
				continue;
			}
			set_bit_(b->data, bit);
			ret = ext2_bdirty(fs, b);
			ext2_brelse(fs, b);
			if (ret)
				return ret;
			fs->gd[g].bg_free_inodes_count--;
			if (isdir)
				fs->gd[g].bg_used_dirs_count++;
			fs->sb.s_free_inodes_count--;
			fs->sb_dirty = true;
			*ino = g * fs->ipg + bit + 1;
			return 0;
		}
	}
	return -ENOSPC;
}

void ext2_free_inode_bit(struct ext2_fs *fs, u32 ino, bool isdir)
{
	u32 g = ext2_ino_group(fs, ino), bit = (ino - 1) % fs->ipg;

	if (!clear_map_bit(fs, fs->gd[g].bg_inode_bitmap, bit, "inode", ino))
		return;
	fs->gd[g].bg_free_inodes_count++;
	if (isdir && fs->gd[g].bg_used_dirs_count)
		fs->gd[g].bg_used_dirs_count--;
	fs->sb.s_free_inodes_count++;
	fs->sb_dirty = true;
}

void ext2_set_large_file(struct ext2_fs *fs)
{
	if (fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)
		return;
	fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	fs->sb_dirty = true;
}

/* ---------------------------------------------------------------------
 * Mount and sync.
 */

static bool is_power_of(u32 n, u32 base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* sparse_super: superblock backups only in groups 0, 1 and powers of 3, 5, 7. */
static bool group_has_super(struct ext2_fs *fs, u32 g)
{
	if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return g <= 1 || is_power_of(g, 3) || is_power_of(g, 5) ||
	       is_power_of(g, 7);
}

static int check_super(struct ext2_fs *fs, u64 devsize)
{
	struct ext2_super_block *sb = &fs->sb;
	u64 groups;

	if (sb->s_magic != EXT2_SUPER_MAGIC) {
		ext2_err("no ext2 superblock (magic %#x)", sb->s_magic);
		return -EINVAL;
	}
	if (sb->s_rev_level > 1 || sb->s_log_block_size > 2)
		return ext2_corrupt(fs, "revision %u, block size log %u",
				    sb->s_rev_level, sb->s_log_block_size);
	fs->bits = 10 + sb->s_log_block_size;
	fs->bsize = 1u << fs->bits;
	fs->apb = fs->bsize / 4;
	fs->blocks_count = sb->s_blocks_count;
	fs->inodes_count = sb->s_inodes_count;
	fs->bpg = sb->s_blocks_per_group;
	fs->ipg = sb->s_inodes_per_group;
	fs->first_data = sb->s_first_data_block;
	if (sb->s_rev_level == 0) {
		fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		fs->inode_size = sb->s_inode_size;
		fs->first_ino = sb->s_first_ino;
	}
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE ||
	    fs->inode_size > fs->bsize ||
	    (fs->inode_size & (fs->inode_size - 1)))
		return ext2_corrupt(fs, "inode size %u", fs->inode_size);
	if (fs->first_data != (fs->bsize == 1024 ? 1u : 0u))
		return ext2_corrupt(fs, "first data block %u", fs->first_data);
	if (!fs->bpg || fs->bpg > 8 * fs->bsize ||
	    !fs->ipg || fs->ipg > 8 * fs->bsize ||
	    fs->ipg % (fs->bsize / fs->inode_size))
		return ext2_corrupt(fs, "%u blocks, %u inodes per group",
				    fs->bpg, fs->ipg);
	if (fs->blocks_count <= fs->first_data + 1 ||
	    (u64)fs->blocks_count << fs->bits > devsize)
		return ext2_corrupt(fs, "%u blocks on a disk of %llu bytes",
				    fs->blocks_count,
				    (unsigned long long)devsize);
	groups = (fs->blocks_count - fs->first_data + fs->bpg - 1) / fs->bpg;
	if (groups * fs->ipg != fs->inodes_count)
		return ext2_corrupt(fs, "%u inodes in %llu groups",
				    fs->inodes_count,
				    (unsigned long long)groups);
	fs->ngroups = groups;
	if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    fs->first_ino >= fs->inodes_count || fs->first_ino > fs->ipg)
		return ext2_corrupt(fs, "first inode %u", fs->first_ino);
	if (sb->s_free_blocks_count > fs->blocks_count ||
	    sb->s_free_inodes_count > fs->inodes_count)
		return ext2_corrupt(fs, "free counts");
	fs->itb_per_group = fs->ipg / (fs->bsize / fs->inode_size);
	fs->gdt_blocks = (fs->ngroups * sizeof(struct ext2_group_desc) +
			  fs->bsize - 1) / fs->bsize;
	if (fs->first_data + 1 + fs->gdt_blocks > fs->blocks_count)
		return ext2_corrupt(fs, "group descriptors past the end");
	if (sb->s_rev_level == 0)
		return 0;
	if (sb->s_feature_incompat & ~EXT2_KNOWN_INCOMPAT) {
		ext2_err("unsupported incompatible features %#x",
			 sb->s_feature_incompat & ~EXT2_KNOWN_INCOMPAT);
		return -EINVAL;
	}
	return 0;
}

static int check_groups(struct ext2_fs *fs)
{
	u32 g;

	for (g = 0; g < fs->ngroups; g++) {
		struct ext2_group_desc *gd = &fs->gd[g];
		u32 first = group_first_block(fs, g);
		u32 last = first + group_nblocks(fs, g);	/* exclusive */

		if (gd->bg_block_bitmap < first || gd->bg_block_bitmap >= last ||
		    gd->bg_inode_bitmap < first || gd->bg_inode_bitmap >= last ||
		    gd->bg_inode_table < first ||
		    (u64)gd->bg_inode_table + fs->itb_per_group > last)
			return ext2_corrupt(fs, "group %u's bitmaps or inode table out of the group",
					    g);
		if (gd->bg_free_blocks_count > group_nblocks(fs, g) ||
		    gd->bg_free_inodes_count > fs->ipg ||
		    gd->bg_used_dirs_count > fs->ipg)
			return ext2_corrupt(fs, "group %u's counts", g);
	}
	return 0;
}

static u64 compute_max_bytes(struct ext2_fs *fs)
{
	u64 apb = fs->apb, n = EXT2_NDIR_BLOCKS + apb + apb * apb +
		  apb * apb * apb;
	u64 max = n << fs->bits;
	/* i_blocks counts 512-byte sectors in 32 bits, metadata included. */
	u64 lim = ((1ull << 32) - 1) * 512 - (u64)4 * apb * fs->bsize;

	return max < lim ? max : lim;
}

int ext2_mount(const struct ext2_blkdev *bdev, unsigned int flags,
	       struct ext2_fs **fsp)
{
	struct ext2_fs *fs;
	size_t gdsize;
	s64 sec;
	u32 nsec;
	u32 g;
	int ret;

	fs = ext2_zalloc(sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->bdev = *bdev;
	ext2_lock_init(&fs->lock);
	if (bdev->size < 2 * EXT2_SB_OFFSET) {
		ext2_err("disk of %llu bytes too small",
			 (unsigned long long)bdev->size);
		ret = -EINVAL;
		goto out;
	}
	ret = bdev->read(bdev->dev, EXT2_SB_OFFSET, &fs->sb, sizeof(fs->sb));
	if (ret)
		goto out;
	ret = check_super(fs, bdev->size);
	if (ret)
		goto out;
	fs->rdonly = flags & EXT2_MOUNT_RDONLY;
	if (fs->sb.s_rev_level &&
	    (fs->sb.s_feature_ro_compat & ~EXT2_KNOWN_RO_COMPAT) &&
	    !fs->rdonly) {
		ext2_err("unsupported read-only-compatible features %#x: mounting read-only",
			 fs->sb.s_feature_ro_compat & ~EXT2_KNOWN_RO_COMPAT);
		fs->rdonly = true;
	}
	if (!(fs->sb.s_state & EXT2_VALID_FS) ||
	    (fs->sb.s_state & EXT2_ERROR_FS))
		ext2_err("mounting a file system not cleanly unmounted; run e2fsck");
	else
		fs->was_clean = true;
	fs->max_bytes = compute_max_bytes(fs);
	if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE) &&
	    fs->sb.s_rev_level == 0 && fs->max_bytes > 0x7fffffffull)
		fs->max_bytes = 0x7fffffffull;
	gdsize = (size_t)fs->gdt_blocks * fs->bsize;
	fs->gd = ext2_alloc(gdsize);
	if (!fs->gd) {
		ret = -ENOMEM;
		goto out;
	}
	ret = bdev->read(bdev->dev, (u64)(fs->first_data + 1) << fs->bits,
			 fs->gd, gdsize);
	if (ret)
		goto out;
	ret = check_groups(fs);
	if (ret)
		goto out;
	/* The group counts are what allocation trusts; the sums follow. */
	fs->sb.s_free_blocks_count = 0;
	fs->sb.s_free_inodes_count = 0;
	for (g = 0; g < fs->ngroups; g++) {
		fs->sb.s_free_blocks_count += fs->gd[g].bg_free_blocks_count;
		fs->sb.s_free_inodes_count += fs->gd[g].bg_free_inodes_count;
	}
	fs->maxbuf = EXT2_CACHE_BYTES / fs->bsize;
	fs->wbuf = ext2_alloc(EXT2_IO_BYTES);
	fs->rbuf = ext2_alloc(EXT2_IO_BYTES);
	if (!fs->wbuf || !fs->rbuf) {
		ret = -ENOMEM;
		goto out;
	}
	ext2_time_now(&sec, &nsec);
	fs->next_gen = (u32)sec * 2654435761u ^ nsec;
	if (!fs->rdonly) {
		fs->sb.s_mtime = (u32)sec;
		fs->sb.s_mnt_count++;
		fs->sb_dirty = true;
	}
	*fsp = fs;
	return 0;
out:
	ext2_lock_destroy(&fs->lock);
	ext2_free(fs->wbuf);
	ext2_free(fs->rbuf);
	ext2_free(fs->gd);
	ext2_free(fs);
	return ret;
}

static int sync_locked(struct ext2_fs *fs)
{
	struct ext2_buf *b;
	int ret = 0, r;

	if (fs->rdonly)
		return 0;
	if (!fs->state_cleared && !fs->sb_dirty)
		return 0;
	/*
	 * Runs of dirty blocks go out from their first block; a run longer
	 * than one request leaves its tail for the next pass.
	 */
	for (bool more = true; more && !ret;) {
		more = false;
		for (b = fs->lru_head; b; b = b->next) {
			struct ext2_buf *pb;

			if (!b->dirty)
				continue;
			pb = b->blk ? buf_peek(fs, b->blk - 1) : NULL;
			if (pb && pb->dirty) {
				more = true;
				continue;
			}
			r = buf_writeback(fs, b);
			if (r && !ret)
				ret = r;
		}
	}
	r = dev_write(fs, (u64)(fs->first_data + 1) << fs->bits, fs->gd,
		      (size_t)fs->gdt_blocks * fs->bsize);
	if (r && !ret)
		ret = r;
	if (ret)
		return ret;
	/* Data and descriptors must be on disk before the clean state. */
	if (fs->bdev.flush) {
		ret = fs->bdev.flush(fs->bdev.dev);
		if (ret)
			return ret;
	}
	/* An unchecked file system stays unchecked, as with Linux. */
	ret = write_super(fs, fs->was_clean);
	if (ret)
		return ret;
	fs->state_cleared = false;
	fs->sb_dirty = false;
	return 0;
}

int ext2_sync(struct ext2_fs *fs)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = sync_locked(fs);
	ext2_unlock(&fs->lock);
	return ret;
}

int ext2_umount(struct ext2_fs *fs)
{
	int ret;

	ext2_lock(&fs->lock);
	ret = sync_locked(fs);
	cache_free(fs);
	ext2_unlock(&fs->lock);
	ext2_lock_destroy(&fs->lock);
	ext2_free(fs->wbuf);
	ext2_free(fs->rbuf);
	ext2_free(fs->gd);
	ext2_free(fs);
	return ret;
}

int ext2_statfs(struct ext2_fs *fs, struct sp_statfs *st)
{
	u64 overhead;
	u32 g;

	ext2_lock(&fs->lock);
	/* As Linux's ext2: what the metadata takes is not counted. */
	overhead = fs->first_data;
	for (g = 0; g < fs->ngroups; g++)
		if (group_has_super(fs, g))
			overhead += 1 + fs->gdt_blocks;
	overhead += (u64)fs->ngroups * (2 + fs->itb_per_group);
	memset(st, 0, sizeof(*st));
	st->blocks = fs->blocks_count > overhead ?
		     fs->blocks_count - overhead : 0;
	st->bfree = fs->sb.s_free_blocks_count;
	st->bavail = st->bfree > fs->sb.s_r_blocks_count ?
		     st->bfree - fs->sb.s_r_blocks_count : 0;
	st->files = fs->inodes_count;
	st->ffree = fs->sb.s_free_inodes_count;
	for (g = 0; g < 8; g++)
		st->fsid |= (u64)(fs->sb.s_uuid[g] ^ fs->sb.s_uuid[g + 8])
			    << (8 * g);
	st->bsize = fs->bsize;
	st->namelen = EXT2_NAME_LEN;
	st->flags = fs->rdonly ? 1 : 0;	/* ST_RDONLY */
	ext2_unlock(&fs->lock);
	return 0;
}
