/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PROCESSOR_PROCESS_H
#define _PROCESSOR_PROCESS_H

/*
 * Processes of the processor manager: one task with a user address
 * space whose home is a memory node (Documentation/processor.md).
 */
#include <tessera/types.h>
#include <tessera/completion.h>
#include <tessera/mutex.h>
#include <tessera/sched.h>
#include <tessera/user_mm.h>
#include <tessera/memproto.h>
#include <tessera/rwlock.h>
#include <tessera/wait.h>
#include <asm/ptrace.h>
#include <asm/uaccess.h>
#include <uapi/linux/resource.h>
#include "signal.h"

#define NR_OPEN_FILES	64

enum file_type {
	FILE_CONSOLE,		/* the serial console: stdin, stdout, stderr */
	FILE_NULL,		/* /dev/null */
	FILE_MEMORY,		/* a file of the memory node's archive */
	FILE_BUFFER,		/* text made at open (/proc/pcache) */
	FILE_OPS,		/* everything through f_op (pipes, tty, ...) */
};

struct file;
struct poll_table;

/*
 * What a kind of open file does (FILE_OPS).  read and write may sleep
 * interruptibly and then return -ERESTARTSYS (or -EINTR) when
 * signal_pending_current(); with O_NONBLOCK in f->flags they return
 * -EAGAIN instead of sleeping.  poll returns the POLL* events ready now
 * and, with a poll table, registers the queues that will be woken when
 * that changes (poll_wait()).
 */
struct file_operations {
	long (*read)(struct file *f, char __user *buf, size_t count);
	long (*write)(struct file *f, const char __user *buf, size_t count);
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	void (*release)(struct file *f);
};

struct file {
	enum file_type type;
	refcount_t count;
	u32 flags;		/* O_* given to open, O_NONBLOCK/O_APPEND by fcntl */
	u64 pos;
	u64 handle;		/* FILE_MEMORY: the memory node's handle */
	struct mp_stat st;	/* FILE_MEMORY: from the open reply; FILE_BUFFER: mode, ino */
	char *path;		/* as opened, kmalloc'd (/proc/self/fd), or NULL */
	char *buf;		/* FILE_BUFFER contents (a directory: its dirents) */
	size_t len;
	const struct file_operations *f_op;	/* FILE_OPS */
	void *private_data;	/* FILE_OPS: the kind's own */
};

/* poll.c: add wq to the queues a poll()/select() sleeps on (pt may be NULL). */
void poll_wait(struct file *f, struct wait_queue_head *wq,
	       struct poll_table *pt);

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE,		/* exited, waiting for its parent's wait4() */
};

struct process {
	struct mm_struct *mm;
	struct task_struct *task;
	pid_t tgid;		/* the process id */

	/* Relations (exit.c), under tasklist_lock. */
	struct process *parent;	/* NULL for the first process of init= */
	struct list_head children;
	struct list_head sibling;	/* in parent->children */
	struct list_head list;		/* in the list of all processes */
	pid_t pgid, sid;
	enum proc_state state;
	int wait_status;	/* a zombie's status word, as wait4() gives it */
	/* Job control reports wait4() has not consumed yet (signal.c sets them). */
	int stop_report;	/* stopped by this signal (WUNTRACED) */
	bool cont_report;	/* continued (WCONTINUED) */
	struct wait_queue_head child_wait;	/* a child changed state */

	/* File system context (files.c). */
	char *cwd;		/* absolute, normalised, kmalloc'd */
	u32 umask;

	/* Signals (signal.c). */
	struct sigstate sig;

	u32 mnode;		/* the memory node: home of its address space */
	char comm[TASK_COMM_LEN];
	char *path;		/* of the program (/proc/self/exe) */
	char *cmdline;		/* argv as exec gave it, NUL-separated */
	size_t cmdline_len;	/* with the last NUL */
	unsigned long start_time;	/* jiffies at process_alloc() */
	/*
	 * CPU time in ticks of HZ: its own once its task is gone (while it
	 * runs: p->task->utime, stime; see process_cputime()), and that of
	 * the children it waited for (RUSAGE_CHILDREN, times()).
	 */
	u64 utime, stime;
	u64 cutime, cstime;
	unsigned long maxrss, cmaxrss;	/* pages: its peak RSS, its children's */
	struct mutex files_lock;
	struct file *files[NR_OPEN_FILES];
	struct rlimit64 rlim[RLIM_NLIMITS];
	unsigned long clear_child_tid;
	unsigned long robust_list, robust_len;
	bool local;		/* self-test: pages mapped by hand, no M */
	int kill_signal;	/* killed: exits before returning to user mode */
	int exit_status;	/* exit_group() status */
	int exit_signal;	/* or the signal that killed it */
	struct completion exited;
	/* Where user mode starts. */
	unsigned long entry, sp;
};

static inline struct process *current_proc(void)
{
	return current->proc;
}

/* exit.c: the process table */
extern rwlock_t tasklist_lock;
extern struct list_head process_list;
#define for_each_process(p) list_for_each_entry(p, &process_list, list)
/* The live or zombie process pid, or NULL (tasklist_lock held). */
struct process *find_process(pid_t pid);
/* Tell p's parent that p stopped, continued or died (wait4, SIGCHLD). */
void notify_parent(struct process *p, int why_code, int status);

/* process.c */
struct process *process_alloc(const char *path);
/* The number of processes process_alloc() made since boot. */
unsigned long process_nr_forks(void);
/* p's own CPU time so far, in ticks of HZ (tasklist_lock held). */
void process_cputime(struct process *p, u64 *utime, u64 *stime);
/*
 * A parent reaps child (wait4): the child's CPU time and peak RSS count
 * as the parent's children's (tasklist_lock held for writing).
 */
void process_account_child(struct process *parent, struct process *child);
void process_free(struct process *p);
int process_start(struct process *p);
/*
 * End the current process: exit status, or killed by sig (0: none;
 * sig | WCOREFLAG for a core-dumping signal).
 */
void process_exit(int status, int sig) __noreturn;
int mm_call(u16 op, const void *req, size_t len, void *reply, size_t max);
int process_run(u32 mnode, const char *path, char *const argv[], int argc,
		char *const envp[], int envc);

/* files.c */
int files_init(struct process *p);
void files_release(struct process *p);
struct file *fget(int fd);
void fput(struct file *f);
void console_user_write(const char *buf, size_t len);

/* mmap.c */
int vma_mirror(struct mm_struct *mm, const struct mp_vma *v);
void vma_punch(struct mm_struct *mm, unsigned long start, unsigned long end);
void vma_free_all(struct mm_struct *mm);
struct mm_struct *mm_alloc(void);
void mm_release(struct mm_struct *mm);

/* sys.c: uname()'s release, also in /proc/version */
#define UTS_RELEASE	"6.1.0-tessera"

/* syscall.c */
const char *syscall_name(unsigned long nr);

#endif /* _PROCESSOR_PROCESS_H */
