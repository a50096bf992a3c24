#!/usr/bin/env python3
"""The table of make bench, from the BENCH lines scripts/bench.sh collected.

usage: bench-report.py RAW

RAW has one line per figure: "VARIANT KIND key=value ...", VARIANT series
(ours) or upstream (the control), KIND kernel (the first line of a boot),
op (st_bench), reg and mem (st_regbench), tput (iperf3).  Ratios between
algorithms are taken within a boot, then the median over the boots is
reported with the spread (min..max).  The algorithms are those the guest
measured, in the order it measured them.
"""
import statistics
import sys
from collections import defaultdict

OURS, CTRL = "series", "upstream"
PAIRS = (("bpf_reno", "reno"), ("bpf_reno_pure", "reno"), ("bpf_cubic", "cubic"),
         ("bpf_reno", "st_reno"))
OPS = ("ssthresh", "cong_avoid")


def parse(path):
    """Lines grouped by (variant, boot), boot counted per variant; the
    algorithms in the order they first appear."""
    boots = defaultdict(list)
    count = defaultdict(int)
    cas = []
    for line in open(path):
        f = line.split()
        if len(f) < 2:
            continue
        var, kind = f[0], f[1]
        kv = dict(x.split("=", 1) for x in f[2:] if "=" in x)
        if kind == "kernel":
            count[var] += 1
        if kind == "op" and kv.get("ca") not in cas:
            cas.append(kv["ca"])
        boots[var, count[var]].append((kind, kv))
    return boots, cas


def by_boot(boots, var):
    return [v for (bv, _), v in sorted(boots.items()) if bv == var]


def op_cost(boot, ca, op):
    """The op's median ns/call and the same minus the bare loop's."""
    cost = loop = None
    for kind, kv in boot:
        if kind == "op" and kv.get("ca") == ca:
            if kv.get("op") == op:
                cost = float(kv["median"])
            elif kv.get("op") == "loop":
                loop = float(kv["median"])
    if cost is None or loop is None:
        return None
    return cost, cost - loop


def fig(values, fmt="{:.1f}"):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}..{fmt.format(max(values))})"


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def per_op(boots, cas):
    out = []
    for net in (True, False):
        idx = 1 if net else 0
        what = "the call alone (op minus the bare loop)" if net else "with the loop around it"
        out.append(f"\nPer-op cost, ns/call, {what}; median (min..max) over boots")
        out.append(f"{'op':<11} {'algorithm':<14} {'ours':>22} {'control':>22} {'ours/ctrl':>9}")
        for op in OPS:
            for ca in cas:
                cols, meds = [], []
                for var in (OURS, CTRL):
                    vals = []
                    for b in by_boot(boots, var):
                        c = op_cost(b, ca, op)
                        vals.append(None if c is None else c[idx])
                    cols.append(fig(vals))
                    meds.append(med(vals))
                r = ratio(meds[0], meds[1])
                rs = f"{r:.2f}" if r else "n/a"
                out.append(f"{op:<11} {ca:<14} {cols[0]:>22} {cols[1]:>22} {rs:>9}")
        out.append(f"BPF/native, {what}, within each boot")
        out.append(f"{'op':<11} {'pair':<22} {'ours':>22} {'control':>22}")
        for op in OPS:
            for bpf, nat in PAIRS:
                cols = []
                for var in (OURS, CTRL):
                    vals = []
                    for b in by_boot(boots, var):
                        x, y = op_cost(b, bpf, op), op_cost(b, nat, op)
                        vals.append(ratio(x[idx], y[idx]) if x and y else None)
                    cols.append(fig(vals, "{:.2f}"))
                out.append(f"{op:<11} {bpf + '/' + nat:<22} {cols[0]:>22} {cols[1]:>22}")
    return out


def kinds(boots, var, kind):
    return [kv for b in by_boot(boots, var) for k, kv in b if k == kind]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py RAW")
    boots, cas = parse(sys.argv[1])
    out = []
    nboots = len(by_boot(boots, OURS))
    out.append(f"make bench: ours (series) and the control (upstream), release kernels, "
               f"{nboots} boots each under QEMU TCG")
    out += per_op(boots, cas)

    out.append("\nRegister + unregister (create, update, delete, close), us, "
               "median (min..max) over boots")
    out.append(f"{'':<20} {'ours':>22} {'control':>22} {'ours/ctrl':>9}")
    for key, label in (("median", "us/cycle"), ("reg_median", "create+update"),
                       ("unreg_median", "delete+close")):
        vals = [[float(kv[key]) for kv in kinds(boots, v, "reg") if key in kv]
                for v in (OURS, CTRL)]
        r = ratio(med(vals[0]), med(vals[1]))
        out.append(f"{label:<20} {fig(vals[0]):>22} {fig(vals[1]):>22} "
                   f"{(f'{r:.2f}' if r else 'n/a'):>9}")

    out.append("\nMemory per registered struct (kernel counters: /proc/meminfo, /proc/slabinfo, /proc/vmallocinfo)")
    keys = sorted({k for v in (OURS, CTRL) for kv in kinds(boots, v, "mem") for k in kv
                   if k.endswith("_per_struct_B")})
    for k in keys:
        vals = [[float(kv[k]) for kv in kinds(boots, v, "mem") if k in kv] for v in (OURS, CTRL)]
        r = ratio(med(vals[0]), med(vals[1]))
        out.append(f"{k:<20} {fig(vals[0], '{:.0f}'):>22} {fig(vals[1], '{:.0f}'):>22} "
                   f"{(f'{r:.2f}' if r else 'n/a'):>9}")

    out.append("\nTCP throughput over veth + netem, bpf_cubic/cubic within each boot")
    cols = []
    for v in (OURS, CTRL):
        vals = []
        for b in by_boot(boots, v):
            t = defaultdict(list)
            for k, kv in b:
                if k == "tput":
                    t[kv["ca"]].append(float(kv["mbit"]))
            if t["cubic"] and t["bpf_cubic"]:
                vals.append(statistics.mean(t["bpf_cubic"]) / statistics.mean(t["cubic"]))
        cols.append(fig(vals, "{:.3f}"))
    out.append(f"{'bpf_cubic/cubic':<20} {cols[0]:>22} {cols[1]:>22}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
