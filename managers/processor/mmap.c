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
#include <uapi/linux/mman.h>
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
		      unsigned long end, u32 prot, u32 flags)
{
	struct vm_area *v = kmalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = end;
	v->prot = prot;
	v->flags = flags;
	vma_link(mm, v);
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
	if (vma_insert(mm, addr, end, v->prot, v->flags)) {
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
			v->start = end;	/* keeps its place in the tree */
			break;
		}
		rb_erase(&v->rb, &mm->vmas);
		kfree(v);
	}
}

/* Mirror what the memory node says now covers [v->start, v->end). */
int vma_mirror(struct mm_struct *mm, const struct mp_vma *v)
{
	if (v->start >= v->end || v->end > TASK_SIZE ||
	    !PAGE_ALIGNED(v->start) || !PAGE_ALIGNED(v->end))
		return -EPROTO;
	vma_punch(mm, v->start, v->end);
	return vma_insert(mm, v->start, v->end, v->prot, v->flags);
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

	while ((n = rb_first(&mm->vmas))) {
		rb_erase(n, &mm->vmas);
		kfree(rb_entry(n, struct vm_area, rb));
	}
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
	long ret;

	if (!len || PAGE_ALIGN(len) > TASK_SIZE || !PAGE_ALIGNED(off))
		return -EINVAL;
	if ((flags & MAP_TYPE) != MAP_SHARED && (flags & MAP_TYPE) != MAP_PRIVATE)
		return -EINVAL;
	if ((flags & MAP_FIXED) && !range_ok(addr, len))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fget((int)a4);
		if (!f)
			return -EBADF;
		/* Only archive files map; a directory does not. */
		if (f->type != FILE_MEMORY || f->f_op->iterate) {
			fput(f);
			return -ENODEV;
		}
		req.fd_handle = f->handle;
	}
	mutex_lock(&mm->lock);
	/* A fixed mapping replaces whatever was there. */
	if (flags & MAP_FIXED)
		pcache_drop_begin(mm, addr, addr + PAGE_ALIGN(len));
	ret = mm_call(MEMOP_MMAP, &req, sizeof(req), &rep, sizeof(rep));
	ret = mirror_mapping(mm, ret, &rep, len, flags & MAP_FIXED);
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
	pcache_drop_end(mm);
	mutex_unlock(&mm->lock);
	return ret;
}
