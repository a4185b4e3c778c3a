# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What scripts/cluster (the archive) and scripts/mkrootfs (the disk image)
# put into a root tree the same way.  Sourced; the caller defines msg()
# and sets repo_root.

usr_dir=${usr_dir:-$repo_root/out/processor/usr}
busybox=${BUSYBOX:-/usr/bin/busybox}

# add_usr_programs ROOT: the usr/ programs as ROOT/bin/NAME (glibc) and
# ROOT/musl/bin/NAME (musl), built by "make O=out/processor usr".
add_usr_programs() {
	local root=$1 f
	mkdir -p -- "$root/bin" "$root/musl/bin" || return 1
	for f in "$usr_dir"/glibc/*; do
		[[ -e $f ]] || { msg "no programs in $usr_dir/glibc (make O=out/processor usr)"; return 1; }
		cp -- "$f" "$root/bin/" || return 1
	done
	for f in "$usr_dir"/musl/*; do
		[[ -e $f ]] || { msg "no programs in $usr_dir/musl (make O=out/processor usr)"; return 1; }
		cp -- "$f" "$root/musl/bin/" || return 1
	done
}

# add_busybox DIR: DIR/busybox and a symlink DIR/APPLET -> busybox for each
# of its applets, except where DIR already has that name (a usr/ program
# is never shadowed by an applet).
add_busybox() {
	local dir=$1 applet clashes=()
	if [[ ! -x $busybox ]]; then
		msg "warning: no $busybox (apt-get install busybox-static, or set BUSYBOX): no /bin/sh"
		return 0
	fi
	cp -- "$busybox" "$dir/busybox" || return 1
	while read -r applet; do
		[[ -n $applet && $applet != busybox && $applet != */* ]] || continue
		if [[ -e $dir/$applet || -L $dir/$applet ]]; then
			clashes+=("$applet")
			continue
		fi
		ln -s busybox "$dir/$applet" || return 1
	done < <("$busybox" --list)
	[[ ${#clashes[@]} -eq 0 ]] ||
		msg "busybox applets left out for the usr/ programs of the same name: ${clashes[*]}"
}
