"""A small controllable TCP proxy for cluster tests, put in front of one member's peer port (the
member advertises the proxy's URL as its peer URL, so every peer connection TO that member goes
through it).

What it can cut, honestly:
  * Only connections made TO the proxied port. The member's own outgoing peer connections go to
    the other members' proxies, so a single proxy cuts one direction of one member's traffic
    (and in etcd's rafthttp a member also receives messages over streams IT dialed, so cutting
    one proxy alone does not isolate a member: see cluster_lib.Cluster.partition, which blocks
    the member's proxy for everyone AND the other proxies for connections coming from it).
  * Which process opened a connection is found through Linux's /proc (the client socket's inode
    in /proc/net/tcp, then /proc/<pid>/fd), given a name->pid map; a connection whose source is
    unknown follows the default mode. Loopback only.

Modes (per source, plus a default):
  pass       bytes flow both ways.
  blackhole  accepted connections stay open but every byte in either direction is read and
             dropped, like a network that loses packets; new connections are accepted and held
             without reaching the member. Streams that lost bytes are closed when the mode goes
             back to pass (their framing is broken), so clients reconnect cleanly.
  refuse     existing connections are reset and new ones are accepted then reset at once.

Thread-safe: set_mode may be called from any thread. One accept thread plus two pump threads per
connection; everything is torn down by close().
"""
import os
import socket
import struct
import threading

PASS = "pass"
BLACKHOLE = "blackhole"
REFUSE = "refuse"
_MODES = (PASS, BLACKHOLE, REFUSE)


def _reset(sock):
    """Closes with RST (SO_LINGER 0) so the other side sees the cut at once."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.shutdown(socket.SHUT_RD)  # wakes a pump blocked in recv without sending a FIN
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class ProcessResolver:
    """Maps a loopback client address (127.0.0.1, port) connected to `server_port` to the name of
    the process owning that socket. `pids` is a callable returning {name: pid} (current pids)."""

    def __init__(self, pids):
        self.pids = pids

    @staticmethod
    def _inode(client_port, server_port):
        """The inode of the client-side socket 127.0.0.1:client_port -> :server_port. Matched on
        ports only, in tcp and tcp6 (a dual-stack client, as gRPC's, holds an AF_INET6 socket with
        an IPv4-mapped address)."""
        local_port, remote_port = "%04X" % client_port, "%04X" % server_port
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                with open(table) as f:
                    next(f)
                    for line in f:
                        fields = line.split()
                        if (fields[1].rsplit(":", 1)[1] == local_port
                                and fields[2].rsplit(":", 1)[1] == remote_port):
                            return fields[9]
            except OSError:
                continue
        return None

    def __call__(self, client_addr, server_port):
        inode = self._inode(client_addr[1], server_port)
        if not inode or inode == "0":
            return None
        want = "socket:[%s]" % inode
        for name, pid in self.pids().items():
            if pid is None:
                continue
            fd_dir = "/proc/%d/fd" % pid
            try:
                for fd in os.listdir(fd_dir):
                    try:
                        if os.readlink(os.path.join(fd_dir, fd)) == want:
                            return name
                    except OSError:
                        continue
            except OSError:
                continue
        return None


class _Conn:
    def __init__(self, client, source):
        self.client = client
        self.upstream = None
        self.source = source
        self.tainted = False  # some bytes were dropped: close on heal
        self.closed = False


class TcpProxy:
    """Listens on 127.0.0.1:listen_port (0 = pick a free one) and forwards to 127.0.0.1:target_port.
    `resolver(client_addr, listen_port)` names a connection's source (or None)."""

    def __init__(self, target_port, listen_port=0, resolver=None, name="proxy"):
        self.target_port = target_port
        self.resolver = resolver
        self.name = name
        self._lock = threading.Lock()
        self._default = PASS
        self._by_source = {}
        self._conns = set()
        self._closing = False
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", listen_port))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept_loop, name="%s-accept" % name, daemon=True)
        self._thread.start()

    # ---- control -------------------------------------------------------------------------------

    def mode_for(self, source):
        with self._lock:
            return self._by_source.get(source, self._default) if source is not None else self._default

    def set_mode(self, mode, source=None):
        """Sets the default mode (source None) or the mode for connections from `source`."""
        assert mode in _MODES, mode
        with self._lock:
            if source is None:
                self._default = mode
            else:
                self._by_source[source] = mode
            conns = list(self._conns)
        for c in conns:
            m = self.mode_for(c.source)
            if m == REFUSE or (m == PASS and c.tainted):
                self._close_conn(c)
            elif m == BLACKHOLE:
                c.tainted = True

    def clear(self):
        """Every source back to pass; closes the connections that lost bytes."""
        with self._lock:
            self._by_source.clear()
        self.set_mode(PASS)

    def close(self):
        self._closing = True
        try:
            self._sock.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            self._close_conn(c)

    # ---- data path -----------------------------------------------------------------------------

    def _close_conn(self, c):
        with self._lock:
            if c.closed:
                return
            c.closed = True
            self._conns.discard(c)
        _reset(c.client)
        if c.upstream is not None:
            _reset(c.upstream)

    def _accept_loop(self):
        while not self._closing:
            try:
                client, addr = self._sock.accept()
            except OSError:
                return
            self.accepted += 1
            source = self.resolver(addr, self.port) if self.resolver else None
            mode = self.mode_for(source)
            if mode == REFUSE:
                _reset(client)
                continue
            c = _Conn(client, source)
            with self._lock:
                self._conns.add(c)
            if mode == BLACKHOLE:
                c.tainted = True  # held: never connected upstream, closed on heal
            else:
                try:
                    c.upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                    c.upstream.settimeout(None)
                except OSError:
                    self._close_conn(c)
                    continue
                threading.Thread(target=self._pump, args=(c, c.upstream, c.client), daemon=True).start()
            threading.Thread(target=self._pump, args=(c, c.client, c.upstream), daemon=True).start()

    def _pump(self, c, src, dst):
        """Copies src -> dst while the connection's mode is pass; drops bytes otherwise."""
        try:
            while not c.closed:
                data = src.recv(65536)
                if not data:
                    break
                if c.tainted or dst is None or self.mode_for(c.source) != PASS:
                    c.tainted = True
                    continue
                self._forward(c, data, dst)
        except OSError:
            pass
        self._close_conn(c)

    def _forward(self, c, data, dst):
        """Sends one chunk on; a subclass may delay it, or raise OSError to cut the connection
        (tests/robustness/faults.py)."""
        dst.sendall(data)
