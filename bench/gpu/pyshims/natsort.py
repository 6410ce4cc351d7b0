# Stand-in for the natsort package, which official Cellpose 3.0.11 imports (cellpose.io, for sorting file lists)
# and the device machine's Python lacks. The benchmark never lists files; this sorts digit runs by value all the same.
import re


def natsorted(items, key=None):
    def natural(item):
        text = str(item if key is None else key(item))
        return [(0, int(part), '') if part.isdigit() else (1, 0, part) for part in re.split(r'(\d+)', text)]
    return sorted(items, key=natural)
