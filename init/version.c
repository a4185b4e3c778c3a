// SPDX-License-Identifier: GPL-2.0
#include <tessera/version.h>
#include <generated/compile.h>

const char tessera_version[] = TESSERA_VERSION;
const char tessera_commit[] = TESSERA_COMMIT;
const char tessera_banner[] = "Tessera version " TESSERA_VERSION
	" (git " TESSERA_COMMIT ", " TESSERA_COMPILER ") " CONFIG_ROLE_NAME
	" image";
