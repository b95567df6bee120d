"""The served certificate's expiry where operators look (issue 12): /metrics carries
cairn_tls_certificate_expiry_timestamp_seconds{file=...} equal to openssl's notAfter, it follows a
rotated certificate after the next handshake, and a certificate with less than 30 days left is
logged as a warning. Certificates by the real openssl CLI."""
import calendar
import os
import re
import shutil
import subprocess
import sys
import time

import e2e_lib
import tls_lib

cairn = e2e_lib.cairn_binary()
pki = tls_lib.make_pki(sys.argv[2])
f = e2e_lib.Failures()
METRIC = "cairn_tls_certificate_expiry_timestamp_seconds"


def not_after(path):
    """openssl's notAfter of `path` as Unix seconds."""
    out = subprocess.run(["openssl", "x509", "-noout", "-enddate", "-in", path], capture_output=True, text=True,
                         check=True).stdout.strip()
    return calendar.timegm(time.strptime(out.split("=", 1)[1], "%b %d %H:%M:%S %Y GMT"))


def self_signed(name, days):
    cert, key = os.path.join(pki, name + ".pem"), os.path.join(pki, name + "-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", str(days), "-subj", "/CN=" + name,
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def metric_for(srv, path):
    code, out, err = tls_lib.curl(["-k", srv.endpoint + "/metrics"])
    if code != 0:
        return "curl failed: " + err
    m = re.search(r'^%s\{file="%s"\} (\S+)$' % (METRIC, re.escape(path)), out, re.M)
    return float(m.group(1)) if m else None


def install(src_cert, src_key, cert, key):
    """Rotation as operators do it: new files renamed over the old ones."""
    for src, dst in ((src_key, key), (src_cert, cert)):
        shutil.copy(src, dst + ".tmp")
        os.rename(dst + ".tmp", dst)


live_cert, live_key = os.path.join(pki, "live.pem"), os.path.join(pki, "live-key.pem")
far_cert, far_key = self_signed("far", 400)
soon_cert, soon_key = self_signed("soon", 10)
install(far_cert, far_key, live_cert, live_key)

srv = tls_lib.TlsServer(cairn, ["--cert-file", live_cert, "--key-file", live_key], ["-k"])
srv.start()
f.expect_eq("metric at start-up = openssl notAfter", metric_for(srv, live_cert), float(not_after(far_cert)))
f.expect("no expiry warning for a 400-day certificate", "certificate expires soon" not in srv.log(), srv.log()[-2000:])

install(soon_cert, soon_key, live_cert, live_key)
time.sleep(0.05)  # a distinct mtime for the reload check
deadline = time.time() + 10
got = None
while time.time() < deadline:
    got = metric_for(srv, live_cert)  # the scrape's own handshake reloads the rotated certificate
    if got == float(not_after(soon_cert)):
        break
    time.sleep(0.2)
f.expect_eq("metric after rotation = the new certificate's notAfter", got, float(not_after(soon_cert)))
warned = [line for line in srv.log().splitlines() if "certificate expires soon" in line]
f.expect("a 10-day certificate is logged as expiring soon, naming its file",
         len(warned) >= 1 and live_cert in warned[0] and '"level":"warn"' in warned[0], srv.log()[-2000:])
srv.stop()

# A 10-day certificate at start-up warns at once.
srv2 = tls_lib.TlsServer(cairn, ["--cert-file", soon_cert, "--key-file", soon_key], ["-k"])
srv2.start()
f.expect("warning at start-up", "certificate expires soon" in srv2.log(), srv2.log()[-2000:])
f.expect_eq("metric for the start-up certificate", metric_for(srv2, soon_cert), float(not_after(soon_cert)))
srv2.stop()
f.finish()
