# SPDX-License-Identifier: GPL-3.0-or-later
# slots.py CMD DIR ...: read, forge and garble the records of DIR/.slots
# (helper/slots.h) for the integration tests, as root (the only one who can
# open the file). A record is 1024 bytes: "NAME INODE\n", the entry's text,
# NUL bytes; its monitor holds a POSIX write lock on it.
import fcntl, os, struct, sys, time
SIZE = 1024
def held(fd, i):
    l = struct.pack("@hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, i * SIZE, SIZE, 0)
    t, _, _, _, pid = struct.unpack("@hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, l))
    return 0 if t == fcntl.F_UNLCK else pid
def records(path):
    data = open(path, "rb").read()
    return [data[i:i + SIZE] for i in range(0, len(data) - SIZE + 1, SIZE)]
cmd, d = sys.argv[1], sys.argv[2]
path = os.path.join(d, ".slots")
if cmd == "show":      # show DIR NAME: index, holder and inode of NAME's record
    fd = os.open(path, os.O_RDONLY)
    for i, r in enumerate(records(path)):
        head = r.split(b"\n", 1)[0].split(b" ")
        if head[0] == sys.argv[3].encode():
            print(i, held(fd, i), head[1].decode())
elif cmd == "at":      # at DIR I: record I's first byte and holder
    fd = os.open(path, os.O_RDONLY)
    print(records(path)[int(sys.argv[3])][0], held(fd, int(sys.argv[3])))
elif cmd == "garble":  # garble DIR I: record I becomes bytes no parser takes
    fd = os.open(path, os.O_RDWR)
    os.pwrite(fd, b"\x01" * (SIZE - 1) + b"\0", int(sys.argv[3]) * SIZE)
elif cmd == "text":    # text DIR NAME: the entry text NAME's record holds
    for r in records(path):
        head, _, rest = r.partition(b"\n")
        if head.split(b" ")[0] == sys.argv[3].encode():
            sys.stdout.write(rest.split(b"\0", 1)[0].decode())
elif cmd == "forge":   # forge DIR NAME READY: hold a record for NAME's entry until killed
    fd = os.open(path, os.O_RDWR)
    i = os.fstat(fd).st_size // SIZE + 1
    text = open(os.path.join(d, sys.argv[3]), "rb").read()
    rec = b"%s %d\n" % (sys.argv[3].encode(), os.stat(os.path.join(d, sys.argv[3])).st_ino) + text
    os.pwrite(fd, rec + b"\0" * (SIZE - len(rec)), i * SIZE)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, SIZE, i * SIZE)
    open(sys.argv[4], "w").close()
    time.sleep(60)
