// SPDX-License-Identifier: GPL-2.0
/*
 * The processor manager: finds a memory node, then runs the programs of
 * init= one after the other and powers the node off with their status
 * (Documentation/processor.md).
 */
#include <tessera/kernel.h>
#include <tessera/bug.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/fabric.h>
#include <tessera/fit.h>
#include <tessera/init.h>
#include <tessera/kthread.h>
#include <tessera/manager.h>
#include <tessera/pcache.h>
#include <tessera/printk.h>
#include <tessera/reboot.h>
#include <tessera/selftest.h>
#include <tessera/string.h>
#include "process.h"

#define INIT_MAX_ARGS	64
#define INIT_CONNECT_MS	30000

static char init_line[1024] = CONFIG_PROCESSOR_INIT;

/* Several init= parameters run one after the other, like ';'. */
static int parse_init(char *val)
{
	static bool given;
	size_t len = given ? strlen(init_line) : 0;

	if (!val || !*val || len + 1 + strlen(val) >= sizeof(init_line))
		return -EINVAL;
	if (given)
		init_line[len++] = ';';
	strscpy(init_line + len, val, sizeof(init_line) - len);
	given = true;
	return 0;
}
__setup("init", parse_init);

/* PS1: busybox sh's prompt is then "# " rather than its "\w \$ ". */
static char *const init_envp[] = { "HOME=/", "PATH=/bin", "TERM=linux", "PS1=# " };

/*
 * Split cmd (modified in place) into at most max arguments: spaces
 * separate them, double or single quotes group spaces into one.  Returns
 * the count, or -E2BIG.
 */
static int split_args(char *cmd, char *argv[], int max)
{
	char *in = cmd, *out = cmd;
	int argc = 0;
	char quote;

	for (;;) {
		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in)
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = out;
		quote = 0;
		for (; *in; in++) {
			if (quote && *in == quote) {
				quote = 0;
			} else if (!quote && (*in == '"' || *in == '\'')) {
				quote = *in;
			} else if (!quote && (*in == ' ' || *in == '\t')) {
				in++;
				break;
			} else {
				*out++ = *in;
			}
		}
		*out++ = '\0';
	}
}

/*
 * The next ';'-separated command of *line (outside quotes), cut off and
 * returned; NULL at the end.
 */
static char *next_command(char **line)
{
	char *cmd = *line, *p;
	char quote = 0;

	if (!cmd)
		return NULL;
	for (p = cmd; *p; p++) {
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '"' || *p == '\''))
			quote = *p;
		else if (!quote && *p == ';')
			break;
	}
	*line = *p ? p + 1 : NULL;
	*p = '\0';
	return cmd;
}

/*
 * The node's exit status for a program's wait status: the value for
 * isa-debug-exit, 0..63, since QEMU exits with (value << 1) | 1 and
 * scripts/qemu-node reads a QEMU status above 128 as a QEMU crash.  An
 * exit status 0-30 as it is, 31 for 31 and above; 32 + N when signal N
 * killed the program; 32 when it could not be started.
 */
static int exit_code(int wstatus)
{
	if (wstatus < 0)
		return 32;
	if (wstatus & 0x7f)
		return 32 + (wstatus & 0x1f);
	return min(wstatus >> 8, 31);
}

static u32 find_memory_node(void)
{
	struct fabric_node_info info;
	u32 id;

	for (id = 0; id < SHMF_MAX_NODES; id++)
		if (fabric_node_info(id, &info) &&
		    info.role == SHMF_ROLE_MEMORY &&
		    info.state == SHMF_NODE_UP && fabric_node_alive(id))
			return id;
	return FABRIC_NO_NODE;
}

static int processor_init_thread(void *arg)
{
	u32 mnode = (u32)(unsigned long)arg;
	char *line = init_line, *cmd;
	char *argv[INIT_MAX_ARGS];
	int argc, ret, status = 0, code;
	unsigned int waited;

	/* The transport connects to the memory node in the background. */
	for (waited = 0; !fit_node_up(mnode) && waited < INIT_CONNECT_MS;
	     waited += 20)
		msleep(20);
	if (!fit_node_up(mnode))
		pr_err("processor: memory node %u not reachable after %u ms\n",
		       mnode, INIT_CONNECT_MS);

	while ((cmd = next_command(&line))) {
		argc = split_args(cmd, argv, INIT_MAX_ARGS);
		if (!argc)
			continue;
		if (argc < 0) {
			pr_err("processor: init: too many arguments (at most %d)\n",
			       INIT_MAX_ARGS);
			code = 127;
		} else {
			ret = process_run(mnode, argv[0], argv, argc, init_envp,
					  ARRAY_SIZE(init_envp));
			if (ret < 0)
				pr_err("processor: cannot run %s: error %d\n",
				       argv[0], ret);
			code = exit_code(ret);
		}
		if (!status)
			status = code;
	}
	pr_info("processor: init done, powering off with status %d\n", status);
	storfs_shutdown();
	machine_exit(status);
}

void processor_manager_init(void)
{
	struct task_struct *t;
	u32 mnode;

	if (pcache_init())
		panic("processor: no pcache");
	if (fabric_present()) {
		if (fabric_wait_for_cluster())
			panic("processor: no memory node in the fabric");
		mnode = find_memory_node();
		if (mnode == FABRIC_NO_NODE)
			panic("processor: no memory node in the fabric");
		/* With a storage node, its file system is the root. */
		if (fabric_count_alive(SHMF_ROLE_STORAGE)) {
			storfs_init(mnode);
			pr_info("processor: root file system on the storage node, through memory node %u\n",
				mnode);
		}
	} else if (IS_ENABLED(CONFIG_PROCESSOR_LOCAL_MEMORY)) {
		/* This node is its own memory node, over loopback. */
		memory_manager_init();
		mnode = fit_self_id();
	} else {
		/* A lone test boot: no programs, only self-tests. */
		pr_info("processor: no fabric, so no memory node: not starting init\n");
		return;
	}
	/* Self-tests own the run and its exit status. */
	if (selftest_requested()) {
		pr_info("processor: self-tests requested: not starting init\n");
		return;
	}
	if (!init_line[0] || !strcmp(init_line, "none")) {
		pr_info("processor: init=none: nothing to run\n");
		return;
	}
	pr_info("processor: memory node %u; init=%s\n", mnode, init_line);
	t = kthread_run(processor_init_thread, (void *)(unsigned long)mnode,
			"procinit");
	if (IS_ERR(t))
		panic("processor: cannot start init");
}
