#!/usr/bin/env python3
"""Turn `make V=1` output (stdin) into compile_commands.json (stdout).

Every line that runs a compiler with -c (firmware objects) or builds a host
test binary becomes one entry per C source file on it.
"""
import json
import os
import shlex
import sys

root = os.getcwd()
entries = []
for line in sys.stdin:
    try:
        argv = shlex.split(line)
    except ValueError:
        continue
    if not argv or not (argv[0].endswith("gcc") or argv[0].endswith("clang") or argv[0] == "cc"):
        continue
    for src in [a for a in argv if a.endswith(".c") and os.path.exists(a)]:
        entries.append({"directory": root, "file": os.path.join(root, src), "arguments": argv})
json.dump(entries, sys.stdout, indent=1)
print()
