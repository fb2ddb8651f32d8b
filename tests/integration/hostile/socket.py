# A Python program tries the cluster's ports (GAVEL_PORTS is filled in): all must fail.
import socket
reached = 0
for port in GAVEL_PORTS:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=0.5)
        reached += 1
        s.close()
    except OSError:
        pass
print("reached" if reached else "ok")
