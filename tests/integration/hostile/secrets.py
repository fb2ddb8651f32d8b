# Reads /etc/shadow and /proc/1/environ, and tries to write outside the working directory.
got = 0
for path in ("/etc/shadow", "/proc/1/environ"):
    try:
        with open(path, "rb") as f:
            if f.read(1):
                got += 1
    except OSError:
        pass
for path in ("/etc/gavel-py", "../gavel-py", "/usr/gavel-py"):
    try:
        open(path, "w").close()
        got += 1
    except OSError:
        pass
print("bad" if got else "ok")
