#!/usr/bin/env python3
"""Read a Fjord tensor stream (concatenated .npy arrays) from a pipe in Python.

np.load(sys.stdin.buffer) fails on a pipe because it seeks back after sniffing the magic, and
numpy.lib.format.read_array uses np.fromfile, which needs a real file (numpy issue 23479). Hiding the
file object behind a plain .read() makes read_array fall back to reading, which works on pipes.

    tensor rand --shape 3,4 --count 2 | python3 Tools/npystream.py          # prints each array
    from npystream import read_stream; arrays = list(read_stream(sys.stdin.buffer))

With --save OUT, writes the arrays back with np.save (one after another) instead of printing them.
"""
import sys

import numpy as np
from numpy.lib import format as npformat


class _Reader:
    """Exposes only read(), so numpy does not try to seek or mmap the stream; holds pushed-back bytes."""

    def __init__(self, f):
        self.f = f
        self.head = b""

    def read(self, n=-1):
        if n is None or n < 0:
            data, self.head = self.head + self.f.read(), b""
            return data
        data, self.head = self.head[:n], self.head[n:]
        while len(data) < n:
            more = self.f.read(n - len(data))
            if not more:
                break
            data += more
        return data


def read_stream(f):
    """Yields each array of a stream until a clean end of input; raises ValueError on a torn one."""
    r = _Reader(f)
    while True:
        first = r.read(1)
        if not first:
            return
        r.head = first + r.head
        yield npformat.read_array(r, allow_pickle=False)


def main():
    out = None
    if len(sys.argv) == 3 and sys.argv[1] == "--save":
        out = open(sys.argv[2], "wb")
    elif len(sys.argv) != 1:
        sys.exit("usage: npystream.py [--save OUT] < stream")
    for i, a in enumerate(read_stream(sys.stdin.buffer)):
        if out:
            np.save(out, a)
        else:
            print(f"{i}: {a.dtype} {a.shape}")
            print(a)


if __name__ == "__main__":
    main()
