#!/usr/bin/env python3
"""Turn a DT overlay (.dtbo) into U-Boot `fdt mknode` / `fdt set` commands.

For a U-Boot built without CONFIG_OF_LIBFDT_OVERLAY (no `fdt apply`, as
Debian's u-boot-qemu), these commands make the same change to the working
FDT (`fdt addr ...; fdt resize 8192` first):

  scripts/dtbo2fdt.py build/dts/qemu-virt-pools.dtbo > pools.cmd

Fragments may use target-path, or target = <&label> when --base names the
board's DTB (compiled with -@, so its __symbols__ resolve the label).
Phandles the overlay defines are moved past every phandle of the base DTB
(--base), else past --phandle-base (default 0x10000), as `fdt apply` does;
references to them (__local_fixups__) are renumbered to match.

Prints one command per line on stdout; exits 1 with a message on stderr
for an overlay it cannot translate.
"""
import argparse
import re
import struct
import sys

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


class Node:
    def __init__(self, name):
        self.name = name
        self.props = []        # [(name, bytearray)] in blob order
        self.children = []

    def prop(self, name):
        for n, v in self.props:
            if n == name:
                return v
        return None

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def walk(self, path="/"):
        yield path, self
        for c in self.children:
            yield from c.walk(path.rstrip("/") + "/" + c.name)


def parse(blob):
    """The tree of a flattened DT (DT spec v0.4, chapter 5)."""
    magic, total, off_struct, off_strings = struct.unpack(">IIII", blob[:16])
    if magic != FDT_MAGIC:
        raise ValueError("not a DTB (bad magic)")
    size_struct = struct.unpack(">I", blob[36:40])[0]
    strings = blob[off_strings:total]
    pos, end = off_struct, off_struct + size_struct
    stack, root = [], None
    while pos < end:
        tok = struct.unpack(">I", blob[pos:pos + 4])[0]
        pos += 4
        if tok == FDT_BEGIN_NODE:
            nul = blob.index(b"\0", pos)
            node = Node(blob[pos:nul].decode())
            pos = (nul + 4) & ~3
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
        elif tok == FDT_END_NODE:
            stack.pop()
        elif tok == FDT_PROP:
            ln, nameoff = struct.unpack(">II", blob[pos:pos + 8])
            pos += 8
            name = strings[nameoff:strings.index(b"\0", nameoff)].decode()
            stack[-1].props.append((name, bytearray(blob[pos:pos + ln])))
            pos = (pos + ln + 3) & ~3
        elif tok == FDT_NOP:
            continue
        elif tok == FDT_END:
            break
        else:
            raise ValueError("bad structure token %d at 0x%x" % (tok, pos - 4))
    return root


def lookup(root, path):
    node = root
    for part in [p for p in path.split("/") if p]:
        node = node.child(part)
        if node is None:
            return None
    return node


def cstr(v):
    return bytes(v).rstrip(b"\0").decode()


def max_phandle(root):
    m = 0
    for _, n in root.walk():
        for pname in ("phandle", "linux,phandle"):
            v = n.prop(pname)
            if v is not None and len(v) == 4:
                m = max(m, struct.unpack(">I", v)[0])
    return m


def renumber(ov, delta):
    """What libfdt's overlay_adjust_local_phandles() does, with @delta."""
    for _, n in ov.walk():
        for i, (pname, v) in enumerate(n.props):
            if pname in ("phandle", "linux,phandle") and len(v) == 4:
                n.props[i] = (pname, bytearray(struct.pack(">I", struct.unpack(">I", v)[0] + delta)))
    fix = ov.child("__local_fixups__")
    if fix is None:
        return
    for path, fnode in fix.walk():
        target = lookup(ov, path)
        if target is None:
            raise ValueError("__local_fixups__ names %s, which the overlay lacks" % path)
        for pname, offsets in fnode.props:
            val = target.prop(pname)
            for k in range(0, len(offsets), 4):
                off = struct.unpack(">I", offsets[k:k + 4])[0]
                old = struct.unpack(">I", val[off:off + 4])[0]
                val[off:off + 4] = struct.pack(">I", old + delta)


def resolve_fixups(ov, base):
    """References to the base's labels (__fixups__): patch in the base's phandles."""
    fix = ov.child("__fixups__")
    if fix is None:
        return
    syms = base.child("__symbols__") if base else None
    for label, refs in fix.props:
        if syms is None or syms.prop(label) is None:
            raise ValueError("overlay references label '%s' of the base DT: pass --base "
                             "with a DTB compiled with -@ that defines it" % label)
        bnode = lookup(base, cstr(syms.prop(label)))
        ph = bnode.prop("phandle") if bnode is not None else None
        if ph is None:
            raise ValueError("base node %s (label %s) has no phandle" %
                             (cstr(syms.prop(label)), label))
        for ref in cstr(refs).split("\0"):
            path, pname, off = ref.rsplit(":", 2)
            node = lookup(ov, path)
            node.prop(pname)[int(off):int(off) + 4] = ph


PLAIN = re.compile(r"^[A-Za-z0-9,._+@-]+$")


def quote(s):
    if PLAIN.match(s):
        return s
    return '"' + re.sub(r'(["\\$])', r"\\\1", s) + '"'


def is_strings(v):
    if len(v) < 2 or v[-1] != 0 or v[0] == 0 or b"\0\0" in bytes(v):
        return False
    return all(32 <= c < 127 or c == 0 for c in v)


def value(v):
    if not v:
        return ""
    if is_strings(v):
        return " " + " ".join(quote(s) if s else '""'
                              for s in bytes(v[:-1]).decode().split("\0"))
    if len(v) % 4 == 0:
        return " <" + " ".join("0x%x" % c for c in struct.unpack(">%dI" % (len(v) // 4), v)) + ">"
    return " [" + " ".join("%02x" % c for c in v) + "]"


def emit(node, path, out):
    for pname, v in node.props:
        out.append("fdt set %s %s%s" % (path, quote(pname), value(v)))
    for c in node.children:
        out.append("fdt mknode %s %s" % (path, quote(c.name)))
        emit(c, path.rstrip("/") + "/" + c.name, out)


def commands(ov, base=None, phandle_base=0x10000):
    renumber(ov, max_phandle(base) if base else phandle_base - 1)
    resolve_fixups(ov, base)
    out = []
    for frag in ov.children:
        body = frag.child("__overlay__")
        if body is None:
            continue
        tp, tgt = frag.prop("target-path"), frag.prop("target")
        if tp is not None:
            target = cstr(tp)
        elif tgt is not None and base is not None:
            ph = bytes(tgt)
            target = next((p for p, n in base.walk() if n.prop("phandle") == ph), None)
            if target is None:
                raise ValueError("%s: target phandle not in the base DT" % frag.name)
        else:
            raise ValueError("%s: target = <&label> needs --base" % frag.name)
        emit(body, target, out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dtbo")
    ap.add_argument("--base", help="the board's DTB (phandle numbering, label targets)")
    ap.add_argument("--phandle-base", type=lambda s: int(s, 0), default=0x10000,
                    help="first phandle for the overlay's nodes without --base")
    a = ap.parse_args()
    try:
        ov = parse(open(a.dtbo, "rb").read())
        base = parse(open(a.base, "rb").read()) if a.base else None
        print("\n".join(commands(ov, base, a.phandle_base)))
    except (ValueError, OSError, struct.error) as e:
        print("dtbo2fdt: %s: %s" % (a.dtbo, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
