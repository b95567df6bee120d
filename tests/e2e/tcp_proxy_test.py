"""Unit tests of tcp_proxy: pass, blackhole, refuse, heal, and per-source modes (the source found
through /proc, here this very process)."""
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcp_proxy  # noqa: E402


class ProxyTest(unittest.TestCase):
    def setUp(self):
        self.srv = socket.socket()
        self.srv.bind(("127.0.0.1", 0))
        self.srv.listen(16)
        self.srv.settimeout(5)
        resolver = tcp_proxy.ProcessResolver(lambda: {"self": os.getpid(), "other": None})
        self.proxy = tcp_proxy.TcpProxy(self.srv.getsockname()[1], resolver=resolver)

    def tearDown(self):
        self.proxy.close()
        self.srv.close()

    def connect(self):
        c = socket.create_connection(("127.0.0.1", self.proxy.port), timeout=5)
        return c

    def roundtrip(self, c):
        """Sends through c and returns the upstream side that received it."""
        c.sendall(b"ping")
        up, _ = self.srv.accept()
        up.settimeout(5)
        self.assertEqual(up.recv(4), b"ping")
        up.sendall(b"pong")
        self.assertEqual(c.recv(4), b"pong")
        return up

    def test_pass_both_ways_and_source_is_resolved(self):
        c = self.connect()
        up = self.roundtrip(c)
        self.assertEqual([x.source for x in self.proxy._conns], ["self"])
        up.close()

    def test_dual_stack_client_is_resolved(self):
        c = socket.socket(socket.AF_INET6)
        c.settimeout(5)
        c.connect(("::ffff:127.0.0.1", self.proxy.port))
        up = self.roundtrip(c)
        self.assertEqual([x.source for x in self.proxy._conns], ["self"])
        up.close()

    def test_blackhole_drops_then_heal_closes_the_stream(self):
        c = self.connect()
        up = self.roundtrip(c)
        self.proxy.set_mode(tcp_proxy.BLACKHOLE)
        c.sendall(b"lost")
        up.settimeout(0.3)
        with self.assertRaises(socket.timeout):
            up.recv(4)
        # New connections are held: accepted, never forwarded.
        held = self.connect()
        held.sendall(b"held")
        self.srv.settimeout(0.3)
        with self.assertRaises(socket.timeout):
            self.srv.accept()
        self.proxy.set_mode(tcp_proxy.PASS)
        c.settimeout(5)
        self.assertIn(self._read_or_reset(c), (b"", "reset"))
        self.assertIn(self._read_or_reset(held), (b"", "reset"))
        self.srv.settimeout(5)
        self.roundtrip(self.connect())

    def test_refuse_resets_existing_and_new(self):
        c = self.connect()
        self.roundtrip(c)
        self.proxy.set_mode(tcp_proxy.REFUSE)
        self.assertEqual(self._read_or_reset(c), "reset")
        self.assertEqual(self._connect_and_read(), "reset")

    def test_mode_per_source(self):
        self.proxy.set_mode(tcp_proxy.REFUSE, source="other")
        self.roundtrip(self.connect())  # this process is not "other"
        self.proxy.set_mode(tcp_proxy.REFUSE, source="self")
        self.assertEqual(self._connect_and_read(), "reset")
        self.proxy.clear()
        self.roundtrip(self.connect())

    def _connect_and_read(self):
        """A new connection's first read, or "reset" (the reset may even beat connect's return)."""
        try:
            c = self.connect()
        except ConnectionResetError:
            return "reset"
        return self._read_or_reset(c)

    @staticmethod
    def _read_or_reset(c):
        c.settimeout(5)
        try:
            return c.recv(16)
        except ConnectionResetError:
            return "reset"


if __name__ == "__main__":
    unittest.main()
