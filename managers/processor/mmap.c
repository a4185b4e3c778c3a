// SPDX-License-Identifier: GPL-2.0
/*
 * Address spaces on the processor: the mirror of the memory node's VMAs
 * and the syscalls that change them.  Every change is made on the
 * memory node first; once it agreed, the mirror and the pcache follow
 * (Documentation/processor.md, "Address space").
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/pcache.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/uaccess.h>
#include "process.h"
#include <uapi/linux/fcntl.h>
#include <uapi/linux/mman.h>
#include <uapi/linux/stat.h>
#include "syscall.h"

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	mutex_init(&mm->lock);
	spin_lock_init(&mm->pt_lock);
	mm->vmas = RB_ROOT;
	refcount_set(&mm->users, 1);
	atomic_set(&mm->owners, 1);
	INIT_LIST_HEAD(&mm->file_shared_node);
	return mm;
}

/*
 * Drop a reference (the process's own, or one /proc took to read it);
 * the last one frees mm, which no CPU may have loaded any more.
 */
void mm_release(struct mm_struct *mm)
{
	if (!refcount_dec_and_test(&mm->users))
		return;
	vma_free_all(mm);
	pgd_free(mm->pgd);
	kfree(mm);
}

/* ------------------------------------------------------------ VMAs --- */

/*
 * The address spaces with MAP_SHARED mappings of S's files, so that
 * read(), write() and fsync() of such a file can write back and drop
 * this processor's lines of it.  Lock order: mm->lock, then
 * file_shared_lock.  nr_file_shared_vmas makes the others pay nothing.
 */
static LIST_HEAD(file_shared_mms);
static DEFINE_MUTEX(file_shared_lock);
static atomic_t nr_file_shared_vmas = ATOMIC_INIT(0);

/* A VMA with an fkey joins (delta 1) or leaves (-1) mm. */
static void vma_account(struct mm_struct *mm, struct vm_area *v, int delta)
{
	if (!v->fkey)
		return;
	atomic_add(delta, &nr_file_shared_vmas);
	mutex_lock(&file_shared_lock);
	mm->nr_file_shared += delta;
	if (!mm->nr_file_shared)
		list_del_init(&mm->file_shared_node);
	else if (list_empty(&mm->file_shared_node))
		list_add(&mm->file_shared_node, &file_shared_mms);
	mutex_unlock(&file_shared_lock);
}

static void vma_erase(struct mm_struct *mm, struct vm_area *v)
{
	vma_account(mm, v, -1);
	rb_erase(&v->rb, &mm->vmas);
	kfree(v);
}

/* The first VMA ending above addr, or NULL. */
static struct vm_area *vma_first_above(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->vmas.rb_node;
	struct vm_area *best = NULL;

	while (n) {
		struct vm_area *v = rb_entry(n, struct vm_area, rb);

		if (addr < v->end) {
			best = v;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}

static struct vm_area *vma_next(struct vm_area *v)
{
	struct rb_node *n = rb_next(&v->rb);

	return n ? rb_entry(n, struct vm_area, rb) : NULL;
}

static int vma_insert(struct mm_struct *mm, unsigned long start,
		      unsigned long end, u32 prot, u32 flags, u64 fkey,
		      u64 pgoff)
{
	struct vm_area *v = kmalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	v->fkey = fkey;
	v->pgoff = pgoff;
	vma_link(mm, v);
	vma_account(mm, v, 1);
	return 0;
}

/* Make addr a VMA boundary if a VMA straddles it. */
static int vma_split(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area *v = find_vma(mm, addr);
	unsigned long end;

	if (!v || v->start == addr)
		return 0;
	end = v->end;
	v->end = addr;
	if (vma_insert(mm, addr, end, v->prot, v->flags, v->fkey,
		       v->pgoff + (addr - v->start))) {
		v->end = end;
		return -ENOMEM;
	}
	return 0;
}

/* Remove [start, end) from the mirror (mm->lock held). */
void vma_punch(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area *v, *next;

	/* On -ENOMEM the straddling VMA is trimmed below instead. */
	vma_split(mm, end);
	for (v = vma_first_above(mm, start); v && v->start < end; v = next) {
		next = vma_next(v);
		if (v->start < start) {
			v->end = start;	/* the part below start stays */
			continue;
		}
		if (v->end > end) {
			v->pgoff += end - v->start;
			v->start = end;	/* keeps its place in the tree */
			break;
		}
		vma_erase(mm, v);
	}
}

/* Mirror what the memory node says now covers [v->start, v->end). */
int vma_mirror(struct mm_struct *mm, const struct mp_vma *v)
{
	if (v->start >= v->end || v->end > TASK_SIZE ||
	    !PAGE_ALIGNED(v->start) || !PAGE_ALIGNED(v->end))
		return -EPROTO;
	vma_punch(mm, v->start, v->end);
	return vma_insert(mm, v->start, v->end, v->prot, v->flags, 0, 0);
}

void vma_set_file(struct mm_struct *mm, unsigned long start, u64 fkey,
		  u64 pgoff)
{
	struct vm_area *v = find_vma(mm, start);

	if (!v || v->start != start || v->fkey == fkey)
		return;
	vma_account(mm, v, -1);
	v->fkey = fkey;
	v->pgoff = pgoff;
	vma_account(mm, v, 1);
}

static void vma_protect(struct mm_struct *mm, unsigned long start,
			unsigned long end, u32 prot)
{
	struct vm_area *v;

	vma_split(mm, start);
	vma_split(mm, end);
	for (v = vma_first_above(mm, start); v && v->start < end; v = vma_next(v))
		v->prot = prot;
}

void vma_free_all(struct mm_struct *mm)
{
	struct rb_node *n;

	while ((n = rb_first(&mm->vmas)))
		vma_erase(mm, rb_entry(n, struct vm_area, rb));
}

/* ------------------------------------------- shared file mappings --- */

/*
 * Write back and drop mm's lines of MAP_SHARED file VMAs in [start, end)
 * whose file is fkey (0: any) over file offsets [fstart, fend)
 * (mm->lock held).  0 or the first error.
 */
static int vma_flush_files(struct mm_struct *mm, unsigned long start,
			   unsigned long end, u64 fkey, u64 fstart, u64 fend)
{
	struct vm_area *v;
	int ret = 0, r;

	if (!mm->nr_file_shared)
		return 0;
	for (v = vma_first_above(mm, start); v && v->start < end;
	     v = vma_next(v)) {
		unsigned long s = max(v->start, start), e = min(v->end, end);
		u64 lo = v->pgoff + (s - v->start), hi = lo + (e - s);

		if (!v->fkey || (fkey && v->fkey != fkey))
			continue;
		/* The part of [s, e) that maps file offsets [fstart, fend). */
		lo = max(lo, fstart);
		hi = min(hi, fend);
		if (lo >= hi)
			continue;
		s = (v->start + (lo - v->pgoff)) & PAGE_MASK;
		e = PAGE_ALIGN(v->start + (hi - v->pgoff));
		r = pcache_flush_range(mm, s, e);
		if (!ret)
			ret = r;
	}
	return ret;
}

int storfs_flush_maps(struct sp_handle h, u64 start, u64 end)
{
	u64 fkey = h.ino ? (u64)h.gen << 32 | h.ino : 0;
	struct mm_struct *mms[16], *mm;
	unsigned int n = 0, i;
	int ret = 0, r;

	if (!atomic_read(&nr_file_shared_vmas) || start >= end)
		return 0;
	/* A reference to each (at most a batch), then each under its lock. */
	mutex_lock(&file_shared_lock);
	list_for_each_entry(mm, &file_shared_mms, file_shared_node) {
		if (n == ARRAY_SIZE(mms))
			break;
		if (refcount_inc_not_zero(&mm->users))
			mms[n++] = mm;
	}
	mutex_unlock(&file_shared_lock);
	for (i = 0; i < n; i++) {
		mutex_lock(&mms[i]->lock);
		r = vma_flush_files(mms[i], 0, TASK_SIZE, fkey, start, end);
		mutex_unlock(&mms[i]->lock);
		mm_release(mms[i]);
		if (!ret)
			ret = r;
	}
	return ret;
}

void mm_flush_files(struct mm_struct *mm)
{
	mutex_lock(&mm->lock);
	vma_flush_files(mm, 0, TASK_SIZE, 0, 0, U64_MAX);
	mutex_unlock(&mm->lock);
}

/* ---------------------------------------------------------- syscalls --- */

static bool range_ok(unsigned long addr, unsigned long len)
{
	return PAGE_ALIGNED(addr) && len && len <= TASK_SIZE &&
	       addr <= TASK_SIZE - PAGE_ALIGN(len);
}

/*
 * The memory node mapped [rep->addr, + len) (ret: the length of its
 * reply, or an error): mirror the mapping, optionally dropping the lines
 * the range had; the address or a negative errno.
 */
static long mirror_mapping(struct mm_struct *mm, long ret,
			   const struct mp_addr_reply *rep, unsigned long len,
			   bool zap)
{
	unsigned long end = rep->addr + PAGE_ALIGN(len);

	if (ret < 0)
		return ret;
	if (ret != sizeof(*rep) || !range_ok(rep->addr, len))
		return -EPROTO;
	if (zap)
		pcache_zap_range(mm, rep->addr, end);
	vma_punch(mm, rep->addr, end);
	ret = vma_mirror(mm, &rep->vma);
	return ret ?: (long)rep->addr;
}

/*
 * A file may map if it is open for reading (O_PATH, O_WRONLY: -EACCES,
 * as Linux), and for a shared writable mapping open for writing too;
 * M's archive files and S's regular files map, nothing else.
 */
static long mmap_file_check(struct file *f, u32 prot, u32 flags)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (f->f_op->iterate ||
	    (f->type != FILE_MEMORY &&
	     (f->type != FILE_STORAGE || !S_ISREG(f->sp_mode))))
		return -ENODEV;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
	    (f->flags & O_ACCMODE) != O_RDWR)
		return -EACCES;
	return 0;
}

SYSCALL_DEFINE(mmap)
{
	unsigned long addr = a0, len = a1, flags = a3, off = a5;
	struct mm_struct *mm = current->mm;
	struct mp_mmap_req req = {
		.tgid = current->mm->space_id, .prot = a2, .flags = flags,
		.addr = addr, .len = len, .offset = off,
	};
	struct mp_addr_reply rep;
	struct file *f = NULL;
	u64 fkey = 0;
	long ret;

	if (!len || PAGE_ALIGN(len) > TASK_SIZE || !PAGE_ALIGNED(off))
		return -EINVAL;
	/* M checks MAP_SHARED_VALIDATE's flags. */
	if ((flags & MAP_TYPE) != MAP_SHARED && (flags & MAP_TYPE) != MAP_PRIVATE &&
	    (flags & MAP_TYPE) != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if ((flags & MAP_FIXED) && !range_ok(addr, len))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fget((int)a4);
		if (!f)
			return -EBADF;
		ret = mmap_file_check(f, a2, flags);
		if (ret) {
			fput(f);
			return ret;
		}
		if (f->type == FILE_STORAGE) {
			req.fd_handle = (u64)f->sp.gen << 32 | f->sp.ino;
			if ((flags & MAP_TYPE) != MAP_PRIVATE)
				fkey = req.fd_handle;
		} else {
			req.fd_handle = f->handle;
		}
	}
	mutex_lock(&mm->lock);
	/* A fixed mapping replaces whatever was there. */
	if (flags & MAP_FIXED) {
		vma_flush_files(mm, addr, addr + PAGE_ALIGN(len), 0, 0, U64_MAX);
		pcache_drop_begin(mm, addr, addr + PAGE_ALIGN(len));
	}
	ret = mm_call(MEMOP_MMAP, &req, sizeof(req), &rep, sizeof(rep));
	ret = mirror_mapping(mm, ret, &rep, len, flags & MAP_FIXED);
	if (ret >= 0 && fkey)
		vma_set_file(mm, ret, fkey, off);
	pcache_drop_end(mm);
	mutex_unlock(&mm->lock);
	if (f)
		fput(f);
	return ret;
}

/* munmap, mprotect, madvise: a range request with an empty reply. */
static long range_call(u16 op, unsigned long addr, unsigned long len, u32 arg)
{
	struct mp_range_req req = {
		.tgid = current->mm->space_id, .arg = arg,
		.addr = addr, .len = len,
	};

	return mm_call(op, &req, sizeof(req), NULL, 0);
}

SYSCALL_DEFINE(munmap)
{
	unsigned long addr = a0, end = a0 + PAGE_ALIGN(a1);
	struct mm_struct *mm = current->mm;
	long ret;

	if (!range_ok(addr, a1))
		return -EINVAL;
	mutex_lock(&mm->lock);
	/* What was stored through a shared file mapping stays in the file. */
	vma_flush_files(mm, addr, end, 0, 0, U64_MAX);
	pcache_drop_begin(mm, addr, end);
	ret = range_call(MEMOP_MUNMAP, addr, a1, 0);
	if (!ret) {
		pcache_zap_range(mm, addr, end);
		vma_punch(mm, addr, end);
	}
	pcache_drop_end(mm);
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE(mprotect)
{
	unsigned long addr = a0, end = a0 + PAGE_ALIGN(a1);
	u32 prot = a2 & (MP_PROT_READ | MP_PROT_WRITE | MP_PROT_EXEC);
	struct mm_struct *mm = current->mm;
	long ret;

	if (!PAGE_ALIGNED(addr) || a2 & ~(unsigned long)prot)
		return -EINVAL;
	if (!a1)
		return 0;	/* Linux: an empty range is a success */
	if (!range_ok(addr, a1))
		return -ENOMEM;
	mutex_lock(&mm->lock);
	ret = range_call(MEMOP_MPROTECT, addr, a1, prot);
	if (!ret) {
		vma_protect(mm, addr, end, prot);
		pcache_protect_range(mm, addr, end, prot);
	}
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE(madvise)
{
	unsigned long addr = a0, end = a0 + PAGE_ALIGN(a1);
	struct mm_struct *mm = current->mm;
	long ret;

	if (!PAGE_ALIGNED(addr) || (a1 && !range_ok(addr, a1)))
		return -EINVAL;
	switch (a2) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
		return 0;	/* hints about read-ahead: nothing to act on */
	case MADV_DONTNEED:
	case MADV_FREE:		/* may free at once, as DONTNEED does */
		break;
	default:
		return -EINVAL;
	}
	if (!a1)
		return 0;
	mutex_lock(&mm->lock);
	/* Dropping a shared file page drops the copy, not the file's data. */
	vma_flush_files(mm, addr, end, 0, 0, U64_MAX);
	pcache_drop_begin(mm, addr, end);
	ret = range_call(MEMOP_MADVISE, addr, a1, MADV_DONTNEED);
	if (!ret)
		pcache_zap_range(mm, addr, end);
	pcache_drop_end(mm);
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE(brk)
{
	struct mm_struct *mm = current->mm;
	struct mp_brk_req req = { .tgid = current->mm->space_id, .brk = a0 };
	unsigned long old_end, new_end;
	u64 brk;
	long ret;

	mutex_lock(&mm->lock);
	/* A shrinking break drops the pages above it. */
	if (a0 >= mm->start_brk && PAGE_ALIGN(a0) < PAGE_ALIGN(mm->brk))
		pcache_drop_begin(mm, PAGE_ALIGN(a0), PAGE_ALIGN(mm->brk));
	ret = mm_call(MEMOP_BRK, &req, sizeof(req), &brk, sizeof(brk));
	if (ret == sizeof(brk) && brk >= mm->start_brk && brk < TASK_SIZE) {
		old_end = PAGE_ALIGN(mm->brk);
		new_end = PAGE_ALIGN(brk);
		if (new_end != old_end) {
			struct mp_vma heap = {
				.start = mm->start_brk & PAGE_MASK, .end = new_end,
				.prot = MP_PROT_READ | MP_PROT_WRITE,
				.flags = MP_VMA_ANON | MP_VMA_HEAP,
			};

			if (new_end < old_end)
				pcache_zap_range(mm, new_end, old_end);
			vma_punch(mm, heap.start, max(old_end, new_end));
			if (heap.end > heap.start)
				vma_mirror(mm, &heap);
		}
		mm->brk = brk;
	}
	pcache_drop_end(mm);
	/* Like Linux: the break, unchanged when it could not move. */
	ret = mm->brk;
	mutex_unlock(&mm->lock);
	return ret;
}

SYSCALL_DEFINE(mremap)
{
	unsigned long old = a0, old_len = a1, new_len = a2, flags = a3;
	struct mm_struct *mm = current->mm;
	struct mp_mremap_req req = {
		.tgid = current->mm->space_id, .flags = flags,
		.old_addr = old, .old_len = old_len, .new_len = new_len,
		.new_addr = a4,
	};
	struct mp_addr_reply rep;
	struct vm_area *v;
	u64 fkey = 0, pgoff = 0;
	long ret;

	if (flags & ~(unsigned long)(MREMAP_MAYMOVE | MREMAP_FIXED) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return -EINVAL;
	if (!range_ok(old, old_len ?: 1) || !new_len ||
	    PAGE_ALIGN(new_len) > TASK_SIZE)
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !range_ok(a4, new_len))
		return -EINVAL;
	mutex_lock(&mm->lock);
	v = find_vma(mm, old);
	if (v && v->start <= old && v->fkey) {
		fkey = v->fkey;
		pgoff = v->pgoff + (old - v->start);
	}
	/* The pages may move on the memory node: it needs their contents. */
	ret = pcache_flush_range(mm, old, old + PAGE_ALIGN(old_len));
	/* A fixed destination replaces whatever was there. */
	if (!ret && (flags & MREMAP_FIXED))
		pcache_drop_begin(mm, a4, a4 + PAGE_ALIGN(new_len));
	if (!ret)
		ret = mm_call(MEMOP_MREMAP, &req, sizeof(req), &rep, sizeof(rep));
	if (ret >= 0)
		vma_punch(mm, old, old + PAGE_ALIGN(old_len));
	ret = mirror_mapping(mm, ret, &rep, new_len, true);
	if (ret >= 0 && fkey)
		vma_set_file(mm, ret, fkey, pgoff);
	pcache_drop_end(mm);
	mutex_unlock(&mm->lock);
	return ret;
}

/*
 * Stores through shared file mappings of the range go back to the
 * memory node's page cache (the lines are written back and dropped);
 * MS_SYNC then has the files synced to disk.  -ENOMEM if part of the
 * range is unmapped, as Linux.
 */
SYSCALL_DEFINE(msync)
{
	unsigned long addr = a0, end = a0 + PAGE_ALIGN(a1), next;
	struct mm_struct *mm = current->mm;
	u64 keys[8];
	unsigned int nr = 0, i;
	struct vm_area *v;
	long ret = 0;

	if (!PAGE_ALIGNED(addr) || a2 & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) ||
	    ((a2 & MS_ASYNC) && (a2 & MS_SYNC)))
		return -EINVAL;
	if (end < addr || end > TASK_SIZE)
		return -ENOMEM;
	if (!a1)
		return 0;
	mutex_lock(&mm->lock);
	for (next = addr, v = vma_first_above(mm, addr); next < end;
	     v = vma_next(v)) {
		if (!v || v->start > next) {
			ret = -ENOMEM;
			break;
		}
		next = v->end;
		if (!v->fkey)
			continue;
		ret = vma_flush_files(mm, max(v->start, addr), min(v->end, end),
				      v->fkey, 0, U64_MAX);
		if (ret)
			break;
		for (i = 0; i < nr && keys[i] != v->fkey; i++)
			;
		if (i == nr && nr < ARRAY_SIZE(keys))
			keys[nr++] = v->fkey;
	}
	mutex_unlock(&mm->lock);
	for (i = 0; !ret && (a2 & MS_SYNC) && i < nr; i++)
		ret = storfs_fsync_key(keys[i]);
	return ret;
}
