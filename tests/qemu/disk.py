"""Disk images with a known pattern for the block-driver runs, and the check
of every byte after QEMU exits (the pattern is include/drivers/blockdev.h's).
"""

WRITE_OFF = 0x8000   # BLK_TEST_WRITE_OFF
WRITE_LEN = 0x5000   # BLK_TEST_WRITE_LEN


def before(off):
    s, i = off >> 9, off & 511
    return (s * 13 + i * 7 + 0x11) & 0xff


def after(off):
    s, i = off >> 9, off & 511
    return (s * 29 + i * 11 + 0xa5 + (s >> 8)) & 0xff


def make(path, size):
    """Write a raw image of @size bytes holding the 'before' pattern."""
    with open(path, "wb") as f:
        f.write(bytes(before(o) for o in range(size)))


def verify(path, size, written):
    """Check the image after the run. @written: whether the firmware's write
    test ran (then [WRITE_OFF, WRITE_OFF + WRITE_LEN) must hold 'after').
    Return (ok, message)."""
    data = open(path, "rb").read()
    if len(data) != size:
        return False, "image is %d bytes, expected %d" % (len(data), size)
    bad = []
    for o in range(size):
        inside = written and WRITE_OFF <= o < WRITE_OFF + WRITE_LEN
        want = after(o) if inside else before(o)
        if data[o] != want:
            bad.append(o)
            if len(bad) >= 8:
                break
    if bad:
        return False, "byte(s) at %s differ from the expected pattern (first: 0x%02x, want 0x%02x)" % (
            ", ".join("0x%x" % o for o in bad), data[bad[0]],
            (after(bad[0]) if written and WRITE_OFF <= bad[0] < WRITE_OFF + WRITE_LEN
             else before(bad[0])))
    return True, "%d bytes checked (%s)" % (size, "write region updated" if written else "unchanged")
