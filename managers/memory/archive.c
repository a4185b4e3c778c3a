// SPDX-License-Identifier: GPL-2.0
/*
 * Files from the boot archives: every GRUB module given to the memory
 * manager is a newc cpio archive whose files are served read-only to the
 * processors (MEMOP_OPEN, MEMOP_PREAD, MEMOP_STAT) and to the ELF
 * loader.  The archives stay where GRUB put them (memblock reserved
 * them); an index of paths points into them.
 */
#define pr_fmt(fmt) "memory: " fmt

#include <tessera/kernel.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/page.h>

#include "cpio.h"
#include "internal.h"

#define LOOKUP_MAX_LINKS	40	/* Linux's MAXSYMLINKS */
#define MAX_HANDLES_PER_NODE	1024

static struct rb_root archive_tree = RB_ROOT;
static unsigned int archive_files;
static u64 archive_next_ino = 1ULL << 32;	/* made-up directories */

static struct mfile *tree_find(const char *path)
{
	struct rb_node *n = archive_tree.rb_node;

	while (n) {
		struct mfile *f = rb_entry(n, struct mfile, rb);
		int c = strcmp(path, f->path);

		if (!c)
			return f;
		n = c < 0 ? n->rb_left : n->rb_right;
	}
	return NULL;
}

/* Insert f; a later archive's entry replaces an earlier one. */
static void tree_insert(struct mfile *f)
{
	struct rb_node **link = &archive_tree.rb_node, *parent = NULL;

	while (*link) {
		struct mfile *o = rb_entry(*link, struct mfile, rb);
		int c = strcmp(f->path, o->path);

		parent = *link;
		if (!c) {
			rb_erase(&o->rb, &archive_tree);
			kfree(o->path);
			kfree(o);
			archive_files--;
			tree_insert(f);
			return;
		}
		link = c < 0 ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&f->rb, parent, link);
	rb_insert_color(&f->rb, &archive_tree);
	archive_files++;
}

/*
 * "./bin//sh", "bin/sh/" and "/bin/sh" all become "/bin/sh"; "." is
 * "/".  NULL for a name with a ".." component or no memory.
 */
static char *archive_norm(const char *name, size_t len)
{
	char *p = kmalloc(len + 2, GFP_KERNEL), *o = p;
	size_t i = 0;

	if (!p)
		return NULL;
	while (i < len) {
		size_t j;

		while (i < len && name[i] == '/')
			i++;
		for (j = i; j < len && name[j] != '/'; j++)
			;
		if (j == i)
			break;
		if (j - i == 2 && name[i] == '.' && name[i + 1] == '.') {
			kfree(p);
			return NULL;
		}
		if (!(j - i == 1 && name[i] == '.')) {
			*o++ = '/';
			memcpy(o, name + i, j - i);
			o += j - i;
		}
		i = j;
	}
	if (o == p)
		*o++ = '/';
	*o = '\0';
	return p;
}

/* Archive files live as long as the node: no references to count. */
static ssize_t archive_read(struct fsource *src, u64 off, void *buf,
			    size_t len)
{
	const struct mfile *f = container_of(src, struct mfile, src);

	if (off >= f->size)
		return 0;
	len = min((u64)len, f->size - off);
	memcpy(buf, f->data + off, len);
	return len;
}

static const struct fsource_ops archive_src_ops = {
	.read = archive_read,
};

static struct mfile *mfile_new(char *path, u32 mode)
{
	struct mfile *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->src.ops = &archive_src_ops;
	f->path = path;
	f->mode = mode;
	f->nlink = 1;
	return f;
}

/* A directory the archives imply ("/bin" for "/bin/sh") but lack. */
static void archive_add_dir(const char *path, size_t len)
{
	char *p = kmalloc(len + 1, GFP_KERNEL);
	struct mfile *f;

	if (!p)
		return;
	memcpy(p, path, len);
	p[len] = '\0';
	if (tree_find(p)) {
		kfree(p);
		return;
	}
	f = mfile_new(p, CPIO_S_IFDIR | 0755);
	if (!f) {
		kfree(p);
		return;
	}
	f->nlink = 2;
	f->ino = archive_next_ino++;
	tree_insert(f);
}

static void archive_add_parents(void)
{
	struct rb_node *n;

	archive_add_dir("/", 1);
	/* Parents sort before their children, so rb_next() skips them. */
	for (n = rb_first(&archive_tree); n; n = rb_next(n)) {
		const char *path = rb_entry(n, struct mfile, rb)->path;
		const char *s;

		for (s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/'))
			archive_add_dir(path, s - path);
	}
}

static int archive_check(const void *buf, size_t len, unsigned int *nr,
			 u64 *bytes, size_t *bad_at)
{
	struct cpio_entry e;
	size_t pos = 0;
	int ret;

	*nr = 0;
	*bytes = 0;
	for (;;) {
		*bad_at = pos;
		ret = cpio_next(buf, len, &pos, &e);
		if (ret <= 0)
			return ret;
		if ((e.mode & CPIO_S_IFMT) == CPIO_S_IFREG) {
			(*nr)++;
			*bytes += e.size;
		}
	}
}

static void archive_load(const struct boot_module *m)
{
	const void *buf = __va(m->start);
	size_t len = m->end - m->start, pos = 0, bad_at;
	struct cpio_entry e;
	unsigned int nr, skipped = 0;
	u64 bytes;
	int ret;

	ret = archive_check(buf, len, &nr, &bytes, &bad_at);
	if (ret < 0) {
		pr_warn("archive: module \"%s\" ignored: %s at offset %zu (%d)\n",
			m->cmdline, ret == -EBADMSG ? "bad magic" :
			ret == -EOVERFLOW ? "truncated" : "bad header",
			bad_at, ret);
		return;
	}
	while (cpio_next(buf, len, &pos, &e) > 0) {
		u32 type = e.mode & CPIO_S_IFMT;
		struct mfile *f;
		char *path;

		if (type != CPIO_S_IFREG && type != CPIO_S_IFDIR &&
		    type != CPIO_S_IFLNK) {
			skipped++;	/* devices, fifos, sockets */
			continue;
		}
		path = archive_norm(e.name, e.namelen);
		if (!path) {
			skipped++;
			continue;
		}
		f = mfile_new(path, e.mode);
		if (!f) {
			kfree(path);
			skipped++;
			continue;
		}
		f->ino = e.ino;
		f->size = e.size;
		f->nlink = e.nlink;
		f->uid = e.uid;
		f->gid = e.gid;
		f->mtime = e.mtime;
		f->data = e.data;
		tree_insert(f);
	}
	pr_info("archive: %u file%s, %llu.%llu MiB from module \"%s\"\n", nr,
		nr == 1 ? "" : "s", bytes >> 20,
		((bytes & (SZ_1M - 1)) * 10) >> 20, m->cmdline);
	if (skipped)
		pr_warn("archive: module \"%s\": %u entries skipped (special files, \"..\" in names)\n",
			m->cmdline, skipped);
}

void archive_init(void)
{
	unsigned int i;

	for (i = 0; i < boot_info.nr_modules; i++)
		archive_load(&boot_info.modules[i]);
	archive_add_parents();
	if (!boot_info.nr_modules)
		pr_info("archive: no module: no files to serve\n");
}

unsigned int archive_nr_files(void)
{
	return archive_files;
}

void archive_stat(const struct mfile *f, struct mp_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = f->ino;
	st->size = f->size;
	st->mode = f->mode;
	st->nlink = f->nlink;
	st->uid = f->uid;
	st->gid = f->gid;
	st->mtime = f->mtime;
}

/*
 * Walk path component by component from "/", so that a symlink in the
 * middle is followed like Linux does; a relative path starts at "/" as
 * well (processors resolve their working directory themselves).
 */
int archive_lookup(const char *path, size_t len, bool follow,
		   const struct mfile **out)
{
	const size_t bufsz = 2 * MEMPROTO_PATH_MAX + 2;
	char *buf, *cur, *tmp;
	const struct mfile *f;
	unsigned int links = 0;
	size_t curlen;
	int ret = 0;

	if (!len)
		return -ENOENT;
	if (len > MEMPROTO_PATH_MAX)
		return -ENAMETOOLONG;
	if (memchr(path, '\0', len))
		return -EINVAL;
	buf = kmalloc(3 * bufsz, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf + bufsz;
	tmp = cur + bufsz;
	memcpy(buf, path, len);
	buf[len] = '\0';

restart:
	f = tree_find("/");
	curlen = 0;
	cur[0] = '\0';
	path = buf;
	for (;;) {
		const char *c, *rest;
		size_t clen;

		while (*path == '/')
			path++;
		if (!*path)
			break;
		c = path;
		while (*path && *path != '/')
			path++;
		clen = path - c;
		for (rest = path; *rest == '/'; rest++)
			;
		if (!MF_ISDIR(f)) {
			ret = -ENOTDIR;
			goto out;
		}
		if (clen == 1 && c[0] == '.')
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			while (curlen && cur[--curlen] != '/')
				;
			cur[curlen] = '\0';
			f = tree_find(curlen ? cur : "/");
			continue;
		}
		if (curlen + 1 + clen >= bufsz) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		cur[curlen] = '/';
		memcpy(cur + curlen + 1, c, clen);
		cur[curlen + 1 + clen] = '\0';
		f = tree_find(cur);
		if (!f) {
			ret = -ENOENT;
			goto out;
		}
		if (MF_ISLNK(f) && (*rest || *path == '/' || follow)) {
			size_t tlen = f->size, rlen = strlen(rest), n = 0;

			if (++links > LOOKUP_MAX_LINKS) {
				ret = -ELOOP;
				goto out;
			}
			if (!tlen || memchr(f->data, '\0', tlen)) {
				ret = -ENOENT;
				goto out;
			}
			if (f->data[0] != '/')
				n = curlen;	/* relative to the link's directory */
			if (n + 1 + tlen + 1 + rlen >= bufsz) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			memcpy(tmp, cur, n);
			tmp[n++] = '/';
			memcpy(tmp + n, f->data, tlen);
			n += tlen;
			tmp[n++] = '/';
			memcpy(tmp + n, rest, rlen + 1);
			/* "a/" on a link to a file must still say ENOTDIR. */
			if (!*rest && *path != '/')
				tmp[n - 1] = '\0';
			memcpy(buf, tmp, n + rlen + 1);
			goto restart;
		}
		curlen += 1 + clen;
		if (!*rest && *path == '/' && !MF_ISDIR(f)) {
			ret = -ENOTDIR;
			goto out;
		}
	}
	*out = f;
out:
	kfree(buf);
	return ret;
}

/* The first entry whose path sorts at or after key. */
static struct rb_node *tree_lower_bound(const char *key)
{
	struct rb_node *n = archive_tree.rb_node, *best = NULL;

	while (n) {
		struct mfile *f = rb_entry(n, struct mfile, rb);

		if (strcmp(f->path, key) >= 0) {
			best = n;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

/* Append one record to a MEMOP_GETDENTS reply; false when it is full. */
static bool dirent_put(void *reply, size_t max, size_t *used, u64 ino,
		       u64 next, u32 mode, const char *name, size_t len)
{
	struct mp_dirent d = {
		.ino = ino, .next = next, .name_len = len,
		.type = (mode & CPIO_S_IFMT) >> 12,
	};

	if (*used + sizeof(d) + len > max)
		return false;
	memcpy((char *)reply + *used, &d, sizeof(d));
	memcpy((char *)reply + *used + sizeof(d), name, len);
	*used += sizeof(d) + len;
	return true;
}

/*
 * The entries of directory dir from cursor on, as MEMOP_GETDENTS replies
 * them: ".", "..", then the children in path order (paths that share
 * the prefix "dir/" are neighbours in the tree).  Returns the bytes used.
 */
int archive_getdents(const struct mfile *dir, u64 cursor, void *reply,
		     size_t max)
{
	size_t plen = strlen(dir->path), used = 0;
	const struct mfile *parent = dir;
	struct rb_node *n;
	u64 pos = 2;
	char *prefix;

	if (!MF_ISDIR(dir))
		return -ENOTDIR;
	if (cursor < 2) {
		if (plen > 1) {
			const char *s = strrchr(dir->path, '/');
			char *pp = kmalloc(s - dir->path + 2, GFP_KERNEL);

			if (!pp)
				return -ENOMEM;
			/* "/a/b" -> "/a", "/a" -> "/" */
			memcpy(pp, dir->path, s - dir->path);
			pp[s - dir->path] = '/';
			pp[max(s - dir->path, (ptrdiff_t)1)] = '\0';
			parent = tree_find(pp) ?: dir;
			kfree(pp);
		}
		if (!cursor && !dirent_put(reply, max, &used, dir->ino, 1,
					   dir->mode, ".", 1))
			return used;
		if (!dirent_put(reply, max, &used, parent->ino, 2,
				parent->mode, "..", 2))
			return used;
	}
	prefix = kmalloc(plen + 2, GFP_KERNEL);
	if (!prefix)
		return -ENOMEM;
	memcpy(prefix, dir->path, plen);
	if (plen > 1)
		prefix[plen++] = '/';
	prefix[plen] = '\0';
	for (n = tree_lower_bound(prefix); n; n = rb_next(n)) {
		const struct mfile *f = rb_entry(n, struct mfile, rb);
		const char *name = f->path + plen;

		if (strncmp(f->path, prefix, plen))
			break;
		if (!*name || strchr(name, '/'))
			continue;	/* the directory itself, grandchildren */
		if (pos++ < cursor)
			continue;
		if (!dirent_put(reply, max, &used, f->ino, pos, f->mode, name,
				strlen(name)))
			break;
	}
	kfree(prefix);
	return used;
}

/* ------------------------------------------------------------- handles -- */

struct mhandle {
	struct list_head list;
	u32 node;
	u64 id;
	const struct mfile *file;
};

static LIST_HEAD(handles);
static DEFINE_SPINLOCK(handles_lock);
static u64 handles_next_id = 1;

int handle_open(u32 node, const struct mfile *f, u64 *handle)
{
	struct mhandle *h = kmalloc(sizeof(*h), GFP_KERNEL), *o;
	unsigned int n = 0;

	if (!h)
		return -ENOMEM;
	h->node = node;
	h->file = f;
	spin_lock(&handles_lock);
	list_for_each_entry(o, &handles, list)
		if (o->node == node)
			n++;
	if (n >= MAX_HANDLES_PER_NODE) {
		spin_unlock(&handles_lock);
		kfree(h);
		return -EMFILE;
	}
	h->id = handles_next_id++;
	list_add(&h->list, &handles);
	spin_unlock(&handles_lock);
	*handle = h->id;
	return 0;
}

static struct mhandle *handle_find(u32 node, u64 id)
{
	struct mhandle *h;

	list_for_each_entry(h, &handles, list)
		if (h->id == id && h->node == node)
			return h;
	return NULL;
}

int handle_close(u32 node, u64 id)
{
	struct mhandle *h;

	spin_lock(&handles_lock);
	h = handle_find(node, id);
	if (h)
		list_del(&h->list);
	spin_unlock(&handles_lock);
	if (!h)
		return -EBADF;
	kfree(h);
	return 0;
}

/* Files never go away, so the pointer outlives the lock. */
const struct mfile *handle_file(u32 node, u64 id)
{
	struct mhandle *h;
	const struct mfile *f = NULL;

	spin_lock(&handles_lock);
	h = handle_find(node, id);
	if (h)
		f = h->file;
	spin_unlock(&handles_lock);
	return f;
}

unsigned int handle_close_all(u32 node)
{
	struct mhandle *h, *t;
	unsigned int n = 0;

	spin_lock(&handles_lock);
	list_for_each_entry_safe(h, t, &handles, list) {
		if (h->node != node)
			continue;
		list_del(&h->list);
		kfree(h);
		n++;
	}
	spin_unlock(&handles_lock);
	return n;
}
