// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF loader (MEMOP_EXEC): a static x86-64 executable from the
 * archive becomes a fresh address space, with its initial stack laid out
 * as Linux's binfmt_elf does, so unmodified static glibc and musl
 * programs find argc, argv, envp and auxv where they expect them.
 */
#define pr_fmt(fmt) "memory: " fmt

#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/ratelimit.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>
#include <asm/processor.h>
#include <uapi/linux/auxvec.h>
#include <uapi/linux/times.h>

#include "elf.h"
#include "internal.h"

#define EXEC_NR_AUXV	18	/* pairs, AT_NULL included */
#define EXEC_PLATFORM	"x86_64"

static bool exec_rdrand(u64 *v)
{
	static int has = -1;
	u32 a, b, c, d;
	int i;

	if (has < 0) {
		cpuid(1, &a, &b, &c, &d);
		has = !!(c & (1U << 30));
	}
	for (i = 0; has && i < 10; i++) {
		bool ok;

		asm volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* AT_RANDOM's 16 bytes: RDRAND when the CPU has it, mixed with the TSC. */
static void exec_random(u8 *out)
{
	u64 w[2];
	int i;

	for (i = 0; i < 2; i++) {
		u64 r = 0, t = rdtsc();

		exec_rdrand(&r);
		t ^= t >> 29;
		t *= 0xbf58476d1ce4e5b9ULL;
		t ^= t >> 32;
		w[i] = r ^ t ^ ((u64)i << 56);
	}
	memcpy(out, w, 16);
}

static u64 exec_hwcap(void)
{
	u32 a, b, c, d;

	cpuid(1, &a, &b, &c, &d);
	return d;
}

/*
 * Check the request's strings: exactly 1 + argc + envc NUL-terminated
 * strings filling strings_len bytes.  Returns the path's length or an
 * errno.
 */
static int exec_check_strings(const struct mp_exec_req *r, const char *s,
			      size_t len)
{
	u64 want = 1ULL + r->argc + r->envc, n = 0;
	size_t i, first = 0;

	if (r->strings_len != len || !len || s[len - 1] != '\0')
		return -EINVAL;
	if (len > MEMPROTO_PATH_MAX + MEMPROTO_ARGS_MAX)
		return -E2BIG;
	for (i = 0; i < len; i++) {
		if (s[i])
			continue;
		if (!n)
			first = i;
		n++;
	}
	if (n != want)
		return -EINVAL;
	if (!first)
		return -ENOENT;
	if (first >= MEMPROTO_PATH_MAX)
		return -ENAMETOOLONG;
	return first;
}

/* Map one PT_LOAD: the file's pages, then anonymous pages for the bss. */
static int exec_map_load(struct mspace *ms, struct fsource *f,
			 const struct elf_load *l)
{
	u64 start = ALIGN_DOWN(l->vaddr, PAGE_SIZE);
	u64 fend = l->vaddr + l->filesz;
	u64 mid = PAGE_ALIGN(fend), end = PAGE_ALIGN(l->vaddr + l->memsz);
	int ret;

	if (l->filesz) {
		/* The tail of the last file page past fend reads as zero. */
		ret = vma_map(ms, start, mid, l->prot, MP_VMA_FILE, f,
			      l->offset - (l->vaddr - start), fend, NULL);
		if (ret)
			return ret;
	} else {
		mid = start;
	}
	if (end > mid)
		return vma_map(ms, mid, end, l->prot, MP_VMA_ANON, NULL, 0, 0,
			       NULL);
	return 0;
}

/*
 * The initial stack, from the top: an 8-byte end marker, the path
 * (AT_EXECFN), the argument and environment strings, "x86_64", the 16
 * AT_RANDOM bytes; then, 16-byte aligned, argc, argv[], NULL, envp[],
 * NULL and the auxv pairs.  sp points to argc.
 */
static int exec_build_stack(struct mspace *ms, const struct elf_image *ei,
			    const struct mp_exec_req *r, const char *strings,
			    size_t pathlen, u64 *spp)
{
	size_t blk = r->strings_len - (pathlen + 1);
	u64 top = MM_STACK_TOP, p, execfn, str, platform, rnd, sp, size;
	u64 nwords = 1 + (r->argc + 1) + (r->envc + 1) + 2 * EXEC_NR_AUXV;
	u64 *w, *auxv;
	const char *s;
	u8 *buf;
	u32 i;
	int ret;

	p = top - 8;
	execfn = p -= pathlen + 1;
	str = p -= blk;
	platform = p -= sizeof(EXEC_PLATFORM);
	rnd = p -= 16;
	p = ALIGN_DOWN(p, 16);
	sp = ALIGN_DOWN(p - nwords * 8, 16);
	size = top - sp;
	if (size > MM_STACK_SIZE / 2)
		return -E2BIG;

	buf = vzalloc(size);
	if (!buf)
		return -ENOMEM;
#define AT(a)	(buf + ((a) - sp))
	memcpy(AT(execfn), strings, pathlen + 1);
	memcpy(AT(str), strings + pathlen + 1, blk);
	memcpy(AT(platform), EXEC_PLATFORM, sizeof(EXEC_PLATFORM));
	exec_random(AT(rnd));

	w = (u64 *)AT(sp);
	*w++ = r->argc;
	s = strings + pathlen + 1;
	for (i = 0; i < r->argc; i++, s += strlen(s) + 1)
		*w++ = str + (s - (strings + pathlen + 1));
	*w++ = 0;
	for (i = 0; i < r->envc; i++, s += strlen(s) + 1)
		*w++ = str + (s - (strings + pathlen + 1));
	*w++ = 0;

	auxv = w;
#define AUX(t, v)	do { *w++ = (t); *w++ = (v); } while (0)
	AUX(AT_HWCAP, exec_hwcap());
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_CLKTCK, USER_HZ);
	AUX(AT_PHDR, ei->phdr);
	AUX(AT_PHENT, ei->phentsize);
	AUX(AT_PHNUM, ei->phnum);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, ei->entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, rnd);
	AUX(AT_EXECFN, execfn);
	AUX(AT_PLATFORM, platform);
	AUX(AT_NULL, 0);
#undef AUX
#undef AT
	WARN_ON(w - auxv != 2 * EXEC_NR_AUXV || (u8 *)w > buf + size);

	ret = space_write(ms, sp, buf, size);
	vfree(buf);
	*spp = sp;
	return ret;
}

static struct mspace *exec_load(u32 node, const struct mp_exec_req *r,
				const char *strings, size_t pathlen,
				struct fsource *f, struct elf_image *ei,
				u64 *sp, int *err)
{
	struct mspace *ms = space_alloc(node, r->tgid);
	unsigned int i;
	int ret = -ENOMEM;

	if (!ms)
		goto fail;
	mutex_lock(&ms->lock);
	for (i = 0; i < ei->nr_loads; i++) {
		ret = exec_map_load(ms, f, &ei->loads[i]);
		if (ret)
			goto fail_unlock;
	}
	ret = vma_map(ms, MM_STACK_TOP - MM_STACK_SIZE, MM_STACK_TOP,
		      MP_PROT_READ | MP_PROT_WRITE,
		      MP_VMA_ANON | MP_VMA_STACK, NULL, 0, 0, NULL);
	if (ret)
		goto fail_unlock;
	ret = exec_build_stack(ms, ei, r, strings, pathlen, sp);
	if (ret)
		goto fail_unlock;
	ms->start_brk = ms->brk = ei->brk;
	strscpy(ms->path, strings, sizeof(ms->path));
	mutex_unlock(&ms->lock);
	return ms;

fail_unlock:
	space_teardown(ms);
	mutex_unlock(&ms->lock);
	space_put(ms);
fail:
	*err = ret;
	return NULL;
}

/*
 * The executable at path: from the storage node through the page cache
 * when there is one, else from the archive.  *src holds a reference.
 */
static int exec_open(const char *path, size_t len, struct fsource **src,
		     u64 *size)
{
	const struct mfile *f;
	int ret;

	if (pagecache_active())
		return pagecache_open_exec(path, len, src, size);
	ret = archive_lookup(path, len, true, &f);
	if (ret)
		return ret;
	if (!MF_ISREG(f) || !(f->mode & 0111))
		return -EACCES;
	*src = (struct fsource *)&f->src;
	*size = f->size;
	fsource_get(*src);
	return 0;
}

/* Read and check the ELF header and program headers of src. */
static int exec_parse(struct fsource *src, u64 size, struct elf_image *ei,
		      const char **why)
{
	struct elf64_hdr eh;
	void *ph;
	size_t phlen;
	ssize_t n;
	int ret;

	n = src->ops->read(src, 0, &eh, sizeof(eh));
	if (n < 0) {
		*why = "cannot read the ELF header";
		return n;
	}
	if (n < sizeof(eh))
		size = n;	/* elf_check_header says why */
	ret = elf_check_header(&eh, size, why);
	if (ret)
		return ret;
	phlen = (size_t)eh.e_phnum * eh.e_phentsize;
	ph = kmalloc(phlen, GFP_KERNEL);
	if (!ph)
		return -ENOMEM;
	n = src->ops->read(src, eh.e_phoff, ph, phlen);
	if (n != phlen) {
		*why = n < 0 ? "cannot read the program headers" :
			       "program headers past the end of the file";
		ret = n < 0 ? n : -ENOEXEC;
	} else {
		ret = elf_parse_phdrs(&eh, ph, size, ei, why);
	}
	kfree(ph);
	return ret;
}

/*
 * The file pages of every segment, read now: they stay cached while
 * mapped, so a program keeps running when its storage node dies.
 */
static int exec_populate(struct fsource *src, const struct elf_image *ei)
{
	unsigned int i;
	int ret;

	if (!src->ops->populate)
		return 0;
	for (i = 0; i < ei->nr_loads; i++) {
		const struct elf_load *l = &ei->loads[i];

		ret = src->ops->populate(src, l->offset, l->filesz);
		if (ret)
			return ret;
	}
	return 0;
}

int memory_exec(u32 node, const void *req, size_t len, void *reply,
		size_t max)
{
	const struct mp_exec_req *r = req;
	struct mp_exec_reply *rep = reply;
	struct mp_vma *wv = (struct mp_vma *)(rep + 1);
	struct mspace *ms, *old;
	struct elf_image ei;
	struct fsource *f;
	const char *strings, *why;
	struct rb_node *n;
	int pathlen, ret;
	u64 sp, size;

	if (len < sizeof(*r))
		return -EINVAL;
	strings = (const char *)(r + 1);
	pathlen = exec_check_strings(r, strings, len - sizeof(*r));
	if (pathlen < 0)
		return pathlen;
	ret = exec_open(strings, pathlen, &f, &size);
	if (ret)
		return ret;
	ret = exec_parse(f, size, &ei, &why);
	if (!ret && ei.interp) {
		why = "dynamic executable (PT_INTERP): not supported yet";
		ret = -ENOEXEC;
	}
	if (!ret)
		ret = elf_layout(&ei, &why);
	if (ret) {
		fsource_put(f);
		pr_warn_ratelimited("exec %s for %u:%u: %s\n", strings, node,
				    r->tgid, why);
		return ret;
	}

	ret = exec_populate(f, &ei);
	if (ret) {
		fsource_put(f);
		pr_warn_ratelimited("exec %s for %u:%u: cannot read the program: %d\n",
				    strings, node, r->tgid, ret);
		return ret;
	}
	/* The VMAs hold their own references. */
	ms = exec_load(node, r, strings, pathlen, f, &ei, &sp, &ret);
	fsource_put(f);
	if (!ms)
		return ret;
	if (sizeof(*rep) + ms->nr_vmas * sizeof(*wv) > max ||
	    ms->nr_vmas > MEMPROTO_MAX_VMAS) {
		mutex_lock(&ms->lock);
		space_teardown(ms);
		mutex_unlock(&ms->lock);
		space_put(ms);
		return -EMSGSIZE;
	}
	rep->entry = ei.entry;
	rep->sp = sp;
	rep->brk = ms->brk;
	rep->nr_vmas = ms->nr_vmas;
	rep->reserved = 0;
	for (n = rb_first(&ms->vmas); n; n = rb_next(n))
		vma_to_wire(rb_entry(n, struct mvma, rb), wv++);
	ret = (u8 *)wv - (u8 *)reply;

	old = space_publish(ms);
	if (old) {
		unsigned long pages;

		mutex_lock(&old->lock);
		pages = space_teardown(old);
		mutex_unlock(&old->lock);
		space_put(old);
		pr_info("exec replaces the address space of %u:%u, %lu pages freed\n",
			node, r->tgid, pages);
	}
	pr_info("exec %s for %u:%u: %u VMAs, entry %#llx\n", strings, node,
		r->tgid, rep->nr_vmas, ei.entry);
	return ret;
}
