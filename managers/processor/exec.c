// SPDX-License-Identifier: GPL-2.0
/*
 * execve and execveat: a new program in the current process.  The memory
 * node builds the new address space under a new space id while the old
 * one still runs, so a failed exec leaves the caller as it was; past
 * that point the old space goes and the process starts the new image.
 * Documentation/processor.md, "Processes".
 */
#include <tessera/kernel.h>
#include <tessera/errno.h>
#include <tessera/fit.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/vmalloc.h>
#include <asm/switch_to.h>
#include <uapi/linux/fcntl.h>
#include <uapi/linux/limits.h>
#include <uapi/linux/stat.h>
#include "futex.h"
#include "process.h"
#include "syscall.h"

#define BINPRM_BUF_SIZE		256

/* The argument and environment strings, copied in. */
struct exec_args {
	char **v;		/* argv then envp pointers into buf */
	int argc, envc, max;
	char *buf;
	size_t used;
};

static int push_string(struct exec_args *a, char *s)
{
	if (a->argc + a->envc == a->max) {
		int max = a->max ? 2 * a->max : 64;
		char **v = krealloc(a->v, max * sizeof(*v), GFP_KERNEL);

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->max = max;
	}
	a->v[a->argc + a->envc] = s;
	return 0;
}

/* Copy a NULL-terminated user array of strings (NULL: none). */
static int copy_strings(struct exec_args *a,
			const char __user *const __user *uv, bool env)
{
	const char __user *us;
	long n;
	int i, ret;

	for (i = 0; uv; i++) {
		if (copy_from_user(&us, uv + i, sizeof(us)))
			return -EFAULT;
		if (!us)
			break;
		n = strncpy_from_user(a->buf + a->used, us,
				      MEMPROTO_ARGS_MAX - a->used);
		if (n < 0)
			return n;
		if (a->used + n >= MEMPROTO_ARGS_MAX)
			return -E2BIG;
		ret = push_string(a, a->buf + a->used);
		if (ret)
			return ret;
		a->used += n + 1;
		if (env)
			a->envc++;
		else
			a->argc++;
	}
	return 0;
}

static void free_args(struct exec_args *a)
{
	kfree(a->v);
	vfree(a->buf);
}

static char *exec_path(int dirfd, const char __user *upath, int flags)
{
	char *path = user_path_at(dirfd, upath, flags & AT_EMPTY_PATH);

	if (!IS_ERR(path) && !strcmp(path, "/proc/self/exe")) {
		/* busybox runs its applets so: the program itself. */
		kfree(path);
		path = kstrdup(current_proc()->path, GFP_KERNEL) ?:
		       ERR_PTR(-ENOMEM);
	}
	if (!IS_ERR(path) && !*path) {
		/* fexecve(): the open file's path is not kept. */
		kfree(path);
		path = ERR_PTR(-ENOENT);
	}
	return path;
}

/* A regular file with an x bit, as Linux wants (root too). */
static int exec_permission(const char *path)
{
	struct stat st;
	int ret = path_stat(path, 0, &st);

	if (ret)
		return ret;
	if ((st.st_mode & S_IFMT) != S_IFREG || !(st.st_mode & 0111))
		return -EACCES;
	return 0;
}

/* The first bytes of the file; their count or an errno. */
static long read_head(const char *path, char *buf, size_t size)
{
	struct mp_pread_req req = { .offset = 0, .len = size };
	struct file *f;
	long ret;

	if (storfs_active)
		return storfs_read_head(path, buf, size);
	f = memory_open(path, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	req.handle = f->handle;
	ret = mm_call(MEMOP_PREAD, &req, sizeof(req), buf, size);
	fput(f);
	return ret;
}

/*
 * "#!interpreter [arg]": the interpreter's path (resolved) and its one
 * optional argument (the rest of the line, trimmed), or -ENOEXEC.
 */
static int parse_shebang(char *head, long n, char **interp, char **arg)
{
	char *p, *end;

	head[min(n, (long)BINPRM_BUF_SIZE - 1)] = '\0';
	end = strchrnul(head, '\n');
	*end = '\0';
	for (p = head + 2; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p)
		return -ENOEXEC;
	*interp = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	*arg = *p ? p : NULL;
	return 0;
}

/*
 * Past the point of no return: the current process runs the image in
 * new_mm from entry with stack sp.
 */
static void exec_commit(struct process *p, struct mm_struct *new_mm,
			const char *path, struct pt_regs *regs)
{
	struct mm_struct *old = current->mm;
	const char *base = strrchr(path, '/');
	char *npath = kstrdup(path, GFP_KERNEL);

	process_switch_mm(p, new_mm);
	process_drop_mm(p, old);

	if (npath) {
		kfree(p->path);
		p->path = npath;
	}
	strscpy(p->comm, base ? base + 1 : path, sizeof(p->comm));
	strscpy(current->comm, p->comm, sizeof(current->comm));
	/* Unsharing a table or the actions can fail only for memory. */
	if (files_exec(p) || signals_exec(p)) {
		pr_info("%s[%d]: out of memory at exec, killed\n", p->comm,
			p->tgid);
		p->kill_signal = SIGKILL;
	}
	p->did_exec = true;
	current_thread()->clear_child_tid = 0;
	current_thread()->robust_list = current_thread()->robust_len = 0;
	thread_vfork_done(current_thread());

	/* A fresh register state, as the ELF ABI has it at the entry. */
	thread_set_bases(0, 0);
	fpu_reset_current();
	process_entry_regs(p, regs);
}

static long do_execve(int dirfd, const char __user *upath,
		      const char __user *const __user *uargv,
		      const char __user *const __user *uenvp, int flags)
{
	struct process *p = current_proc();
	struct exec_args a = { };
	char head[BINPRM_BUF_SIZE], *interp, *iarg;
	char *path, *ipath = NULL, *cwd;
	struct mm_struct *mm = NULL;
	bool built = false;
	long ret, n;

	if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	path = exec_path(dirfd, upath, flags);
	if (IS_ERR(path))
		return PTR_ERR(path);
	a.buf = vmalloc(MEMPROTO_ARGS_MAX);
	ret = -ENOMEM;
	if (!a.buf)
		goto out;
	ret = copy_strings(&a, uargv, false);
	if (!ret)
		ret = copy_strings(&a, uenvp, true);
	if (!ret)
		ret = exec_permission(path);
	if (ret)
		goto out;

	n = read_head(path, head, sizeof(head));
	if (n < 0) {
		ret = n;
		goto out;
	}
	if (n >= 2 && head[0] == '#' && head[1] == '!') {
		/* One level: interpreter [arg] script argv[1..]. */
		char **v;
		int extra;

		ret = parse_shebang(head, n, &interp, &iarg);
		if (ret)
			goto out;
		extra = iarg ? 3 : 2;
		cwd = fs_cwd_get(p);
		ipath = cwd ? path_resolve(cwd, interp) : ERR_PTR(-ENOMEM);
		kfree(cwd);
		if (IS_ERR(ipath)) {
			ret = PTR_ERR(ipath);
			ipath = NULL;
			goto out;
		}
		ret = -ENOMEM;
		v = kmalloc_array(a.argc + a.envc + extra + 1, sizeof(*v),
				  GFP_KERNEL);
		if (!v)
			goto out;
		v[0] = interp;
		if (iarg)
			v[1] = iarg;
		v[extra - 1] = path;
		memcpy(v + extra, a.v + min(a.argc, 1),
		       (a.argc + a.envc - min(a.argc, 1)) * sizeof(*v));
		kfree(a.v);
		a.v = v;
		a.argc += extra - min(a.argc, 1);
		ret = exec_permission(ipath);
		if (ret)
			goto out;
	}

	mm = mm_alloc();
	ret = -ENOMEM;
	if (!mm)
		goto out;
	mm->space_id = space_id_alloc();
	mm->mnode = p->mnode;
	ret = mm_exec(p, mm, ipath ?: path, a.v, a.argc, a.v + a.argc, a.envc,
		      &built);
	/* The point of no return: the other threads go. */
	if (!ret)
		ret = de_thread(p);
	if (ret)
		goto out;
	/* Robust futexes it holds die with the old image (futex_exec_release). */
	futex_exit_robust(current_thread());
	exec_commit(p, mm, ipath ?: path, task_pt_regs(current));
	mm = NULL;
out:
	if (mm && built)
		process_drop_mm(p, mm);
	else if (mm)
		mm_release(mm);
	free_args(&a);
	kfree(ipath);
	kfree(path);
	return ret;
}

SYSCALL_DEFINE(execve)
{
	return do_execve(AT_FDCWD, (const char __user *)a0,
			 (const char __user *const __user *)a1,
			 (const char __user *const __user *)a2, 0);
}

SYSCALL_DEFINE(execveat)
{
	return do_execve(a0, (const char __user *)a1,
			 (const char __user *const __user *)a2,
			 (const char __user *const __user *)a3, a4);
}
