// SPDX-License-Identifier: GPL-2.0
/*
 * Boot parameters.  Subsystems declare theirs with __setup()/early_param();
 * this file splits the command line and hands each parameter to its
 * handler.  Parameters nobody claims are reported, as are handlers that
 * reject their value.
 */
#include <tessera/kernel.h>
#include <tessera/bootinfo.h>
#include <tessera/ctype.h>
#include <tessera/init.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <tessera/selftest.h>

extern const struct kernel_param __setup_start[], __setup_end[];

const char *boot_command_line = boot_info.cmdline;

char *next_arg(char *args, char **param, char **val)
{
	unsigned int i, equals = 0;
	bool in_quote = false, quoted = false;

	args = skip_spaces(args);
	if (*args == '"') {
		args++;
		in_quote = true;
		quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (isspace(args[i]) && !in_quote)
			break;
		if (!equals && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}

	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		/* name="value with spaces": drop the quotes around the value. */
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';

	if (args[i]) {
		args[i] = '\0';
		return args + i + 1;
	}
	return args + i;
}

static const struct kernel_param *find_param(const char *name)
{
	const struct kernel_param *p;

	for (p = __setup_start; p < __setup_end; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/*
 * Walk a private copy of the command line; early parameters in the early
 * pass, the rest (and the report of unknown ones) in the late pass.
 */
static void parse_pass(bool early)
{
	static char buf[BOOT_CMDLINE_SIZE];
	char unknown[256];
	size_t ulen = 0;
	char *args, *param, *val;

	strscpy(buf, boot_command_line, sizeof(buf));
	unknown[0] = '\0';
	args = buf;
	while (*(args = skip_spaces(args))) {
		const struct kernel_param *p;

		args = next_arg(args, &param, &val);
		p = find_param(param);
		if (!p) {
			if (!early)
				ulen += scnprintf(unknown + ulen,
						  sizeof(unknown) - ulen, " %s%s%s",
						  param, val ? "=" : "",
						  val ? val : "");
			continue;
		}
		if (p->early != early)
			continue;
		if (p->setup(val))
			pr_warn("Malformed kernel command line parameter: %s%s%s\n",
				param, val ? "=" : "", val ? val : "");
	}
	if (ulen)
		pr_warn("Unknown kernel command line parameters \"%s\", ignored\n",
			unknown + 1);
}

void parse_early_params(void)
{
	parse_pass(true);
}

void parse_params(void)
{
	parse_pass(false);
}

#ifdef CONFIG_SELFTEST
SELFTEST(params_next_arg)
{
	char line[] = "  a=1 flag init=\"/bin/prog x y\" \"quoted arg\" last=  ";
	char *args = line, *param, *val;

	args = next_arg(args, &param, &val);
	ST_STREQ(param, "a");
	ST_STREQ(val, "1");
	args = next_arg(args, &param, &val);
	ST_STREQ(param, "flag");
	ST_ASSERT(!val);
	args = next_arg(args, &param, &val);
	ST_STREQ(param, "init");
	ST_STREQ(val, "/bin/prog x y");
	args = next_arg(args, &param, &val);
	ST_STREQ(param, "quoted arg");
	ST_ASSERT(!val);
	args = next_arg(args, &param, &val);
	ST_STREQ(param, "last");
	ST_STREQ(val, "");
	ST_STREQ(skip_spaces(args), "");
	return 0;
}

/* The parameters of this very boot reached their handlers. */
SELFTEST(params_registered)
{
	ST_ASSERT(find_param("selftest"));
	ST_ASSERT(find_param("console") && find_param("console")->early);
	ST_ASSERT(find_param("loglevel"));
	ST_ASSERT(!find_param("no_such_param"));
	ST_ASSERT(strstr(boot_command_line, "selftest="));
	return 0;
}
#endif
