# shellcheck shell=bash
# Shared settings for the harness scripts; sourced, never run.

# The pinned base: Debian's linux-source-6.1 package.
BASE_PKG=linux-source-6.1
BASE_VERSION=6.1.192-2
BASE_TARBALL=/usr/src/linux-source-6.1.tar.xz
BASE_SHA256=4d415b3d364834fd818270e88813e90323bbfce4f519a0e6bd4940ddcd7df693

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
PATCHES=${PATCHES:-$TOP/patches}

# VARIANT=series: the base, stripped, with patches/series applied (build/linux).
# VARIANT=upstream: the base as Debian ships it (build/upstream), the control.
VARIANT=${VARIANT:-series}
case "$VARIANT" in
series) SRC=$BUILD/linux ;;
upstream) SRC=$BUILD/upstream ;;
*) echo "unknown VARIANT=$VARIANT (series or upstream)" >&2; exit 2 ;;
esac

# FLAVOUR=debug: KASAN, lockdep, kmemleak (make check).
# FLAVOUR=demo: the same kernel without the debug fragment (make demo).
FLAVOUR=${FLAVOUR:-debug}
case "$FLAVOUR" in
debug | demo) ;;
*) echo "unknown FLAVOUR=$FLAVOUR (debug or demo)" >&2; exit 2 ;;
esac

export VARIANT FLAVOUR
OUT=$BUILD/out/$VARIANT-$FLAVOUR
KOUT=$OUT/kernel
STOUT=$OUT/selftests
BPFTOOL=$STOUT/tools/sbin/bpftool
JOBS=${JOBS:-$(nproc)}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$BUILD
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-20G}

# Harness identity for the commits it makes itself (base, strip).
export GIT_AUTHOR_NAME="struct_ops harness" GIT_AUTHOR_EMAIL="harness@localhost"
export GIT_COMMITTER_NAME="struct_ops harness" GIT_COMMITTER_EMAIL="harness@localhost"

T0=${T0:-$(date +%s)}
export T0
progress() {
	local s=$(($(date +%s) - T0))
	printf '[%02d:%02d] %s\n' $((s / 60)) $((s % 60)) "$*"
}
die() {
	echo "error: $*" >&2
	exit 1
}
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || die "missing tool '$t' (run scripts/deps.sh)"
	done
}
# Refuse a kernel config with a debug option that would distort timings.
# usage: require_release_kernel CONFIG WHAT
require_release_kernel() {
	if grep -qE '^CONFIG_(KASAN|PROVE_LOCKING|LOCKDEP|DEBUG_KMEMLEAK)=y' "$1"; then
		die "$1 has debug options (KASAN, lockdep or kmemleak); $2 needs a release kernel"
	fi
}
# The guest gets its command line only: print the NAME=VALUE words of the
# exported variables whose names start with PREFIX, for env(1) there.
# Values are passed as single words, so only [0-9A-Za-z.:/_-] is allowed.
# Assign its output (var=$(guest_env P)) so that set -e sees a refusal.
# usage: guest_env PREFIX
guest_env() {
	local name
	for name in $(compgen -e "$1"); do
		[[ ${!name} =~ ^[0-9A-Za-z.:/_-]*$ ]] ||
			die "$name='${!name}': only [0-9A-Za-z.:/_-] can be passed to the guest"
		printf '%s=%s\n' "$name" "${!name}"
	done
}
# One lock on build/: jobs that build from build/linux hold it shared, a
# job that moves build/linux's checkout (lint's bisect) holds it exclusive.
# Held until the script exits (fd 9).
# usage: tree_lock shared|exclusive
tree_lock() {
	local mode=-s
	[ "$1" = exclusive ] && mode=-x
	need flock
	mkdir -p "$BUILD"
	exec 9>"$BUILD/.tree.lock"
	if ! flock -n $mode 9; then
		progress "waiting for another harness job using $BUILD ($1 lock on $BUILD/.tree.lock)"
		flock $mode 9
	fi
}

# The entries of a list file (patches/series, patches/removed, tests lists):
# no comments, no blank lines.
entries() {
	grep -v '^[[:space:]]*\(#\|$\)' "$1" || true
}

# The test names of tests/parity.list: all of them, or only the cheap ones
# (those not marked [slow]), one per line.
# usage: parity_tests FILE all|cheap
parity_tests() {
	[ -f "$1" ] || die "missing $1"
	case $2 in
	all) grep -v '^[[:space:]]*#' "$1" ;;
	cheap) grep -v '^[[:space:]]*#' "$1" | grep -vF '[slow]' ;;
	*) die "parity_tests: all or cheap, not '$2'" ;;
	esac | sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' -e '/^$/d'
}

# test_progs results in a log as "name status" lines (OK, SKIP, FAIL): one
# per subtest ("#12/3 test/sub:OK"), and one per test that has none.  A test
# that failed outside its subtests gets a line of its own.
tp_results() {
	awk '
	match($0, /^#[0-9]+(\/[0-9]+)?[ \t]+/) {
		num = substr($1, 2); rest = substr($0, RLENGTH + 1)
		if (!match(rest, /:(OK|SKIP|FAIL)( |$)/)) next
		name = substr(rest, 1, RSTART - 1); st = substr(rest, RSTART + 1, RLENGTH - 1)
		gsub(/[ \t]/, "_", name)
		sub(/ $/, "", st)
		if (index(num, "/")) { split(num, a, "/"); has[a[1]] = 1 } else { tnum[name] = num }
		if (!(name in seen)) order[n++] = name
		seen[name] = st
	}
	END {
		for (i = 0; i < n; i++) {
			k = order[i]
			if ((k in tnum) && has[tnum[k]] && seen[k] != "FAIL") continue
			print k, seen[k]
		}
	}' "$1"
}

# Run a long command with its output in a log file, printing a progress line
# (elapsed minutes, the last thing it said) every minute.
# usage: run_logged "what" LOGFILE cmd...
run_logged() {
	local what=$1 log=$2 pid rc=0 start=$(date +%s) last
	shift 2
	mkdir -p "$(dirname "$log")"
	progress "$what (log: ${log#$TOP/})"
	"$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_or_tick "$pid"; do
		last=$(tail -n 1 "$log" 2>/dev/null | cut -c1-90)
		progress "  $what: $((($(date +%s) - start) / 60)) min, $last"
	done
	wait "$pid" || rc=$?
	if [ $rc -ne 0 ]; then
		echo "---- last lines of $log ----" >&2
		grep -E 'error|Error|ERROR' "$log" | head -20 >&2 || true
		tail -n 30 "$log" >&2
		die "$what failed (exit $rc); full log: $log"
	fi
	progress "$what: done in $((($(date +%s) - start) / 60)) min $((($(date +%s) - start) % 60)) s"
}
# Wait up to 60 s for pid; true once it has exited.
wait_or_tick() {
	local i
	for ((i = 0; i < 60; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	return 1
}

# Test results: "PASS name (detail)" / "FAIL name (detail)" lines, counted
# for the closing "N passed, N failed".
pass=0
fail=0
record() { # record PASS|FAIL name [detail]
	if [ "$1" = PASS ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	printf '%s %s%s\n' "$1" "$2" "${3:+ ($3)}"
}

# What a guest's kernel log says, as "splats N, leaks N", from the files
# scripts/vm-run.sh left in DIR and its exit code: a guest that timed out
# or died counts one splat (its log ended early), a kmemleak that did not
# scan makes the leaks "unknown".
# usage: guest_verdict DIR VMRC
guest_verdict() {
	local splats leaks
	splats=$(grep -acv '^kmemleak: no scan' "$1/splat.log" 2>/dev/null || true)
	leaks=$(grep -ac 'unreferenced object' "$1/kmemleak.log" 2>/dev/null || true)
	if [ -f "$1/kmemleak-state" ] && [ "$(cat "$1/kmemleak-state")" != scanned ]; then
		leaks=unknown
	fi
	case $2 in 124 | 126) splats=$((${splats:-0} + 1)) ;; esac
	echo "splats ${splats:-0}, leaks ${leaks:-0}"
}

# What make demo and make bench need from the selftests of $VARIANT-$FLAVOUR:
# bpftool, libbpf.a and the BPF objects named (paths under $STOUT).
# usage: build_demo_objs LOGNAME OBJ...
build_demo_objs() {
	local log=$1
	shift
	mkdir -p "$STOUT"
	run_logged "building bpftool, libbpf and $* for $VARIANT-$FLAVOUR" "$OUT/logs/$log.log" \
		make -C "$SRC/tools/testing/selftests/bpf" -j"$JOBS" \
		OUTPUT="$STOUT" VMLINUX_BTF="$KOUT/vmlinux" \
		"$BPFTOOL" "$STOUT/tools/build/libbpf/libbpf.a" "${@/#/$STOUT/}"
}

# Compile one BPF C file outside the selftests' Makefile, with its flags and
# against $VARIANT's vmlinux.h and libbpf headers.
# usage: build_bpf_obj SRC.c OUT.bpf.o
build_bpf_obj() {
	local sel=$SRC/tools/testing/selftests/bpf sys_inc
	need clang sed
	sys_inc=$(clang -v -E - </dev/null 2>&1 |
		sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
	# shellcheck disable=SC2086 # one flag per word
	clang -g -Werror -D__TARGET_ARCH_x86 -mlittle-endian -I"$STOUT/tools/include" -I"$sel" \
		-I"$sel/progs" -I"$SRC/tools/include/uapi" $sys_inc -O2 -target bpf -mcpu=v3 \
		-c "$1" -o "$2" || die "building $2 from $1 failed"
}
