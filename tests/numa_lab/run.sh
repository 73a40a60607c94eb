#!/bin/sh
# NUMA lab: boot a small multi-node virtual machine (qemu, TCG unless real KVM) with a stock Debian kernel and a
# busybox initramfs, run a test program inside it, and map its exit status back to the host.
#
# usage: run.sh [options] PROGRAM [ARGS...]
#   PROGRAM runs in the guest as /test/<name> (a binary or a shell script); its exit status is the verdict:
#   0 pass, 77 skip, anything else fail. The guest sees NUMALAB_NODES=<nodes of this layout> in its environment
#   and /test on its PATH; whatever it writes to /dev/ttyS1 lands in OUT/guest-out-<n>node.txt on the host.
# options:
#   --nodes "2 4"     layouts to boot (NUMA nodes; 2 vCPUs per node, one socket per node)   env NUMALAB_NODES
#   --mem-per MIB     memory per node (default 512)                                         env NUMALAB_MEM_PER
#   --cache DIR       kernel cache (default /var/tmp/worldrunner-numalab)                   env NUMALAB_CACHE
#   --timeout S       per-boot timeout in seconds (default 120)                             env NUMALAB_TIMEOUT
#   --out DIR         console logs and guest output (default .)                             env NUMALAB_OUT
#   --file PATH       also copy PATH (binary: with its ldd libraries) into the guest's /test (repeatable)
# exit status: 0 every layout passed; 77 skipped (qemu or the kernel cannot be had, or every guest skipped);
#              1 a layout failed; 2 usage error.
# Recipe and pitfalls: shared/notes/numa-lab.md (isa-debug-exit: qemu status = guest rc << 1 | 1).
set -eu

NODES=${NUMALAB_NODES:-"2 4"}
MEM_PER=${NUMALAB_MEM_PER:-512}
CACHE=${NUMALAB_CACHE:-/var/tmp/worldrunner-numalab}
TMO=${NUMALAB_TIMEOUT:-120}
OUTDIR=${NUMALAB_OUT:-.}
EXTRA=""

usage() { sed -n '5,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
skip() { echo "numalab: SKIP: $*" >&2; exit 77; }

while [ $# -gt 0 ]; do
  case $1 in
    --nodes) NODES=$2; shift 2;;
    --mem-per) MEM_PER=$2; shift 2;;
    --cache) CACHE=$2; shift 2;;
    --timeout) TMO=$2; shift 2;;
    --out) OUTDIR=$2; shift 2;;
    --file) EXTRA="$EXTRA $2"; shift 2;;
    -h|--help) usage;;
    --) shift; break;;
    -*) echo "numalab: unknown option $1" >&2; usage;;
    *) break;;
  esac
done
[ $# -ge 1 ] || usage
PROG=$1; shift
[ -f "$PROG" ] || { echo "numalab: no such program: $PROG" >&2; exit 2; }
for f in $EXTRA; do [ -f "$f" ] || { echo "numalab: no such file: $f" >&2; exit 2; }; done

# --- prerequisites: only a missing qemu/kernel/busybox is a skip; everything else is a failure ---------------------
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
BUSYBOX=""
for b in /bin/busybox /usr/bin/busybox; do
  if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then BUSYBOX=$b; break; fi   # static: ldd refuses it
done
[ -n "$BUSYBOX" ] || skip "no statically linked busybox (apt-get install busybox-static)"
for t in cpio gzip xz dpkg-deb timeout; do
  command -v $t >/dev/null 2>&1 || skip "$t not installed"
done

# --- 1. kernel: resolve linux-image-amd64's dependency, download, unpack to an uncompressed vmlinux (cached) -------
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
  CACHE="${TMPDIR:-/tmp}/worldrunner-numalab-$(id -u)"     # e.g. /var/tmp not writable for this user
  mkdir -p "$CACHE"
fi
mkdir -p "$OUTDIR"
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}' || true)
if [ -n "$pkg" ]; then
  kdir="$CACHE/$pkg"
else
  # apt does not know the package (no lists): use whatever kernel an earlier run cached.
  kdir=$(ls -d "$CACHE"/linux-image-* 2>/dev/null | tail -n 1 || true)
  [ -n "$kdir" ] || skip "cannot resolve linux-image-amd64 (apt-get update?) and no cached kernel in $CACHE"
fi
if [ ! -s "$kdir/vmlinux" ]; then
  [ -n "$pkg" ] || skip "no kernel"
  echo "numalab: fetching $pkg into $kdir (once)" >&2
  work=$(mktemp -d "$CACHE/fetch.XXXXXX")
  if ! (cd "$work" && apt-get download "$pkg" >"$work/apt.log" 2>&1); then
    cat "$work/apt.log" >&2; rm -rf "$work"; skip "apt-get download $pkg failed"
  fi
  dpkg-deb -x "$work"/"$pkg"_*.deb "$work/x"
  vmlinuz=$(ls "$work"/x/boot/vmlinuz-* | head -n 1)
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
  [ -n "$off" ] || { rm -rf "$work"; echo "numalab: no XZ payload in $vmlinuz" >&2; exit 1; }
  tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream > "$work/vmlinux" 2>/dev/null || true
  [ -s "$work/vmlinux" ] || { rm -rf "$work"; echo "numalab: could not unpack $vmlinuz" >&2; exit 1; }
  mkdir -p "$kdir"
  mv "$work/vmlinux" "$kdir/vmlinux.$$" && mv "$kdir/vmlinux.$$" "$kdir/vmlinux"   # atomic for parallel jobs
  rm -rf "$work"
fi
KERNEL="$kdir/vmlinux"

# --- 2. initramfs: static busybox, the programs and their shared libraries, an /init ------------------------------
root=$(mktemp -d "${TMPDIR:-/tmp}/numalab-root.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
mkdir -p "$root/bin" "$root/test" "$root/etc"
cp "$BUSYBOX" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
add_file() {
  cp "$1" "$root/test/$(basename "$1")"
  chmod +x "$root/test/$(basename "$1")" 2>/dev/null || true
  for lib in $(ldd "$1" 2>/dev/null | grep -o '/[^ ]*' || true); do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
add_file "$PROG"
for f in $EXTRA; do add_file "$f"; done
# glibc dlopens libgcc_s for thread exit and cancellation (OpenMP teams, pthread_exit); ldd does not list it.
libdir=$(ldd /bin/sh 2>/dev/null | awk '/libc\.so/{print $3; exit}' | xargs -r dirname)
if [ -n "$libdir" ] && [ -e "$libdir/libgcc_s.so.1" ] && [ ! -e "$root$libdir/libgcc_s.so.1" ]; then
  mkdir -p "$root$libdir"
  cp -L "$libdir/libgcc_s.so.1" "$root$libdir/"
fi
args=""
for a in "$@"; do args="$args '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"; done
cat > "$root/init" <<INIT
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin:/test
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
stty -F /dev/ttyS1 raw -echo 2>/dev/null
export NUMALAB_NODES=\$(cat /proc/cmdline | tr ' ' '\n' | sed -n 's/^numalab.nodes=//p')
echo "NUMALAB START nodes=\$(cat /sys/devices/system/node/online) cpus=\$(cat /sys/devices/system/cpu/online) balancing=\$(cat /proc/sys/kernel/numa_balancing 2>/dev/null)"
cd /tmp
/test/$(basename "$PROG")$args
rc=\$?
[ \$rc -le 127 ] || rc=126
echo "NUMALAB EXIT=\$rc"
printf "\\\\\$(printf '%03o' \$rc)" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$root.initrd.gz"
trap 'rm -rf "$root" "$root.initrd.gz"' EXIT INT TERM

# --- 3. accelerator: KVM only where it is real VT-x/AMD-V (PVM hosts hang), else TCG ------------------------------
acc="-accel tcg -cpu max"; accname=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
  acc="-accel kvm -cpu host"; accname=kvm
fi
bios=""
for r in /usr/share/qemu/qboot.rom /usr/share/qemu-system-x86/qboot.rom; do
  [ -f "$r" ] && { bios="-bios $r"; break; }
done

# --- 4. boot each layout ------------------------------------------------------------------------------------------
fail=0; passed=0; skipped=0
for n in $NODES; do
  numa=""; i=0
  while [ $i -lt "$n" ]; do
    numa="$numa -object memory-backend-ram,id=m$i,size=${MEM_PER}M -numa node,nodeid=$i,cpus=$((2*i))-$((2*i+1)),memdev=m$i"
    i=$((i + 1))
  done
  log="$OUTDIR/console-${n}node.log"; gout="$OUTDIR/guest-out-${n}node.txt"
  rm -f "$log" "$gout"
  t0=$(date +%s.%N)
  set +e
  # shellcheck disable=SC2086
  timeout "$TMO" qemu-system-x86_64 $acc -machine pc $bios -nodefaults -no-user-config -display none \
    -serial "file:$log" -serial "file:$gout" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -smp $((2*n)),sockets=$n,cores=2,threads=1 -m $((n*MEM_PER))M $numa \
    -kernel "$KERNEL" -initrd "$root.initrd.gz" -no-reboot \
    -append "console=ttyS0 quiet panic=-1 numa_balancing=disable rdinit=/init numalab.nodes=$n" </dev/null
  qrc=$?
  set -e
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
  case $qrc in
    1) v=PASS;;
    155) v=SKIP;;                        # guest rc 77
    124) v=TIMEOUT;;
    0) v=NO-RESULT;;                      # guest rebooted/panicked (or qemu was killed)
    *) if [ $((qrc & 1)) -eq 1 ]; then v="FAIL(guest rc=$((qrc >> 1)))"; else v="QEMU-ERROR($qrc)"; fi;;
  esac
  # Second check: the log must carry the end marker that matches the status.
  if [ "$v" = PASS ] && ! tr -d '\r' < "$log" | grep -q '^NUMALAB EXIT=0$'; then v="NO-MARKER"; fi
  echo "numalab: $n nodes, $accname: $v in ${secs}s (log $log)"
  case $v in
    PASS) passed=$((passed + 1));;
    SKIP) skipped=$((skipped + 1)); tr -d '\r' < "$log" | grep -v '^\[' | tail -n 5 >&2;;
    *) fail=1; tr -d '\r' < "$log" | tail -n 40 >&2;;
  esac
done
[ $fail -eq 0 ] || exit 1
[ $passed -gt 0 ] || [ $skipped -eq 0 ] || exit 77
exit 0
