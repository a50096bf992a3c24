# bpf struct_ops: harness around the patch series in patches/.
# VARIANT=series (default: base, strip, patches/series) or upstream (the
# base as Debian ships it, the control).  See README.md.

VARIANT ?= series
export VARIANT

.PHONY: help deps tree export kernel selftests check parity stress demo bench lint docs vm clean

help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

## deps       install the Debian packages the harness needs (apt)
deps:
	scripts/deps.sh --docs

## tree       unpack the pinned base into build/linux, strip, apply patches/
tree:
	scripts/prepare-tree.sh

## export     regenerate patches/ from build/linux's commits after "strip"
export:
	scripts/export.sh

## kernel     build the kernel (FLAVOUR=debug|demo, default debug)
kernel:
	scripts/deps.sh
	FLAVOUR=$(or $(FLAVOUR),debug) scripts/build-kernel.sh

## selftests  build bpftool, libbpf and test_progs against that kernel
selftests: kernel
	FLAVOUR=$(or $(FLAVOUR),debug) scripts/build-selftests.sh

## check      everything from nothing, then the tests in the debug VM
check:
	scripts/check.sh

## parity     the base's own tests on the control and on the series, side by side (FULL=1: all of test_progs)
parity:
	FULL=$(or $(FULL),0) scripts/parity.sh

## stress     races, fault injection, fuzzing and trinity on the debug kernel, bounded (PARTS="races faults fuzz trinity")
stress:
	scripts/stress.sh $(PARTS)

## demo       a BPF congestion control registered, used and unregistered
demo:
	scripts/demo.sh

## bench      release kernels, ours beside the control: per-op cost, register latency, memory, throughput
bench:
	scripts/bench.sh

## lint       checkpatch, W=1/C=1, kernel-doc, bisectability, Sphinx
lint:
	scripts/lint.sh

## docs       build Documentation/bpf as HTML
docs:
	scripts/docs.sh

## vm         run CMD in the VM (FLAVOUR=debug|demo), e.g. make vm CMD="uname -a"
vm:
	FLAVOUR=$(or $(FLAVOUR),debug) scripts/vm-run.sh -- sh -c '$(CMD)'

## clean      remove build/ (ccache stays in ~/.cache/ccache)
clean:
	rm -rf build
