// SPDX-License-Identifier: GPL-2.0
/*
 * /proc and /sys: text made when a file is opened, in Linux's formats,
 * from the process table, the address-space mirrors, the tick accounting
 * and the memory node's counters.  files.c asks through procfs.h;
 * Documentation/processor.md ("Pseudo files") lists the files and where
 * each figure comes from.
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/cpumask.h>
#include <tessera/jiffies.h>
#include <tessera/mm.h>
#include <tessera/pcache.h>
#include <tessera/rbtree.h>
#include <tessera/sched.h>
#include <tessera/sched_state.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/timekeeping.h>
#include <tessera/version.h>
#include <asm/cpu.h>
#include <asm/tsc.h>
#include <uapi/linux/fs.h>
#include <uapi/linux/stat.h>
#include <uapi/linux/times.h>
#include "process.h"
#include "procfs.h"

#define PROCFS_MAX_DEPTH	8
#define PROCFS_MAX_TEXT		(1 << 20)

/* ------------------------------------------------------ text buffer --- */

/* Generators write here without allocating, so they may hold locks. */
struct pbuf {
	char *buf;
	size_t len;		/* may pass size: then it is made again, bigger */
	size_t size;
};

static __printf(2, 3) void pb_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->size ? b->buf + b->len : NULL,
		      b->len < b->size ? b->size - b->len : 0, fmt, ap);
	va_end(ap);
	b->len += n;
}

static void pb_write(struct pbuf *b, const void *data, size_t len)
{
	if (b->len + len <= b->size)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
}

/* ----------------------------------------------------------- paths --- */

struct ppath {
	int n;
	bool dir;		/* a trailing slash: the last must be a directory */
	const char *c[PROCFS_MAX_DEPTH];
	char buf[128];
};

/* Split path into components, "." and ".." applied; -ENOENT if too deep. */
static int ppath_split(const char *path, struct ppath *pp)
{
	char *s, *tok;

	if (strscpy(pp->buf, path, sizeof(pp->buf)) < 0)
		return -ENOENT;
	pp->n = 0;
	pp->dir = *path && path[strlen(path) - 1] == '/';
	for (s = pp->buf; *s; ) {
		tok = s;
		while (*s && *s != '/')
			s++;
		if (*s)
			*s++ = '\0';
		if (!*tok || !strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (pp->n)
				pp->n--;
			continue;
		}
		if (pp->n == PROCFS_MAX_DEPTH)
			return -ENOENT;
		pp->c[pp->n++] = tok;
	}
	return 0;
}

bool procfs_owns(const char *path)
{
	struct ppath pp;

	if (ppath_split(path, &pp) || !pp.n)
		return false;
	return !strcmp(pp.c[0], "proc") || !strcmp(pp.c[0], "sys");
}

/* ------------------------------------------------- process snapshot --- */

enum pkind {
	PK_PROC_ROOT,
	PK_ROOT_ENTRY,		/* e: of proc_root */
	PK_PID_DIR,		/* /proc/N */
	PK_PID_ENTRY,		/* e: of proc_pid */
	PK_TID_DIR,		/* /proc/N/task/T */
	PK_TID_ENTRY,		/* e: of proc_tid */
	PK_FD_LINK,		/* fd (below a PID or TID directory) */
	PK_SYS_DIR,		/* level: index in sys_dirs */
	PK_SYS_FILE,		/* e: of sys_cpu */
};

struct pentry;

/*
 * A resolved path.  pid is the number of /proc/N (a process id or, as
 * Linux allows, the id of any thread), tgid its process; tid is that of
 * task/T, 0 above it: files there show the thread alone.
 */
struct pnode {
	enum pkind kind;
	const struct pentry *e;
	pid_t pid, tgid, tid;
	int fd;
	int level;
};

struct psnap {
	pid_t pid, tgid, ppid, pgid, sid;
	char state;
	char comm[TASK_COMM_LEN];
	unsigned int nr_threads;
	u64 utime, stime, cutime, cstime;
	unsigned long start_time;
	int prio, nice;
	unsigned int cpu, rt_priority, policy;
	unsigned long nvcsw, nivcsw;
	cpumask_t cpus_mask;
	u32 umask;
	u64 sig_pending, sig_shared, sig_blocked;
	int exit_code;
	unsigned long start_stack;
	u64 rsslim;
	struct mm_struct *mm;	/* a reference, or NULL (exited) */
};

/* The thread tid of p, or NULL (tasklist_lock held). */
static struct uthread *proc_thread(struct process *p, pid_t tid)
{
	struct uthread *t;

	list_for_each_entry(t, &p->threads, node)
		if (t->tid == tid)
			return t;
	return NULL;
}

/*
 * The process of /proc/N (tasklist_lock held): N is a process id, or a
 * thread id, which Linux resolves too without listing it.
 */
static struct process *pid_process(pid_t n)
{
	struct process *p = find_process(n);
	struct uthread *t;

	if (p)
		return p;
	t = find_thread(n);
	return t ? t->proc : NULL;
}

/*
 * The process and the thread whose figures pn shows (tasklist_lock
 * held): the thread of task/T; for /proc/N, thread N (its leader for a
 * process id), NULL when it has exited.
 */
static struct process *pnode_process(const struct pnode *pn,
				     struct uthread **tp)
{
	struct process *p;
	struct uthread *t;

	if (pn->tid) {
		t = find_thread(pn->tid);
		if (!t || t->proc->tgid != pn->tgid)
			return NULL;
		*tp = t;
		return t->proc;
	}
	p = pid_process(pn->pid);
	if (!p || p->tgid != pn->tgid)
		return NULL;
	*tp = proc_thread(p, pn->pid);
	return p;
}

static char task_state_char(struct process *p, struct task_struct *t)
{
	if (p->state == PROC_ZOMBIE || !t)
		return 'Z';
	switch (task_state(t)) {
	case TASK_RUNNING:
		return 'R';
	case TASK_UNINTERRUPTIBLE:
		return 'D';
	default:
		return 'S';
	}
}

/*
 * p's figures seen through thread ut (NULL: it has exited) under
 * tasklist_lock; whole: the CPU time of all threads (/proc/N), else the
 * thread's own (task/T); mm_ref: take a reference on its mm.
 */
static void psnap_fill(struct process *p, struct uthread *ut, bool whole,
		       struct psnap *s, bool mm_ref)
{
	struct task_struct *t = ut ? ut->task : NULL;

	memset(s, 0, sizeof(*s));
	s->pid = ut ? ut->tid : p->tgid;
	s->tgid = p->tgid;
	s->ppid = p->parent ? p->parent->tgid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->state = task_state_char(p, t);
	/* Linux's comm is per thread; p->comm is its leader's. */
	memcpy(s->comm, t ? t->comm : p->comm, sizeof(s->comm));
	s->comm[sizeof(s->comm) - 1] = '\0';
	/* A leader that exited stays as a zombie on Linux: it still counts. */
	s->nr_threads = p->nr_threads + !proc_thread(p, p->tgid);
	if (whole) {
		process_cputime(p, &s->utime, &s->stime);
	} else if (t) {
		s->utime = READ_ONCE(t->utime);
		s->stime = READ_ONCE(t->stime);
	}
	s->cutime = p->cutime;
	s->cstime = p->cstime;
	s->start_time = p->start_time;
	s->umask = p->fs ? READ_ONCE(p->fs->umask) : 0;
	s->sig_shared = READ_ONCE(p->sig.pending);
	s->exit_code = p->state == PROC_ZOMBIE ? p->wait_status : 0;
	s->start_stack = p->sp;
	s->rsslim = p->rlim[RLIMIT_RSS].rlim_cur;
	s->prio = 20;
	if (t) {
		s->sig_pending = READ_ONCE(ut->sig.pending);
		s->sig_blocked = READ_ONCE(ut->sig.blocked);
		s->prio = t->prio - MAX_RT_PRIO;
		s->nice = PRIO_TO_NICE(t->static_prio);
		s->cpu = task_cpu(t);
		s->rt_priority = t->rt_priority;
		s->policy = t->policy;
		s->nvcsw = t->nvcsw;
		s->nivcsw = t->nivcsw;
		cpumask_copy(&s->cpus_mask, &t->cpus_mask);
	}
	if (mm_ref && p->mm) {
		refcount_inc(&p->mm->users);
		s->mm = p->mm;
	}
}

/* 0, or -ENOENT when the process or thread of pn is gone. */
static int psnap_get(const struct pnode *pn, struct psnap *s, bool mm_ref)
{
	struct process *p;
	struct uthread *t = NULL;

	read_lock(&tasklist_lock);
	p = pnode_process(pn, &t);
	if (p)
		psnap_fill(p, t, !pn->tid, s, mm_ref);
	read_unlock(&tasklist_lock);
	return p ? 0 : -ENOENT;
}

static void psnap_put(struct psnap *s)
{
	if (s->mm)
		mm_release(s->mm);
}

static u64 boot_time(void)
{
	return ktime_get_real_seconds() - ktime_get_ns() / NSEC_PER_SEC;
}

/* Seconds from the boot to the start of process tgid (0 if it is gone). */
static u64 pid_start_seconds(pid_t tgid)
{
	struct process *p;
	u64 s = 0;

	read_lock(&tasklist_lock);
	p = find_process(tgid);
	if (p)
		s = p->start_time / HZ;
	read_unlock(&tasklist_lock);
	return s;
}

/* The process id of /proc/N, or 0 if there is none. */
static pid_t pid_tgid(pid_t n)
{
	struct process *p;
	pid_t tgid;

	read_lock(&tasklist_lock);
	p = pid_process(n);
	tgid = p ? p->tgid : 0;
	read_unlock(&tasklist_lock);
	return tgid;
}

/* Is tid a thread of process tgid? */
static bool tid_of(pid_t tid, pid_t tgid)
{
	struct uthread *t;
	bool ret;

	read_lock(&tasklist_lock);
	t = find_thread(tid);
	ret = t && t->proc->tgid == tgid;
	read_unlock(&tasklist_lock);
	return ret;
}

/* Sizes from the VMAs, in pages, by Linux's definitions. */
struct mm_sizes {
	unsigned long total, data, stack, exec, rss, hiwater;
};

static void mm_sizes(struct mm_struct *mm, struct mm_sizes *sz)
{
	struct rb_node *n;

	memset(sz, 0, sizeof(*sz));
	if (!mm)
		return;
	mutex_lock(&mm->lock);
	for (n = rb_first(&mm->vmas); n; n = rb_next(n)) {
		struct vm_area *v = rb_entry(n, struct vm_area, rb);
		unsigned long pages = (v->end - v->start) >> PAGE_SHIFT;

		sz->total += pages;
		if (v->flags & MP_VMA_STACK)
			sz->stack += pages;
		else if ((v->prot & MP_PROT_WRITE) &&
			 !(v->flags & MP_VMA_SHARED))
			sz->data += pages;
		else if (v->prot & MP_PROT_EXEC)
			sz->exec += pages;
	}
	sz->rss = READ_ONCE(mm->nr_ptes);
	sz->hiwater = max(sz->rss, READ_ONCE(mm->hiwater_rss));
	mutex_unlock(&mm->lock);
}


/* ------------------------------------------------- per-process files --- */

static void show_cpulist(struct pbuf *b, const cpumask_t *mask);
static void show_cpumask(struct pbuf *b, const cpumask_t *mask);

static int show_pid_stat(struct pbuf *b, const struct pnode *pn)
{
	struct psnap s;
	struct mm_sizes sz;
	unsigned long start_brk = 0;

	if (psnap_get(pn, &s, true))
		return -ENOENT;
	mm_sizes(s.mm, &sz);
	if (s.mm)
		start_brk = READ_ONCE(s.mm->start_brk);
	/*
	 * Linux's 52 fields (fs/proc/array.c); what is not kept reads 0.
	 * The signal fields are the thread's own, cut to 31 bits as Linux.
	 */
	pb_printf(b, "%d (%s) %c %d %d %d %d %d %u %lu %lu %lu %lu %llu %llu %lld %lld %d %d %u %d %llu %lu %lu %llu %lu %lu %lu %lu %lu %llu %llu %llu %llu %lu %lu %lu %d %u %u %u %llu %llu %lld %lu %lu %lu %lu %lu %lu %lu %d\n",
		  s.pid, s.comm, s.state, s.ppid, s.pgid, s.sid,
		  0, -1,		/* no controlling terminal */
		  0u, 0UL, 0UL, 0UL, 0UL,	/* flags, faults */
		  jiffies_to_clock_t(s.utime), jiffies_to_clock_t(s.stime),
		  (long long)jiffies_to_clock_t(s.cutime),
		  (long long)jiffies_to_clock_t(s.cstime),
		  s.prio, s.nice, s.nr_threads, 0,
		  jiffies_to_clock_t(s.start_time),
		  sz.total << PAGE_SHIFT, sz.rss, s.rsslim,
		  0UL, 0UL, s.start_stack, 0UL, 0UL,
		  s.sig_pending & 0x7fffffffULL, s.sig_blocked & 0x7fffffffULL,
		  0ULL, 0ULL,
		  0UL, 0UL, 0UL, SIGCHLD, s.cpu, s.rt_priority, s.policy,
		  0ULL, 0ULL, 0LL, 0UL, 0UL, start_brk, 0UL, 0UL, 0UL, 0UL,
		  s.exit_code);
	psnap_put(&s);
	return 0;
}

static int show_pid_statm(struct pbuf *b, const struct pnode *pn)
{
	struct psnap s;
	struct mm_sizes sz;

	if (psnap_get(pn, &s, true))
		return -ENOENT;
	mm_sizes(s.mm, &sz);
	/* size resident shared text lib data dt, in pages */
	pb_printf(b, "%lu %lu 0 %lu 0 %lu 0\n", sz.total, sz.rss, sz.exec,
		  sz.data + sz.stack);
	psnap_put(&s);
	return 0;
}

static const char *state_name(char c)
{
	switch (c) {
	case 'R': return "R (running)";
	case 'D': return "D (disk sleep)";
	case 'Z': return "Z (zombie)";
	}
	return "S (sleeping)";
}

static int show_pid_status(struct pbuf *b, const struct pnode *pn)
{
	struct psnap s;
	struct mm_sizes sz;

	if (psnap_get(pn, &s, true))
		return -ENOENT;
	pb_printf(b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", s.comm, s.umask,
		  state_name(s.state));
	pb_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		  s.tgid, s.pid, s.ppid);
	pb_printf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n",
		  NR_OPEN_FILES);
	pb_printf(b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		  s.tgid, s.pid, s.pgid, s.sid);
	if (s.mm) {
		mm_sizes(s.mm, &sz);
#define KB(pages)	((pages) << (PAGE_SHIFT - 10))
		pb_printf(b, "VmSize:\t%8lu kB\nVmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n",
			  KB(sz.total), KB(sz.hiwater), KB(sz.rss));
		pb_printf(b, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n",
			  KB(sz.data), KB(sz.stack), KB(sz.exec));
#undef KB
	}
	pb_printf(b, "Threads:\t%u\n", s.nr_threads);
	/* SigPnd: sent to the thread; ShdPnd: to the process. */
	pb_printf(b, "SigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n",
		  s.sig_pending, s.sig_shared, s.sig_blocked);
	pb_printf(b, "SigIgn:\t%016llx\nSigCgt:\t%016llx\n", 0ULL, 0ULL);
	pb_printf(b, "Cpus_allowed:\t");
	show_cpumask(b, &s.cpus_mask);
	pb_printf(b, "Cpus_allowed_list:\t");
	show_cpulist(b, &s.cpus_mask);
	pb_printf(b, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		  s.nvcsw, s.nivcsw);
	psnap_put(&s);
	return 0;
}

static int show_pid_cmdline(struct pbuf *b, const struct pnode *pn)
{
	struct process *p;
	struct uthread *t;

	read_lock(&tasklist_lock);
	p = pnode_process(pn, &t);
	if (p && p->cmdline && p->state != PROC_ZOMBIE)
		pb_write(b, p->cmdline, p->cmdline_len);
	read_unlock(&tasklist_lock);
	return p ? 0 : -ENOENT;
}

static int show_pid_comm(struct pbuf *b, const struct pnode *pn)
{
	struct psnap s;

	if (psnap_get(pn, &s, false))
		return -ENOENT;
	pb_printf(b, "%s\n", s.comm);
	return 0;
}

static int show_pid_maps(struct pbuf *b, const struct pnode *pn)
{
	struct psnap s;
	struct rb_node *n;
	size_t start;

	if (psnap_get(pn, &s, true))
		return -ENOENT;
	if (!s.mm)
		return 0;
	mutex_lock(&s.mm->lock);
	for (n = rb_first(&s.mm->vmas); n; n = rb_next(n)) {
		struct vm_area *v = rb_entry(n, struct vm_area, rb);
		const char *name = NULL;

		if (v->flags & MP_VMA_HEAP)
			name = "[heap]";
		else if (v->flags & MP_VMA_STACK)
			name = "[stack]";
		start = b->len;
		/* No file identity crosses the protocol: offset, dev, inode 0. */
		pb_printf(b, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ",
			  v->start, v->end,
			  v->prot & MP_PROT_READ ? 'r' : '-',
			  v->prot & MP_PROT_WRITE ? 'w' : '-',
			  v->prot & MP_PROT_EXEC ? 'x' : '-',
			  v->flags & MP_VMA_SHARED ? 's' : 'p',
			  0UL, 0, 0, 0UL);
		if (name)
			/* Linux pads the path to column 73. */
			pb_printf(b, "%*s%s\n",
				  (int)max(0L, 73 - (long)(b->len - start)),
				  "", name);
		else
			pb_printf(b, "\n");
	}
	mutex_unlock(&s.mm->lock);
	psnap_put(&s);
	return 0;
}

/* ------------------------------------------------------ global files --- */

/*
 * Memory: user address spaces live on the memory node, so MemTotal and
 * MemFree are its figures (the current process's node); the processor's
 * pcache holds copies of some of those pages and is shown apart.
 */
static int mem_stats(struct mp_stats_reply *st)
{
	long ret;

	memset(st, 0, sizeof(*st));
	ret = mm_call(MEMOP_STATS, NULL, 0, st, sizeof(*st));
	if (ret < 0)
		return ret;
	return ret == sizeof(*st) ? 0 : -EPROTO;
}

static int show_meminfo(struct pbuf *b, const struct pnode *unused)
{
	struct mp_stats_reply st;
	unsigned long pc_total, pc_used;
	int ret = mem_stats(&st);

	if (ret)
		return ret;
	pcache_usage(&pc_total, &pc_used);
#define LINE(name, pages) \
	pb_printf(b, "%-16s%8llu kB\n", name ":", \
		  (unsigned long long)(pages) << (PAGE_SHIFT - 10))
	LINE("MemTotal", st.total_pages);
	LINE("MemFree", st.free_pages);
	LINE("MemAvailable", st.free_pages);
	LINE("Buffers", 0);
	LINE("Cached", 0);
	LINE("SwapCached", 0);
	LINE("AnonPages", st.nr_backing_pages);
	LINE("Shmem", 0);
	LINE("SwapTotal", 0);
	LINE("SwapFree", 0);
	LINE("PcacheTotal", pc_total);
	LINE("PcacheUsed", pc_used);
#undef LINE
	return 0;
}

/* Linux's names of the CPUID feature bits, in its order of words. */
static const char *const cpuid_1_edx[32] = {
	"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic",
	NULL, "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn",
	"clflush", NULL, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss",
	"ht", "tm", "ia64", "pbe",
};
static const char *const cpuid_ext_edx[32] = {
	[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext",
	[25] = "fxsr_opt", [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm",
	[30] = "3dnowext", [31] = "3dnow",
};
static const char *const cpuid_1_ecx[32] = {
	"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx",
	"est", "tm2", "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm",
	NULL, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt",
	"tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c", "rdrand",
	"hypervisor",
};
static const char *const cpuid_7_ebx[32] = {
	"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep",
	"bmi2", "erms", "invpcid", "rtm", "cqm", NULL, "mpx", "rdt_a",
	"avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", NULL,
	"clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er",
	"avx512cd", "sha_ni", "avx512bw", "avx512vl",
};

static void show_flags(struct pbuf *b, const char *const names[32], u32 bits)
{
	int i;

	for (i = 0; i < 32; i++)
		if ((bits & (1U << i)) && names[i])
			pb_printf(b, " %s", names[i]);
}

static int show_cpuinfo(struct pbuf *b, const struct pnode *unused)
{
	const struct cpuinfo_x86 *c = &boot_cpu_data;
	unsigned int cpu, n = num_online_cpus();

	/* Every CPU is the boot CPU's model: QEMU and real machines alike. */
	for_each_online_cpu(cpu) {
		pb_printf(b, "processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\n",
			  cpu, c->vendor_id, c->family);
		pb_printf(b, "model\t\t: %u\nmodel name\t: %s\nstepping\t: %u\n",
			  c->model, c->model_id, c->stepping);
		pb_printf(b, "cpu MHz\t\t: %lu.%03lu\n", tsc_khz / 1000,
			  tsc_khz % 1000);
		pb_printf(b, "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n",
			  n, cpu, n);
		pb_printf(b, "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\n",
			  c->cpuid_level);
		pb_printf(b, "flags\t\t:");
		show_flags(b, cpuid_1_edx, c->features_edx);
		show_flags(b, cpuid_ext_edx, c->ext_features_edx);
		show_flags(b, cpuid_1_ecx, c->features_ecx);
		show_flags(b, cpuid_7_ebx, c->features7_ebx);
		pb_printf(b, "\nclflush size\t: 64\ncache_alignment\t: 64\n");
		pb_printf(b, "address sizes\t: 48 bits virtual\n\n");
	}
	return 0;
}

static void show_cpu_line(struct pbuf *b, const char *name, u64 user,
			  u64 system, u64 idle)
{
	pb_printf(b, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name,
		  jiffies_to_clock_t(user), jiffies_to_clock_t(system), jiffies_to_clock_t(idle));
}

static unsigned int nr_processes(unsigned int *blocked)
{
	struct process *p;
	struct uthread *t;
	unsigned int n = 0;

	*blocked = 0;
	read_lock(&tasklist_lock);
	for_each_process(p) {
		list_for_each_entry(t, &p->threads, node) {
			n++;
			if (task_state(t->task) == TASK_UNINTERRUPTIBLE)
				(*blocked)++;
		}
	}
	read_unlock(&tasklist_lock);
	return n;
}


static int show_stat(struct pbuf *b, const struct pnode *unused)
{
	u64 u = 0, s = 0, i = 0;
	unsigned int cpu, blocked;
	char name[16];

	for_each_online_cpu(cpu) {
		u += kcpustat_cpu(cpu, CPUTIME_USER);
		s += kcpustat_cpu(cpu, CPUTIME_SYSTEM);
		i += kcpustat_cpu(cpu, CPUTIME_IDLE);
	}
	show_cpu_line(b, "cpu ", u, s, i);
	for_each_online_cpu(cpu) {
		snprintf(name, sizeof(name), "cpu%u", cpu);
		show_cpu_line(b, name, kcpustat_cpu(cpu, CPUTIME_USER),
			      kcpustat_cpu(cpu, CPUTIME_SYSTEM),
			      kcpustat_cpu(cpu, CPUTIME_IDLE));
	}
	nr_processes(&blocked);
	pb_printf(b, "ctxt %llu\nbtime %llu\nprocesses %lu\nprocs_running %lu\nprocs_blocked %u\n",
		  nr_context_switches(), boot_time(), process_nr_forks(),
		  nr_running(), blocked);
	return 0;
}

static int show_uptime(struct pbuf *b, const struct pnode *unused)
{
	u64 up = ktime_get_ns(), idle = 0;
	unsigned int cpu;

	for_each_online_cpu(cpu)
		idle += kcpustat_cpu(cpu, CPUTIME_IDLE);
	idle = jiffies_to_clock_t(idle);
	pb_printf(b, "%llu.%02llu %llu.%02llu\n", up / NSEC_PER_SEC,
		  up % NSEC_PER_SEC / (NSEC_PER_SEC / 100),
		  idle / USER_HZ, idle % USER_HZ);
	return 0;
}

static int show_loadavg(struct pbuf *b, const struct pnode *unused)
{
	unsigned long load[3];

	get_avenrun(load, FIXED_1 / 200, 0);
	pb_printf(b, "%lu.%02lu %lu.%02lu %lu.%02lu %lu/%u %lu\n",
		  LOAD_INT(load[0]), LOAD_FRAC(load[0]),
		  LOAD_INT(load[1]), LOAD_FRAC(load[1]),
		  LOAD_INT(load[2]), LOAD_FRAC(load[2]),
		  nr_running(), nr_tasks_allocated(), process_nr_forks());
	return 0;
}

static int show_version(struct pbuf *b, const struct pnode *unused)
{
	pb_printf(b, "Linux version %s (tessera) %s\n", UTS_RELEASE,
		  tessera_version);
	return 0;
}

/*
 * The root is the storage node's ext2, or without one the memory node's
 * archive: a cpio unpacked in memory, like ramfs.
 */
static int show_filesystems(struct pbuf *b, const struct pnode *unused)
{
	pb_printf(b, "nodev\tsysfs\nnodev\tproc\nnodev\tramfs\n");
	if (storfs_active)
		pb_printf(b, "\text2\n");
	return 0;
}

/* What df and mount read: the root, then the pseudo file systems. */
static int show_mounts(struct pbuf *b, const struct pnode *unused)
{
	if (storfs_active)
		pb_printf(b, "/dev/root / ext2 rw,relatime 0 0\n");
	else
		pb_printf(b, "rootfs / ramfs ro 0 0\n");
	pb_printf(b, "devtmpfs /dev devtmpfs rw 0 0\nproc /proc proc rw 0 0\n"
		  "sysfs /sys sysfs ro 0 0\n");
	return 0;
}

static int show_pcache(struct pbuf *b, const struct pnode *unused)
{
	char *buf = b->len < b->size ? b->buf + b->len : NULL;
	size_t room = b->len < b->size ? b->size - b->len : 0;
	size_t n = buf ? pcache_stats_show(buf, room) : 0;

	/* A full buffer may have cut the text: ask for a bigger one. */
	b->len += n + 1 >= room ? room + PAGE_SIZE : n;
	return 0;
}

/* A cpulist ("0-3,5") of mask. */
static void show_cpulist(struct pbuf *b, const cpumask_t *mask)
{
	unsigned int cpu, first = 0;
	bool in = false, any = false;

	for (cpu = 0; cpu <= NR_CPUS; cpu++) {
		bool set = cpu < NR_CPUS && cpumask_test_cpu(cpu, mask);

		if (set && !in) {
			first = cpu;
			in = true;
		} else if (!set && in) {
			pb_printf(b, any ? "," : "");
			if (first == cpu - 1)
				pb_printf(b, "%u", first);
			else
				pb_printf(b, "%u-%u", first, cpu - 1);
			in = false;
			any = true;
		}
	}
	pb_printf(b, "\n");
}

/*
 * A mask as Linux's "%*pb": hex in groups of 32 bits, comma-separated,
 * as many digits as the possible CPUs need.
 */
static void show_cpumask(struct pbuf *b, const cpumask_t *mask)
{
	unsigned int cpu, nbits = 1, digits, d;

	for_each_possible_cpu(cpu)
		nbits = cpu + 1;
	digits = DIV_ROUND_UP(nbits, 4);
	for (d = digits; d-- > 0; ) {
		unsigned int nibble = 0, bit;

		for (bit = 0; bit < 4; bit++) {
			cpu = d * 4 + bit;
			if (cpu < nbits && cpumask_test_cpu(cpu, mask))
				nibble |= 1 << bit;
		}
		pb_printf(b, "%x%s", nibble, d && !(d % 8) ? "," : "");
	}
	pb_printf(b, "\n");
}

static int show_cpu_online(struct pbuf *b, const struct pnode *unused)
{
	show_cpulist(b, cpu_online_mask);
	return 0;
}

static int show_cpu_possible(struct pbuf *b, const struct pnode *unused)
{
	show_cpulist(b, cpu_possible_mask);
	return 0;
}

/* ----------------------------------------------------------- nodes --- */

typedef int (*show_fn)(struct pbuf *b, const struct pnode *pn);

struct pentry {
	const char *name;
	enum procfs_type type;
	show_fn show;		/* PROCFS_FILE */
};

static const struct pentry proc_root[] = {
	{ "self", PROCFS_LINK },
	{ "thread-self", PROCFS_LINK },
	{ "meminfo", PROCFS_FILE, show_meminfo },
	{ "cpuinfo", PROCFS_FILE, show_cpuinfo },
	{ "stat", PROCFS_FILE, show_stat },
	{ "uptime", PROCFS_FILE, show_uptime },
	{ "loadavg", PROCFS_FILE, show_loadavg },
	{ "version", PROCFS_FILE, show_version },
	{ "filesystems", PROCFS_FILE, show_filesystems },
	{ "mounts", PROCFS_FILE, show_mounts },
	{ "pcache", PROCFS_FILE, show_pcache },
};

/* The links and directories are told apart by name in link_target(), readdir. */
static const struct pentry proc_pid[] = {
	{ "exe", PROCFS_LINK },
	{ "cwd", PROCFS_LINK },
	{ "fd", PROCFS_DIR },
	{ "task", PROCFS_DIR },
	{ "cmdline", PROCFS_FILE, show_pid_cmdline },
	{ "comm", PROCFS_FILE, show_pid_comm },
	{ "stat", PROCFS_FILE, show_pid_stat },
	{ "statm", PROCFS_FILE, show_pid_statm },
	{ "status", PROCFS_FILE, show_pid_status },
	{ "maps", PROCFS_FILE, show_pid_maps },
};

/* /proc/N/task/T: the same files for one thread, no task directory. */
static const struct pentry proc_tid[] = {
	{ "exe", PROCFS_LINK },
	{ "cwd", PROCFS_LINK },
	{ "fd", PROCFS_DIR },
	{ "cmdline", PROCFS_FILE, show_pid_cmdline },
	{ "comm", PROCFS_FILE, show_pid_comm },
	{ "stat", PROCFS_FILE, show_pid_stat },
	{ "statm", PROCFS_FILE, show_pid_statm },
	{ "status", PROCFS_FILE, show_pid_status },
	{ "maps", PROCFS_FILE, show_pid_maps },
};

/* /sys/devices/system/cpu, one directory per level down to it. */
static const char *const sys_dirs[] = { "sys", "devices", "system", "cpu" };

static const struct pentry sys_cpu[] = {
	{ "online", PROCFS_FILE, show_cpu_online },
	{ "possible", PROCFS_FILE, show_cpu_possible },
	{ "present", PROCFS_FILE, show_cpu_possible },
};

/* Inodes: below a process (by /proc/N's N) or a thread, and /sys. */
#define INO_PID(pid, i)	(((u64)(pid) << 16) | 0x100 | (i))
#define INO_TID(tid, i)	(((u64)(tid) << 16) | 0x200 | (i))
#define INO_FD(pid, fd)	(((u64)(pid) << 16) | 0x1000 | (fd))
#define INO_TFD(tid, fd) (((u64)(tid) << 16) | 0x2000 | (fd))
#define INO_SYS(i)	(0x800000000000ULL | (i))

static const struct pentry *find_entry(const struct pentry *tab, size_t n,
				       const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(tab[i].name, name))
			return &tab[i];
	return NULL;
}

static bool entry_is(const struct pentry *e, const char *name)
{
	return e && !strcmp(e->name, name);
}

static int parse_num(const char *s, unsigned int *v)
{
	/* Only canonical decimals: "0012" is not a PID directory. */
	if (!*s || (s[0] == '0' && s[1]) || kstrtouint(s, 10, v))
		return -ENOENT;
	return 0;
}

/* Is fd open in the current process (the only one whose fds /proc shows)? */
static bool fd_open(int fd)
{
	struct file *f = fget(fd);

	if (f)
		fput(f);
	return f;
}

/* fd/N from component i of pp on, below the directory pn names. */
static int resolve_fd(const struct ppath *pp, int i, struct pnode *pn)
{
	unsigned int v;

	if (pn->tgid != current_proc()->tgid)
		return -EACCES;
	if (pp->n > i + 1)
		return -ENOTDIR;
	if (parse_num(pp->c[i], &v) || v >= NR_OPEN_FILES || !fd_open(v))
		return -ENOENT;
	pn->kind = PK_FD_LINK;
	pn->fd = v;
	return 0;
}

static int resolve_sys(const struct ppath *pp, struct pnode *pn)
{
	int i;

	for (i = 0; i < pp->n && i < ARRAY_SIZE(sys_dirs); i++)
		if (strcmp(pp->c[i], sys_dirs[i]))
			return -ENOENT;
	if (i == pp->n) {
		pn->kind = PK_SYS_DIR;
		pn->level = i - 1;
		return 0;
	}
	if (pp->n > ARRAY_SIZE(sys_dirs) + 1)
		return -ENOTDIR;
	pn->e = find_entry(sys_cpu, ARRAY_SIZE(sys_cpu), pp->c[i]);
	pn->kind = PK_SYS_FILE;
	return pn->e ? 0 : -ENOENT;
}

static int resolve(const char *path, struct pnode *pn)
{
	struct ppath pp;
	unsigned int v, tid = 0;
	int ret, i;

	memset(pn, 0, sizeof(*pn));
	ret = ppath_split(path, &pp);
	if (ret)
		return ret;
	if (!pp.n)
		return -ENOENT;
	if (!strcmp(pp.c[0], "sys"))
		return resolve_sys(&pp, pn);
	if (strcmp(pp.c[0], "proc"))
		return -ENOENT;
	if (pp.n == 1) {
		pn->kind = PK_PROC_ROOT;
		return 0;
	}
	/* self and thread-self are followed here when not the last. */
	if (!strcmp(pp.c[1], "self") && (pp.n > 2 || pp.dir)) {
		v = current_proc()->tgid;
	} else if (!strcmp(pp.c[1], "thread-self") && (pp.n > 2 || pp.dir)) {
		v = current_proc()->tgid;
		tid = current_thread()->tid;
	} else if (parse_num(pp.c[1], &v)) {
		pn->e = find_entry(proc_root, ARRAY_SIZE(proc_root), pp.c[1]);
		if (!pn->e)
			return -ENOENT;
		pn->kind = PK_ROOT_ENTRY;
		return pp.n == 2 ? 0 : -ENOTDIR;
	}
	pn->pid = v;
	pn->tgid = pid_tgid(v);
	if (!pn->tgid)
		return -ENOENT;
	i = 2;
	if (!tid) {
		if (pp.n == 2) {
			pn->kind = PK_PID_DIR;
			return 0;
		}
		pn->e = find_entry(proc_pid, ARRAY_SIZE(proc_pid), pp.c[2]);
		if (!pn->e)
			return -ENOENT;
		pn->kind = PK_PID_ENTRY;
		if (pp.n == 3)
			return 0;
		if (pn->e->type != PROCFS_DIR)
			return -ENOTDIR;
		if (!entry_is(pn->e, "task"))
			return resolve_fd(&pp, 3, pn);
		if (parse_num(pp.c[3], &tid) || !tid_of(tid, pn->tgid))
			return -ENOENT;
		i = 4;
	}
	pn->tid = tid;
	pn->e = NULL;
	if (pp.n == i) {
		pn->kind = PK_TID_DIR;
		return 0;
	}
	pn->e = find_entry(proc_tid, ARRAY_SIZE(proc_tid), pp.c[i]);
	if (!pn->e)
		return -ENOENT;
	pn->kind = PK_TID_ENTRY;
	if (pp.n == i + 1)
		return 0;
	if (pn->e->type != PROCFS_DIR)
		return -ENOTDIR;
	return resolve_fd(&pp, i + 1, pn);
}

static enum procfs_type pnode_type(const struct pnode *pn)
{
	switch (pn->kind) {
	case PK_PROC_ROOT:
	case PK_PID_DIR:
	case PK_TID_DIR:
	case PK_SYS_DIR:
		return PROCFS_DIR;
	case PK_FD_LINK:
		return PROCFS_LINK;
	default:
		return pn->e->type;
	}
}

static u64 pnode_ino(const struct pnode *pn)
{
	switch (pn->kind) {
	case PK_PROC_ROOT:
		return 1;
	case PK_ROOT_ENTRY:
		return 2 + (pn->e - proc_root);
	case PK_PID_DIR:
		return INO_PID(pn->pid, 0);
	case PK_PID_ENTRY:
		return INO_PID(pn->pid, 1 + (pn->e - proc_pid));
	case PK_TID_DIR:
		return INO_TID(pn->tid, 0);
	case PK_TID_ENTRY:
		return INO_TID(pn->tid, 1 + (pn->e - proc_tid));
	case PK_FD_LINK:
		return pn->tid ? INO_TFD(pn->tid, pn->fd) :
				 INO_FD(pn->pid, pn->fd);
	case PK_SYS_DIR:
		return INO_SYS(pn->level);
	case PK_SYS_FILE:
		return INO_SYS(ARRAY_SIZE(sys_dirs) + (pn->e - sys_cpu));
	}
	return 0;
}

int procfs_lookup(const char *path, struct procfs_node *node)
{
	struct pnode pn;
	int ret = resolve(path, &pn);

	if (ret)
		return ret;
	node->type = pnode_type(&pn);
	if (node->type == PROCFS_FILE && path[strlen(path) - 1] == '/')
		return -ENOTDIR;
	/* Linux's times: the boot for /proc, the start for a process's. */
	node->mtime = boot_time() + (pn.tgid ? pid_start_seconds(pn.tgid) : 0);
	node->ino = pnode_ino(&pn);
	node->nlink = node->type == PROCFS_DIR ? 2 : 1;
	switch (node->type) {
	case PROCFS_DIR:
		node->mode = S_IFDIR | 0555;
		break;
	case PROCFS_LINK:
		node->mode = S_IFLNK | 0777;
		break;
	default:
		node->mode = S_IFREG | 0444;
	}
	return 0;
}

/* ------------------------------------------------------------ links --- */

/* What the fd of the current process is, as Linux names it. */
static int fd_target(int fd, struct pbuf *b)
{
	struct file *f = fget(fd);

	if (!f)
		return -ENOENT;
	if (f->path)
		pb_printf(b, "%s", f->path);
	else if (f->type == FILE_CONSOLE)
		pb_printf(b, "/dev/console");
	else if (f->type == FILE_NULL)
		pb_printf(b, "/dev/null");
	else
		pb_printf(b, "anon_inode:[unknown]");
	fput(f);
	return 0;
}

/* The current process's working directory (no other's can be read safely). */
static int cwd_target(const struct pnode *pn, struct pbuf *b)
{
	char *cwd;

	if (pn->tgid != current_proc()->tgid)
		return -EACCES;
	cwd = fs_cwd_get(current_proc());
	if (!cwd)
		return -ENOMEM;
	pb_printf(b, "%s", cwd);
	kfree(cwd);
	return 0;
}

static int exe_target(const struct pnode *pn, struct pbuf *b)
{
	struct process *p;
	struct uthread *t;
	int ret = -ENOENT;

	read_lock(&tasklist_lock);
	p = pnode_process(pn, &t);
	if (p && p->path && p->state != PROC_ZOMBIE) {
		pb_printf(b, "%s", p->path);
		ret = 0;
	}
	read_unlock(&tasklist_lock);
	return ret;
}

static int link_target(const struct pnode *pn, struct pbuf *b)
{
	switch (pn->kind) {
	case PK_ROOT_ENTRY:
		if (entry_is(pn->e, "thread-self"))
			pb_printf(b, "%d/task/%d", current_proc()->tgid,
				  current_thread()->tid);
		else
			pb_printf(b, "%d", current_proc()->tgid);
		return 0;
	case PK_PID_ENTRY:
	case PK_TID_ENTRY:
		return entry_is(pn->e, "cwd") ? cwd_target(pn, b) :
		       exe_target(pn, b);
	case PK_FD_LINK:
		return fd_target(pn->fd, b);
	default:
		return -EINVAL;
	}
}

int procfs_readlink(const char *path, char *buf, size_t size)
{
	struct pbuf b = { .buf = buf, .size = size };
	struct pnode pn;
	int ret = resolve(path, &pn);

	if (ret)
		return ret;
	if (pnode_type(&pn) != PROCFS_LINK)
		return -EINVAL;
	ret = link_target(&pn, &b);
	return ret ? ret : min(b.len, size);
}

/* ------------------------------------------------------------ files --- */

int procfs_read_file(const char *path, char **bufp, size_t *lenp)
{
	struct pbuf b;
	struct pnode pn;
	size_t size = PAGE_SIZE;
	show_fn show;
	int ret;

	ret = resolve(path, &pn);
	if (ret)
		return ret;
	switch (pnode_type(&pn)) {
	case PROCFS_DIR:
		return -EISDIR;
	case PROCFS_LINK:
		return -ELOOP;	/* the caller follows links */
	default:
		show = pn.e->show;
	}
	for (;;) {
		b.buf = kmalloc(size, GFP_KERNEL);
		if (!b.buf)
			return -ENOMEM;
		b.size = size;
		b.len = 0;
		ret = show(&b, &pn);
		if (ret || b.len <= b.size)
			break;
		kfree(b.buf);
		if (b.len > PROCFS_MAX_TEXT)
			return -ENOMEM;
		size = ALIGN(b.len, PAGE_SIZE);
	}
	if (ret) {
		kfree(b.buf);
		return ret;
	}
	*bufp = b.buf;
	*lenp = b.len;
	return 0;
}

/* -------------------------------------------------------- directories --- */

static unsigned int dt_of(enum procfs_type t)
{
	return t == PROCFS_DIR ? DT_DIR : t == PROCFS_LINK ? DT_LNK : DT_REG;
}

static int fill_table(const struct pentry *tab, size_t n, u64 (*ino)(int i,
		      pid_t pid), pid_t pid, procfs_filldir_t filldir, void *ctx)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = filldir(ctx, tab[i].name, ino(i, pid), dt_of(tab[i].type));
		if (ret)
			return ret;
	}
	return 0;
}

static u64 ino_root(int i, pid_t pid)
{
	return 2 + i;
}

static u64 ino_pid(int i, pid_t pid)
{
	return INO_PID(pid, 1 + i);
}

static u64 ino_tid(int i, pid_t tid)
{
	return INO_TID(tid, 1 + i);
}

static u64 ino_sys(int i, pid_t pid)
{
	return INO_SYS(ARRAY_SIZE(sys_dirs) + i);
}

/*
 * The process ids (tgid 0), or the thread ids of process tgid, snapshot
 * into an array (filldir may sleep).
 */
static int fill_ids(pid_t tgid, procfs_filldir_t filldir, void *ctx)
{
	struct process *p;
	struct uthread *t;
	unsigned int n, max = 0, blocked, i;
	pid_t *ids;
	char name[16];
	int ret = 0;

	for (;;) {
		max = nr_processes(&blocked) + 8;
		ids = kmalloc_array(max, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
		n = 0;
		read_lock(&tasklist_lock);
		if (!tgid) {
			for_each_process(p) {
				if (n < max)
					ids[n] = p->tgid;
				n++;
			}
		} else if ((p = find_process(tgid))) {
			list_for_each_entry(t, &p->threads, node) {
				if (n < max)
					ids[n] = t->tid;
				n++;
			}
		}
		read_unlock(&tasklist_lock);
		if (n <= max)
			break;
		kfree(ids);
	}
	for (i = 0; i < n && !ret; i++) {
		snprintf(name, sizeof(name), "%d", ids[i]);
		ret = filldir(ctx, name, tgid ? INO_TID(ids[i], 0) :
			      INO_PID(ids[i], 0), DT_DIR);
	}
	kfree(ids);
	return ret;
}

static int fill_fds(const struct pnode *pn, procfs_filldir_t filldir,
		    void *ctx)
{
	char name[16];
	int fd, ret;

	if (pn->tgid != current_proc()->tgid)
		return -EACCES;
	for (fd = 0; fd < NR_OPEN_FILES; fd++) {
		if (!fd_open(fd))
			continue;
		snprintf(name, sizeof(name), "%d", fd);
		ret = filldir(ctx, name, pn->tid ? INO_TFD(pn->tid, fd) :
			      INO_FD(pn->pid, fd), DT_LNK);
		if (ret)
			return ret;
	}
	return 0;
}

int procfs_readdir(const char *path, procfs_filldir_t filldir, void *ctx)
{
	struct pnode pn;
	u64 parent;
	int ret = resolve(path, &pn);

	if (ret)
		return ret;
	if (pnode_type(&pn) != PROCFS_DIR)
		return -ENOTDIR;
	switch (pn.kind) {
	case PK_PID_DIR:
		parent = 1;
		break;
	case PK_PID_ENTRY:
		parent = INO_PID(pn.pid, 0);
		break;
	case PK_TID_DIR:
		/* N/task (thread-self/ is N/task/T too) */
		parent = INO_PID(pn.pid, 1 + (find_entry(proc_pid,
				 ARRAY_SIZE(proc_pid), "task") - proc_pid));
		break;
	case PK_TID_ENTRY:
		parent = INO_TID(pn.tid, 0);
		break;
	case PK_SYS_DIR:
		parent = pn.level ? INO_SYS(pn.level - 1) : 2;
		break;
	default:
		parent = 2;	/* the root directory's */
	}
	ret = filldir(ctx, ".", pnode_ino(&pn), DT_DIR) ?:
	      filldir(ctx, "..", parent, DT_DIR);
	if (ret)
		return ret;
	switch (pn.kind) {
	case PK_PROC_ROOT:
		return fill_table(proc_root, ARRAY_SIZE(proc_root), ino_root, 0,
				  filldir, ctx) ?: fill_ids(0, filldir, ctx);
	case PK_PID_DIR:
		return fill_table(proc_pid, ARRAY_SIZE(proc_pid), ino_pid,
				  pn.pid, filldir, ctx);
	case PK_PID_ENTRY:
		if (entry_is(pn.e, "task"))
			return fill_ids(pn.tgid, filldir, ctx);
		return fill_fds(&pn, filldir, ctx);
	case PK_TID_DIR:
		return fill_table(proc_tid, ARRAY_SIZE(proc_tid), ino_tid,
				  pn.tid, filldir, ctx);
	case PK_TID_ENTRY:	/* fd */
		return fill_fds(&pn, filldir, ctx);
	case PK_SYS_DIR:
		if (pn.level + 1 < ARRAY_SIZE(sys_dirs))
			return filldir(ctx, sys_dirs[pn.level + 1],
				       INO_SYS(pn.level + 1), DT_DIR);
		return fill_table(sys_cpu, ARRAY_SIZE(sys_cpu), ino_sys, 0,
				  filldir, ctx);
	default:
		return -ENOTDIR;
	}
}
