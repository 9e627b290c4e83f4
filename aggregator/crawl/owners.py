"""Who holds a lease or runs a crawl: host, process and a random tag, and whether it still lives.

A crawl killed outright (SIGKILL, power loss) can neither give its leases back nor close its run;
on its own host its death is known at once from its process id, elsewhere the lease's expiry and the
run's age cover it.
"""

from __future__ import annotations

import os
import socket
import uuid


def new_owner() -> str:
    """Return a name for this process's crawl: ``crawl:HOST:PID:TAG``."""
    return f"crawl:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_stale(owner: str) -> bool:
    """Return True when ``owner`` is a crawl process of this host that no longer runs."""
    parts = owner.split(":")
    if len(parts) != 4 or parts[0] != "crawl" or parts[1] != socket.gethostname():
        return False
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False
