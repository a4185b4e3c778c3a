// SPDX-License-Identifier: GPL-2.0
/*
 * The storage manager: mounts the node's disk (the first one the block
 * drivers registered; they probe from pci_init(), before the managers
 * start) as ext2 and serves the file protocol from it (server.c).
 */
#define pr_fmt(fmt) "storage: " fmt

#include <tessera/kernel.h>
#include <tessera/blkdev.h>
#include <tessera/errno.h>
#include <tessera/ext2.h>
#include <tessera/manager.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/mutex.h>

#include "internal.h"

/*
 * ext2 asks for any byte range; the disk takes whole logical blocks.
 * Aligned ranges go straight through; the rest through a bounce buffer
 * (read-modify-write for writes), serialised by bounce_lock.
 */
static DEFINE_MUTEX(bounce_lock);

static int disk_rw(struct block_device *bd, u64 off, void *buf, size_t len,
		   bool write)
{
	u32 lbs = bd->logical_block_size;
	u64 start, end;
	size_t blen;
	u8 *bounce;
	int ret;

	if (!len)
		return 0;
	if (off + len < off || off + len > bd->nr_sectors << SECTOR_SHIFT)
		return -EINVAL;
	if (!(off % lbs) && !(len % lbs))
		return write ? blkdev_write(bd, off, buf, len) :
			       blkdev_read(bd, off, buf, len);
	start = off - off % lbs;
	end = off + len + (lbs - (off + len) % lbs) % lbs;
	blen = end - start;
	bounce = kmalloc(blen, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	mutex_lock(&bounce_lock);
	if (write) {
		/* Only the partial first and last blocks need the old bytes. */
		ret = blkdev_read(bd, start, bounce, lbs);
		if (!ret && blen > lbs)
			ret = blkdev_read(bd, end - lbs, bounce + blen - lbs, lbs);
		if (!ret) {
			memcpy(bounce + (off - start), buf, len);
			ret = blkdev_write(bd, start, bounce, blen);
		}
	} else {
		ret = blkdev_read(bd, start, bounce, blen);
		if (!ret)
			memcpy(buf, bounce + (off - start), len);
	}
	mutex_unlock(&bounce_lock);
	kfree(bounce);
	return ret;
}

static int disk_read(void *dev, u64 off, void *buf, size_t len)
{
	return disk_rw(dev, off, buf, len, false);
}

static int disk_write(void *dev, u64 off, const void *buf, size_t len)
{
	return disk_rw(dev, off, (void *)buf, len, true);
}

static int disk_flush(void *dev)
{
	return blkdev_flush(dev);
}

static struct ext2_blkdev disk;

void storage_manager_init(void)
{
	struct block_device *bd = blkdev_first();
	struct ext2_fs *fs = NULL;
	struct sp_statfs st;
	bool rdonly = false;
	int ret;

	if (!bd) {
		pr_info("no disk: file requests get -ENODEV\n");
		storage_server_start(NULL, false, -ENODEV);
		return;
	}
	disk = (struct ext2_blkdev) {
		.read = disk_read, .write = disk_write, .flush = disk_flush,
		.dev = bd, .size = bd->nr_sectors << SECTOR_SHIFT,
	};
	/* ext2 itself mounts read-only what it cannot write; statfs says so. */
	ret = ext2_mount(&disk, bd->read_only ? EXT2_MOUNT_RDONLY : 0, &fs);
	if (ret) {
		pr_err("%s: no ext2 file system to mount (error %d): file requests get -EIO\n",
		       bd->name, ret);
		storage_server_start(NULL, false, -EIO);
		return;
	}
	ret = ext2_statfs(fs, &st);
	if (ret)
		memset(&st, 0, sizeof(st));
	rdonly = bd->read_only || (st.flags & ST_RDONLY);
	pr_info("%s: ext2%s, %u-byte blocks, %llu MiB, %llu MiB free, %llu of %llu inodes free\n",
		bd->name, rdonly ? " (read-only)" : "", st.bsize,
		(st.blocks * st.bsize) >> 20, (st.bfree * st.bsize) >> 20,
		st.ffree, st.files);
	storage_server_start(fs, rdonly, 0);
}
