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
#include <tessera/storproto.h>
#include <tessera/rwlock.h>
#include <tessera/wait.h>
#include <uapi/linux/resource.h>
#include <asm/bitops.h>
#include <asm/ptrace.h>
#include <asm/uaccess.h>
#include <uapi/asm/stat.h>
#include "signal.h"

/* The size of the fd table: Linux's default RLIMIT_NOFILE. */
#define NR_OPEN_FILES	1024

/* A device number as stat() gives it (Linux's encoding, both parts < 256). */
#define MKDEV(ma, mi)	(((u64)(ma) << 8) | (mi))
/* st_dev of the memory node's archive. */
#define ARCHIVE_DEV	MKDEV(0, 1)
/* st_dev of the storage node's file system. */
#define STORAGE_DEV	MKDEV(0, 2)

enum file_type {
	FILE_CONSOLE,		/* the serial console: stdin, stdout, stderr */
	FILE_NULL,		/* /dev/null and the other devices of dev.c */
	FILE_MEMORY,		/* a file or directory of the memory node's archive */
	FILE_STORAGE,		/* one of the storage node's tree (storfs.c) */
	FILE_BUFFER,		/* text made at open (/proc/pcache) */
	FILE_OPS,		/* anything else (pipes, tty, ...) */
};

struct file;
struct poll_table;
struct dir_context;

/*
 * What a kind of open file does; every open file has f_op.  read and
 * write may sleep interruptibly and then return -ERESTARTSYS (or -EINTR)
 * when signal_pending_current(); with O_NONBLOCK in f->flags they return
 * -EAGAIN instead of sleeping.  poll returns the POLL* events ready now
 * and, with a poll table, registers the queues that will be woken when
 * that changes (poll_wait()).  The others are optional: without pread
 * pread64() is -ESPIPE (without pwrite, pwrite64() writes as write()
 * does: devices), without llseek lseek() is -ESPIPE, without
 * iterate the file is no directory (getdents64() -ENOTDIR), without
 * stat fstat() reports a read-only regular file, without ioctl every
 * command is -ENOTTY.
 */
struct file_operations {
	long (*read)(struct file *f, char __user *buf, size_t count);
	long (*write)(struct file *f, const char __user *buf, size_t count);
	long (*pread)(struct file *f, char __user *buf, size_t count, u64 pos);
	long (*pwrite)(struct file *f, const char __user *buf, size_t count,
		       u64 pos);
	s64 (*llseek)(struct file *f, s64 off, int whence);
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	void (*stat)(struct file *f, struct stat *st);
	void (*release)(struct file *f);
};

struct file {
	enum file_type type;
	refcount_t count;
	u32 flags;		/* O_* given to open, O_NONBLOCK/O_APPEND by fcntl */
	u64 pos;
	char *path;		/* absolute, for directories (fchdir, *at); may be NULL */
	u64 handle;		/* FILE_MEMORY: the memory node's handle */
	u32 mnode;		/* FILE_MEMORY: that node */
	struct mp_stat st;	/* FILE_MEMORY: from the open reply; FILE_BUFFER: mode, ino */
	struct sp_handle sp;	/* FILE_STORAGE: the file's handle */
	u32 sp_mode;		/* FILE_STORAGE: its S_IFMT and bits at open */
	char *buf;		/* FILE_BUFFER contents */
	size_t len;
	const struct file_operations *f_op;
	void *private_data;	/* the kind's own */
	const void *dev;	/* dev.c: the /dev node it was opened as */
};

/*
 * getdents64(): an iterate method calls dir_emit() for each entry from
 * ctx->pos on; next is the cursor of the entry after it (its d_off).
 * dir_emit() returns false when the user's buffer is full: stop there.
 */
struct dir_context {
	u64 pos;
	char __user *buf;
	size_t count, used;
	int error;
};
bool dir_emit(struct dir_context *ctx, const char *name, size_t len, u64 ino,
	      unsigned int type, u64 next);

/* poll.c: add wq to the queues a poll()/select() sleeps on (pt may be NULL). */
void poll_wait(struct file *f, struct wait_queue_head *wq,
	       struct poll_table *pt);

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE,		/* exited, waiting for its parent's wait4() */
};

/*
 * The descriptor table: a process's own, or shared by the processes that
 * clone(CLONE_FILES) made; every thread of a process uses its process's.
 */
struct files_struct {
	refcount_t count;
	struct mutex lock;		/* the table and the close-on-exec bits */
	struct file *fd[NR_OPEN_FILES];
	unsigned long close_on_exec[BITS_TO_LONGS(NR_OPEN_FILES)];
};

/* The working directory and umask, shared by clone(CLONE_FS). */
struct fs_struct {
	refcount_t count;
	struct mutex lock;		/* cwd: chdir replaces the string */
	char *cwd;			/* absolute, normalised, kmalloc'd */
	u32 umask;
};

/*
 * A thread of a process: one task.  Its tid comes from the same space as
 * process ids; the first thread's tid is the tgid.
 */
struct uthread {
	struct task_struct *task;
	struct process *proc;
	pid_t tid;
	struct list_head node;		/* in proc->threads (tasklist_lock) */
	struct thread_sigstate sig;	/* its mask, own pending signals... */
	struct completion *vfork_done;	/* a vfork parent waits for exec or exit */
	/* Zeroed and futex-woken at its exit (CLONE_CHILD_CLEARTID, set_tid_address). */
	unsigned long clear_child_tid;
	/* set_robust_list: the head of its robust futex list and its length. */
	unsigned long robust_list, robust_len;
};

static inline struct uthread *current_thread(void)
{
	return current->uthread;
}

struct process {
	struct mm_struct *mm;
	pid_t tgid;		/* the process id */
	struct list_head threads;	/* struct uthread, under tasklist_lock */
	unsigned int nr_threads;	/* those in the list */
	struct wait_queue_head thread_exit_wait;	/* exec waits for the others */

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
	unsigned long child_events;	/* counts those changes */
	int parent_sig;		/* sent to the parent at death (clone's CSIGNAL) */
	bool did_exec;		/* execve'd since fork (setpgid: -EACCES) */

	/* File system context (files.c). */
	struct fs_struct *fs;

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
	struct files_struct *files;
	struct rlimit64 rlim[RLIM_NLIMITS];
	bool local;		/* self-test: pages mapped by hand, no M */
	int kill_signal;	/* killed: exits before returning to user mode */
	int exit_status;	/* exit_group() status (the first one's) */
	int exit_signal;	/* or the signal that killed it (| WCOREFLAG) */
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
/* The thread tid of any process, or NULL (tasklist_lock held). */
struct uthread *find_thread(pid_t tid);
/* The task of p's first thread, NULL for a zombie (tasklist_lock held). */
struct task_struct *process_main_task(struct process *p);
/* The current thread ends (exit); the last one ends its process. */
void thread_exit(int status) __noreturn;
/*
 * execve from a thread: the other threads exit, the caller takes the
 * process id as its tid.  0, or -EINTR when a group exit came first.
 */
int de_thread(struct process *p);
extern struct list_head process_list;
#define for_each_process(p) list_for_each_entry(p, &process_list, list)
/* The live or zombie process pid, or NULL (tasklist_lock held). */
struct process *find_process(pid_t pid);
/*
 * SIGCHLD to child's parent (signal.c): why is a CLD_* code, status the
 * exit code or signal.  True if the parent ignores SIGCHLD, so that an
 * exited child reaps itself.  tasklist_lock held.
 */
bool do_notify_parent(struct process *child, int why, int status);
/* Tell p's parent that p stopped, continued or died (wait4, SIGCHLD). */
void notify_parent(struct process *p, int why_code, int status);

/* Link a new process under parent (NULL: a process of init=). */
void process_link(struct process *p, struct process *parent);
/* Release a vfork parent waiting for t's exec or exit. */
void thread_vfork_done(struct uthread *t);
/* The current process p runs in mm from now on (NULL: none). */
void process_switch_mm(struct process *p, struct mm_struct *mm);
/*
 * p stops using mm: the last process to do so frees the address space
 * (pcache lines, M's space, tables); no CPU may have it loaded then.
 */
void process_drop_mm(struct process *p, struct mm_struct *mm);
/* Take p (a process of init= that ended or never started) off the table. */
void process_unlink(struct process *p);

/* fork.c */
long do_fork(u64 flags, unsigned long stack, int __user *ptid,
	     int __user *ctid, unsigned long tls);

/* process.c */
/* A new process of path, in a new address space or (CLONE_VM) in mm. */
struct process *process_alloc(const char *path, struct mm_struct *mm);
u32 space_id_alloc(void);
/* The registers at a program's entry (p->entry, p->sp). */
void process_entry_regs(struct process *p, struct pt_regs *regs);
void thread_set_bases(unsigned long fsbase, unsigned long gsbase);
int process_start_task(struct process *p, int (*fn)(void *), void *arg,
		       struct fpu_state *fpu);
/* A thread of p (not yet in its list) with tid. */
struct uthread *uthread_alloc(struct process *p, pid_t tid);
/* Start ut in p at fn(arg) with fpu (both taken over, freed on failure). */
int process_start_thread(struct process *p, struct uthread *ut,
			 int (*fn)(void *), void *arg, struct fpu_state *fpu);
/* The users' threads of this processor; one fewer (tasklist_lock held). */
unsigned int thread_count(void);
void thread_unaccount(void);
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
int mm_exec(struct process *p, struct mm_struct *mm, const char *path,
	    char *const argv[], int argc, char *const envp[], int envc,
	    bool *built);
int process_start(struct process *p);
/*
 * End the current process, every thread of it (exit_group): exit
 * status, or killed by sig (0: none; sig | WCOREFLAG for a core-dumping
 * signal).  The first call of a process sets its status.
 */
void process_exit(int status, int sig) __noreturn;
/* A new pid or tid. */
pid_t pid_alloc(void);
int mm_call(u16 op, const void *req, size_t len, void *reply, size_t max);
int process_run(u32 mnode, const char *path, char *const argv[], int argc,
		char *const envp[], int envc);

/* files.c */
int files_init(struct process *p);
void files_release(struct process *p);
/*
 * fork: the child gets a copy of the parent's descriptors (sharing the
 * open files) with their FD_CLOEXEC flags, or with CLONE_FILES the
 * parent's table itself; a copy of its working directory and umask, or
 * with CLONE_FS the parent's.
 */
int files_fork(struct process *child, struct process *parent, u64 flags);
/* execve: a table of its own, without the close-on-exec descriptors. */
int files_exec(struct process *p);
/* A kmalloc'd copy of p's working directory, or NULL. */
char *fs_cwd_get(struct process *p);
struct file *fget(int fd);
void fput(struct file *f);
/* A new open file of f_op (count 1, FILE_OPS) or NULL. */
struct file *file_alloc(const struct file_operations *f_op, u32 flags);
/* read for a file with pread: at f->pos, which it advances. */
long file_pos_read(struct file *f, char __user *buf, size_t count);
/*
 * pread through a kernel bounce buffer of max bytes: fetch fills it with
 * up to len bytes at pos and returns their count (short at the end of
 * the file) or an errno.
 */
long chunked_pread(struct file *f, char __user *buf, size_t count, u64 pos,
		   size_t max, long (*fetch)(struct file *f, u64 pos,
					     void *kbuf, u32 len));
/*
 * getdents64 from a node's batches of struct mp_dirent (or the same
 * struct sp_dirent) records: fetch fills kbuf (max bytes) with those
 * from cursor on, empty at the end.  "/" then lists the pseudo file
 * systems' directories.
 */
int batched_iterate(struct file *f, struct dir_context *ctx, size_t max,
		    long (*fetch)(struct file *f, u64 cursor, void *kbuf,
				  size_t max));
/* lseek for a file of size bytes (SEEK_DATA/HOLE: no holes). */
s64 fixed_size_llseek(struct file *f, s64 off, int whence, s64 size);
/* Install f at the lowest free descriptor; O_CLOEXEC in flags sets FD_CLOEXEC. */
int fd_install(struct file *f, u32 flags);
/*
 * upath (relative to dirfd, AT_FDCWD: the working directory) made
 * absolute and normalised ("." , ".." and "//" gone, lexically): a
 * kmalloc'd string or an ERR_PTR.  flags: AT_EMPTY_PATH allows "".
 */
char *user_path_at(int dirfd, const char __user *upath, int flags);
/* rel made absolute against base and normalised likewise (kernel strings). */
char *path_resolve(const char *base, const char *rel);
/* Stat of an absolute normalised path (pseudo files, then M). */
int path_stat(const char *path, u32 at_flags, struct stat *st);
/* The console's stat (stdin/stdout/stderr, /dev/console, /dev/tty: tty.c). */
void console_stat(struct file *f, struct stat *st);

/*
 * Pseudo file systems (the pseudo_fs[] table of files.c), tried before
 * the memory node for the absolute normalised paths equal to or below
 * prefix.  open() returns a new file, or ERR_PTR(-ENOENT) when there is
 * no such name (then the archive is asked).  stat, access and chdir open
 * with O_PATH (and O_NOFOLLOW for lstat) and use f_op->stat; a directory
 * is a file with f_op->iterate (getdents64) and f->path set (fchdir,
 * *at).  readlink (optional) copies a link's target into buf (at most
 * size bytes with the NUL) and returns its length, -EINVAL if path is no
 * link, -ENOENT if it does not exist.
 */
struct pseudo_fs {
	const char *prefix;
	struct file *(*open)(const char *path, int flags);
	int (*readlink)(const char *path, char *buf, int size);
};
/* pipe.c: a new pipe's read and write ends (O_NONBLOCK, O_CLOEXEC ignored). */
int pipe_create(struct file **rd, struct file **wr, u32 flags);
/* dev.c */
struct file *dev_open(const char *path, int flags);
void dev_file_stat(struct file *f, struct stat *st);
/* A file of the memory node: its stat (flags: AT_*), or open it. */
int memory_stat(const char *path, u32 flags, struct mp_stat *st);
struct file *memory_open(const char *path, u32 flags);

/*
 * Where an absolute normalised path lives: a pseudo file system of P,
 * the storage node's tree (through the memory node), or M's archive.
 */
enum path_kind { PATH_PSEUDO, PATH_STORAGE, PATH_ARCHIVE };
enum path_kind path_kind(const char *path);
/* The stat of f (fstat): 0 or a negative errno. */
int file_getstat(struct file *f, struct stat *st);

/* Cursors from here on list the pseudo file systems' directories in "/". */
#define PSEUDO_CURSOR	(1ULL << 62)
/* After the entries of "/": the pseudo file systems' top directories. */
void pseudo_iterate_root(struct dir_context *ctx);

/* storfs.c: the storage node's tree, when the cluster has one. */
extern bool storfs_active;
void storfs_init(u32 mnode);
struct file *storfs_open(const char *path, u32 flags, u32 mode);
int storfs_stat(const char *path, u32 at_flags, struct stat *st);
int storfs_fstat(struct file *f, struct stat *st);
long storfs_readlink(const char *path, char __user *buf, long size);
/* exec: the first bytes of the file at path into a kernel buffer. */
long storfs_read_head(const char *path, char *buf, size_t size);
/*
 * Write back this processor's dirty pcache lines of MAP_SHARED mappings
 * of file h (ino 0: every file) over file offsets [start, end), and
 * drop them (write() then changes what a new miss brings).  mmap.c.
 */
int storfs_flush_maps(struct sp_handle h, u64 start, u64 end);
/* msync(MS_SYNC): fsync the file of a VMA's fkey. */
long storfs_fsync_key(u64 fkey);
/* Power-off: M writes back its cache, S syncs (SP_SHUTDOWN). */
void storfs_shutdown(void);

/* mmap.c */
int vma_mirror(struct mm_struct *mm, const struct mp_vma *v);
void vma_punch(struct mm_struct *mm, unsigned long start, unsigned long end);
void vma_free_all(struct mm_struct *mm);
/* The VMA at start maps S's file fkey from offset pgoff (MAP_SHARED). */
void vma_set_file(struct mm_struct *mm, unsigned long start, u64 fkey,
		  u64 pgoff);
/* exit, exec: write back mm's lines of shared file mappings. */
void mm_flush_files(struct mm_struct *mm);
struct mm_struct *mm_alloc(void);
void mm_release(struct mm_struct *mm);

/* sys.c: uname()'s release, also in /proc/version */
#define UTS_RELEASE	"6.1.0-tessera"

/* syscall.c */
const char *syscall_name(unsigned long nr);

#endif /* _PROCESSOR_PROCESS_H */
