/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_INIT_H
#define _TESSERA_INIT_H

#include <tessera/compiler.h>

/*
 * Boot parameters.  Each subsystem declares its own:
 *
 *	static int parse_foo(char *val) { ... return 0; }
 *	__setup("foo", parse_foo);	-- runs after the console is up
 *	early_param("bar", parse_bar);	-- runs before anything else
 *
 * "foo=value" passes "value"; a bare "foo" passes NULL.  A handler returns
 * 0, or a negative errno to have the parameter reported as malformed.
 * Parameters nobody claims are reported on the console.
 */
struct kernel_param {
	const char *name;
	int (*setup)(char *val);
	bool early;
};

#define __setup_param(str, fn, is_early)				\
	static const struct kernel_param __setup_##fn			\
	__used __section(".init.setup") __aligned(8) = {		\
		.name = str, .setup = fn, .early = is_early,		\
	}

#define __setup(str, fn)	__setup_param(str, fn, false)
#define early_param(str, fn)	__setup_param(str, fn, true)

/* The command line as given by the boot loader (read-only). */
extern const char *boot_command_line;

void parse_early_params(void);
void parse_params(void);

/*
 * Split the next argument off args (modified in place): handles "quoted
 * values" and name="quoted values".  Returns the rest of the string.
 * *param gets the name, *val the value or NULL.
 */
char *next_arg(char *args, char **param, char **val);

#endif /* _TESSERA_INIT_H */
