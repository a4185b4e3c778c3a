# linux-vm.sh - sourced by the bench scripts: boot Debian's Linux kernel
# (linux-image-amd64) in the QEMU machine of scripts/qemu-node, with a
# busybox-static initramfs, to run the same binary as on Tessera.
#
# The caller sets prog (its name), and may set kernel (default: the
# newest /boot/vmlinuz-*), cpu (default max).

# linux_vm_root DIR: an initramfs tree with busybox (sh, mount, poweroff,
# insmod, umount) in DIR/bin; the caller adds its files and DIR/init.
linux_vm_root() {
	local root=$1 c
	if [ -z "${kernel:-}" ]; then
		kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*' 2>/dev/null | sort -V | tail -n 1)
	fi
	[ -n "$kernel" ] && [ -r "$kernel" ] || {
		echo "$prog: no Linux kernel in /boot: install linux-image-amd64 (scripts/setup)" >&2
		return 1
	}
	[ -x /bin/busybox ] || { echo "$prog: no /bin/busybox: install busybox-static (scripts/setup)" >&2; return 1; }
	command -v qemu-system-x86_64 > /dev/null || { echo "$prog: no QEMU (scripts/setup)" >&2; return 1; }
	rm -rf -- "$root"
	mkdir -p -- "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/mnt"
	cp /bin/busybox "$root/bin/busybox"
	for c in sh mount umount poweroff insmod sync; do
		ln -s busybox "$root/bin/$c"
	done
}

# linux_vm_modules DIR MODULE...: copy the kernel's modules and what they
# depend on into DIR/lib/modules, and print the insmod lines (in load
# order) for DIR/init.
linux_vm_modules() {
	local root=$1 ver dep m d
	shift
	ver=$(basename "$kernel")
	ver=${ver#vmlinuz-}
	dep=/lib/modules/$ver/modules.dep
	[ -r "$dep" ] || { echo "$prog: no $dep" >&2; return 1; }
	mkdir -p -- "$root/lib/modules"
	declare -A seen=()
	_linux_vm_mod() {
		local path deps x
		path=$(awk -F: -v m="/$1.ko" '(i = index($1, m)) > 0 && i == length($1) - length(m) + 1 { print $1; exit }' "$dep")
		[ -n "$path" ] || { echo "$prog: no module $1 for $ver" >&2; return 1; }
		[ -z "${seen[$path]:-}" ] || return 0
		seen[$path]=1
		deps=$(awk -F: -v p="$path" '$1 == p { print $2 }' "$dep")
		# Dependencies first: modules.dep lists them nearest first.
		for x in $(echo $deps | tr ' ' '\n' | tac); do
			x=$(basename "$x" .ko)
			_linux_vm_mod "$x" || return 1
		done
		cp "/lib/modules/$ver/$path" "$root/lib/modules/"
		echo "insmod /lib/modules/$(basename "$path")"
	}
	for m in "$@"; do
		_linux_vm_mod "$m" || return 1
	done
}

# linux_vm_boot DIR OUTBASE TIMEOUT SMP MEM [QEMU ARGS...]: boot DIR as
# the initramfs; the console goes to OUTBASE.log and, without the
# carriage returns, OUTBASE.txt.  Returns QEMU's status (124: timeout).
linux_vm_boot() {
	local root=$1 base=$2 tmo=$3 vcpus=$4 ram=$5 st=0
	shift 5
	chmod 755 "$root/init"
	(cd -- "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) > "$base-initrd.cpio" || return 1
	timeout "$tmo" qemu-system-x86_64 -machine q35 -accel tcg -no-reboot \
		-monitor none -nic none -display none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-m "$ram" -smp "$vcpus" -cpu "${cpu:-max}" -serial "file:$base.log" \
		-kernel "$kernel" -initrd "$base-initrd.cpio" \
		-append "console=ttyS0 panic=-1 quiet" "$@" < /dev/null > "$base.qemu" 2>&1 || st=$?
	tr -d '\r' < "$base.log" > "$base.txt"
	[ $st != 124 ] || echo "$prog: Linux timed out after $tmo s" >&2
	return $st
}
