/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ext2 internals: the on-disk layout (little-endian; the code runs only
 * on little-endian machines) and what the files of fs/ext2/ share.  The
 * structures are naturally aligned, so no packing (sizes checked in
 * super.c).
 */
#ifndef _FS_EXT2_INT_H
#define _FS_EXT2_INT_H

#include "ext2_env.h"
#include <tessera/ext2.h>

#define EXT2_SUPER_MAGIC	0xEF53
#define EXT2_SB_OFFSET		1024

#define EXT2_VALID_FS		0x0001
#define EXT2_ERROR_FS		0x0002

#define EXT2_FEATURE_COMPAT_EXT_ATTR		0x0008
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER	0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE	0x0002
#define EXT2_FEATURE_INCOMPAT_FILETYPE		0x0002
#define EXT2_KNOWN_RO_COMPAT	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
				 EXT2_FEATURE_RO_COMPAT_LARGE_FILE)
#define EXT2_KNOWN_INCOMPAT	EXT2_FEATURE_INCOMPAT_FILETYPE

#define EXT2_RESIZE_INO		7
#define EXT2_GOOD_OLD_FIRST_INO	11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS	12
#define EXT2_N_BLOCKS		15
#define EXT2_LINK_MAX		32000
#define EXT2_NAME_LEN		255
#define EXT2_FAST_LINK_MAX	60	/* bytes of i_block */
#define EXT2_INDEX_FL		0x00001000
#define EXT2_MAX_SYMLINKS	40
#define EXT2_EA_MAGIC		0xEA020000

/* Mode bits, as Linux's. */
#define S_IFMT_		0170000
#define S_IFSOCK_	0140000
#define S_IFLNK_	0120000
#define S_IFREG_	0100000
#define S_IFBLK_	0060000
#define S_IFDIR_	0040000
#define S_IFCHR_	0020000
#define S_IFIFO_	0010000
#define IS_DIR(m)	(((m) & S_IFMT_) == S_IFDIR_)
#define IS_REG(m)	(((m) & S_IFMT_) == S_IFREG_)
#define IS_LNK(m)	(((m) & S_IFMT_) == S_IFLNK_)

/* Directory entry file types. */
enum {
	EXT2_FT_UNKNOWN, EXT2_FT_REG_FILE, EXT2_FT_DIR, EXT2_FT_CHRDEV,
	EXT2_FT_BLKDEV, EXT2_FT_FIFO, EXT2_FT_SOCK, EXT2_FT_SYMLINK,
	EXT2_FT_MAX
};

struct ext2_super_block {
	u32 s_inodes_count;
	u32 s_blocks_count;
	u32 s_r_blocks_count;
	u32 s_free_blocks_count;
	u32 s_free_inodes_count;
	u32 s_first_data_block;
	u32 s_log_block_size;
	u32 s_log_frag_size;
	u32 s_blocks_per_group;
	u32 s_frags_per_group;
	u32 s_inodes_per_group;
	u32 s_mtime;
	u32 s_wtime;
	u16 s_mnt_count;
	u16 s_max_mnt_count;
	u16 s_magic;
	u16 s_state;
	u16 s_errors;
	u16 s_minor_rev_level;
	u32 s_lastcheck;
	u32 s_checkinterval;
	u32 s_creator_os;
	u32 s_rev_level;
	u16 s_def_resuid;
	u16 s_def_resgid;
	/* EXT2_DYNAMIC_REV */
	u32 s_first_ino;
	u16 s_inode_size;
	u16 s_block_group_nr;
	u32 s_feature_compat;
	u32 s_feature_incompat;
	u32 s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	u32 s_algorithm_usage_bitmap;
	u8 s_prealloc_blocks;
	u8 s_prealloc_dir_blocks;
	u16 s_reserved_gdt_blocks;
	u8 s_journal_uuid[16];
	u32 s_journal_inum;
	u32 s_journal_dev;
	u32 s_last_orphan;
	u32 s_hash_seed[4];
	u8 s_def_hash_version;
	u8 s_jnl_backup_type;
	u16 s_desc_size;
	u32 s_default_mount_opts;
	u32 s_first_meta_bg;
	u32 s_mkfs_time;
	u32 s_jnl_blocks[17];
	u32 s_blocks_count_hi;
	u32 s_r_blocks_count_hi;
	u32 s_free_blocks_hi;
	u16 s_min_extra_isize;
	u16 s_want_extra_isize;
	u32 s_flags;
	u8 s_rest[1024 - 0x164];
};

struct ext2_group_desc {
	u32 bg_block_bitmap;
	u32 bg_inode_bitmap;
	u32 bg_inode_table;
	u16 bg_free_blocks_count;
	u16 bg_free_inodes_count;
	u16 bg_used_dirs_count;
	u16 bg_flags;
	u32 bg_reserved[3];
};

/* The first 160 bytes of an on-disk inode: all this code touches. */
struct ext2_inode {
	u16 i_mode;
	u16 i_uid;
	u32 i_size;
	u32 i_atime;
	u32 i_ctime;
	u32 i_mtime;
	u32 i_dtime;
	u16 i_gid;
	u16 i_links_count;
	u32 i_blocks;
	u32 i_flags;
	u32 i_osd1;
	u32 i_block[EXT2_N_BLOCKS];
	u32 i_generation;
	u32 i_file_acl;
	u32 i_size_high;
	u32 i_faddr;
	u16 i_blocks_hi;
	u16 i_file_acl_high;
	u16 i_uid_high;
	u16 i_gid_high;
	u16 i_checksum_lo;
	u16 i_reserved;
	/* Beyond the good old 128 bytes, i_extra_isize of them. */
	u16 i_extra_isize;
	u16 i_checksum_hi;
	u32 i_ctime_extra;
	u32 i_mtime_extra;
	u32 i_atime_extra;
	u32 i_crtime;
	u32 i_crtime_extra;
	u32 i_version_hi;
	u32 i_projid;
};

struct ext2_dirent {
	u32 inode;
	u16 rec_len;
	u8 name_len;
	u8 file_type;
	char name[];
};

#define EXT2_DIR_REC_LEN(n)	(((n) + 8 + 3) & ~3u)

/* A cached disk block. */
struct ext2_buf {
	u64 blk;
	u8 *data;
	int ref;
	bool dirty;
	struct ext2_buf *hnext;		/* hash chain */
	struct ext2_buf *prev, *next;	/* LRU, most recent first */
};

#ifndef EXT2_CACHE_BYTES	/* the fuzzer builds with a tiny cache */
#define EXT2_CACHE_BYTES	(4u << 20)
#endif
#define EXT2_HASH_SIZE		1024
#define EXT2_IO_BYTES		(64u << 10)	/* largest clustered request */

/* An inode read into memory; written back with iput_dirty(). */
struct ext2_ino {
	u32 ino;
	u32 extra;		/* usable i_extra_isize, 0 if none */
	bool fresh;		/* newly allocated: zero the whole slot */
	struct ext2_inode raw;
};

struct ext2_fs {
	ext2_lock_t lock;
	struct ext2_blkdev bdev;
	bool rdonly;
	bool state_cleared;	/* EXT2_VALID_FS cleared on disk since sync */
	bool sb_dirty;
	bool was_clean;		/* EXT2_VALID_FS and no errors at mount */		/* counts, features or times to write */
	struct ext2_super_block sb;
	struct ext2_group_desc *gd;
	u32 ngroups;
	u32 gdt_blocks;		/* blocks holding group descriptors */
	u32 bsize;
	u32 bits;		/* log2(bsize) */
	u32 apb;		/* block numbers per indirect block */
	u32 blocks_count;
	u32 inodes_count;
	u32 bpg, ipg;
	u32 first_data;
	u32 inode_size;
	u32 first_ino;
	u32 itb_per_group;	/* inode table blocks per group */
	u64 max_bytes;		/* largest file */
	u32 next_gen;
	u32 alloc_next;		/* where the next block search starts */
	/* The block cache. */
	u32 nbuf, maxbuf;
	struct ext2_buf *lru_head, *lru_tail;
	struct ext2_buf *hash[EXT2_HASH_SIZE];
	u8 *wbuf, *rbuf;	/* EXT2_IO_BYTES each, for clustered I/O */
};

/* super.c: the block cache, allocation. */
int ext2_bread(struct ext2_fs *fs, u64 blk, struct ext2_buf **bp);
bool ext2_bcached(struct ext2_fs *fs, u64 blk);
int ext2_bread_ahead(struct ext2_fs *fs, u64 blk, u32 nr,
		     struct ext2_buf **bp);
int ext2_bget_new(struct ext2_fs *fs, u64 blk, struct ext2_buf **bp);
void ext2_brelse(struct ext2_fs *fs, struct ext2_buf *b);
int ext2_bdirty(struct ext2_fs *fs, struct ext2_buf *b);
int ext2_fs_changed(struct ext2_fs *fs);
int ext2_new_block(struct ext2_fs *fs, u32 goal_group, u32 *blk);
void ext2_free_block(struct ext2_fs *fs, u32 blk);
int ext2_new_inode(struct ext2_fs *fs, u32 dir, bool isdir, u32 *ino);
void ext2_free_inode_bit(struct ext2_fs *fs, u32 ino, bool isdir);
bool ext2_valid_block(struct ext2_fs *fs, u32 blk);
void ext2_set_large_file(struct ext2_fs *fs);

/* inode.c */
int ext2_iget(struct ext2_fs *fs, u32 ino, struct ext2_ino *ei);
int ext2_iget_new(struct ext2_fs *fs, u32 ino, struct ext2_ino *ei);
int ext2_iput(struct ext2_fs *fs, struct ext2_ino *ei);
u64 ext2_isize(const struct ext2_ino *ei);
void ext2_set_isize(struct ext2_fs *fs, struct ext2_ino *ei, u64 size);
int ext2_bmap(struct ext2_fs *fs, struct ext2_ino *ei, u64 lblk, bool create,
	      u32 *pblk, bool *fresh);
int ext2_truncate_blocks(struct ext2_fs *fs, struct ext2_ino *ei, u64 size);
int ext2_drop_inode(struct ext2_fs *fs, struct ext2_ino *ei);
void ext2_touch(struct ext2_ino *ei, bool a, bool m, bool c);
void ext2_set_time(struct ext2_ino *ei, int which, s64 sec, u32 nsec);
bool ext2_fast_symlink(struct ext2_fs *fs, const struct ext2_ino *ei);
long ext2_readlink_ino(struct ext2_fs *fs, struct ext2_ino *ei, char *buf,
		       size_t size);
void ext2_init_inode(struct ext2_fs *fs, struct ext2_ino *ei, u32 ino,
		     u32 mode, u32 uid, u32 gid);
void ext2_fill_attr(struct ext2_fs *fs, const struct ext2_ino *ei,
		    struct sp_attr *attr);
long ext2_read_ino(struct ext2_fs *fs, struct ext2_ino *ei, u64 off,
		   void *buf, size_t len);
long ext2_write_ino(struct ext2_fs *fs, struct ext2_ino *ei, u64 off,
		    const void *buf, size_t len);

#define EXT2_T_ATIME	0
#define EXT2_T_MTIME	1
#define EXT2_T_CTIME	2

static inline u32 ext2_ino_group(struct ext2_fs *fs, u32 ino)
{
	return (ino - 1) / fs->ipg;
}

#define ext2_corrupt(fs, fmt, ...) ({					\
	ext2_corrupt_log("corrupt: " fmt, ##__VA_ARGS__);		\
	-EUCLEAN;							\
})

#endif /* _FS_EXT2_INT_H */
