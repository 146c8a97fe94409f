#!/usr/bin/env python3
"""Runs a command and writes the peak RSS of that process alone (its VmHWM in KiB, read from
/proc every 5 ms while it runs) to the file $PEAK_OUT: the git processes forge starts are not
counted, as GNU time's figure (the largest process of the tree) counts them. A peak in the
last 5 ms before the exit would be missed. Exits with the command's status."""
import os
import subprocess
import sys
import time

proc = subprocess.Popen(sys.argv[1:])
peak = 0
while proc.poll() is None:
    try:
        with open(f"/proc/{proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    except (OSError, ValueError):
        pass
    time.sleep(0.005)
with open(os.environ["PEAK_OUT"], "w") as out:
    out.write(f"{peak}\n")
sys.exit(proc.returncode)
