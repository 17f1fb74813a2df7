#!/usr/bin/env python3
"""ferronic open board: nextpnr-ecp5's --report JSON as a table.

Prints the use of LUT4s (TRELLIS_COMB), flip-flops (TRELLIS_FF) and block
RAMs (DP16KD) against the device, and each clock's achieved frequency
against its constraint with the margin; exits 1 when a clock misses its
constraint (written by nicgen, issue 16).
"""
import json
import sys


def role(net, mhz):
    """The board's name of a clock: nextpnr names a global net after one
    of its sinks; the board has the PHYs' receive clocks, the PLL's 125 MHz
    transmit clock and its 62.5 MHz core clock."""
    for port in ("eth0_rxc", "eth1_rxc"):
        if port in net:
            return port
    if abs(mhz - 125.0) < 0.01:
        return "clk125"
    if abs(mhz - 62.5) < 0.01:
        return "core_clk"
    return net


def main(path):
    with open(path) as f:
        rep = json.load(f)
    util = rep.get("utilization", {})
    print("resource      used / available")
    for cell, name in (("TRELLIS_COMB", "LUT4"), ("TRELLIS_FF", "FF"), ("DP16KD", "EBR"),
                       ("EHXPLLL", "PLL"), ("TRELLIS_IO", "IO")):
        u = util.get(cell, {})
        used, avail = u.get("used", 0), u.get("available", 0)
        pct = 100.0 * used / avail if avail else 0.0
        print(f"{name:<12} {used:>6} / {avail:<6} ({pct:.1f} %)")
    print()
    print("clock          Fmax MHz   target MHz   margin")
    missed = []
    for clk, f in sorted(rep.get("fmax", {}).items()):
        got, want = f.get("achieved", 0.0), f.get("constraint", 0.0)
        name = role(clk.replace("$glbnet$", ""), want)
        verdict = "met" if got >= want else "MISSED"
        print(f"{name:<14} {got:>8.1f}   {want:>10.1f}   {got - want:>+6.1f} {verdict}")
        if got < want:
            missed.append(name)
    if not rep.get("fmax"):
        print("no clock in the report")
        return 1
    if missed:
        print("timing missed: " + ", ".join(missed))
        return 1
    print("timing met on every clock")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "report.json"))
