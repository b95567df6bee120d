"""`cairn certs` against external oracles, no servers:

1. kubeadm layout: every file, mode, subject, SAN, key usage, EKU, basic constraint and validity
   read back by `openssl x509 -text` and checked against kubeadm's table (certs/kubeadm/certlist.h);
   every leaf passes `openssl verify -CAfile etcd/ca.crt`; re-running keeps every byte; a second
   node with the copied CA makes its own leaves; check-expiration's table; renew; bad input writes
   nothing.
2. cfssl: etcd's hack/tls-setup files and a runbook set (certs_testdata/) through Cairn's `cfssl`
   and Debian's real cfssl 1.2: the certificates agree field by field; each side's JSON is accepted
   by the other side's cfssljson; each side signs with the other side's CA; bad input fails with
   one line and writes nothing.
Usage: certs_test.py CAIRN_BINARY
"""
import json
import os
import shutil
import sys
import tempfile
import time

import certs_lib as cl
import e2e_lib

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.join(HERE, "certs_testdata")
F = e2e_lib.Failures()
YEAR = 365 * 24 * 3600

# kubeadm's table: file base -> (subject, EKU text, SAN kind)
LEAVES = {
    "etcd/server": ("CN=node1", "TLS Web Server Authentication, TLS Web Client Authentication", "node"),
    "etcd/peer": ("CN=node1", "TLS Web Server Authentication, TLS Web Client Authentication", "node"),
    "etcd/healthcheck-client": ("CN=kube-etcd-healthcheck-client,O=system:masters", "TLS Web Client Authentication", None),
    "apiserver-etcd-client": ("CN=kube-apiserver-etcd-client,O=system:masters", "TLS Web Client Authentication", None),
}


def kubeadm(cairn, pki, *flags):
    return cl.run([cairn, "certs", "kubeadm", "--pki-dir", pki] + list(flags))


def check_kubeadm_layout(cairn, work):
    pki = os.path.join(work, "pki")
    before = time.time()
    rc, out, err = kubeadm(cairn, pki, "--node-name", "node1", "--advertise-address", "10.0.0.5",
                           "--server-cert-sans", "etcd.example.com,192.168.7.7", "--peer-cert-sans", "10.0.0.6")
    F.expect_eq("kubeadm exit", rc, 0)
    if rc != 0:
        F.items.append(err.decode())
        return
    F.expect("kubeadm says it generated the CA", b'[certs] Generating "etcd/ca" certificate and key' in out, out)
    expected_files = {"etcd/ca.crt", "etcd/ca.key"} | {b + ext for b in LEAVES for ext in (".crt", ".key")}
    F.expect_eq("files under --pki-dir", set(cl.snapshot(pki)), expected_files)
    for f in expected_files:
        F.expect_eq("mode of " + f, cl.mode(os.path.join(pki, f)), 0o600 if f.endswith(".key") else 0o644)

    ca_path = os.path.join(pki, "etcd/ca.crt")
    ca = cl.x509_fields(ca_path)
    F.expect_eq("CA subject", ca["subject"], "CN=etcd-ca")
    F.expect_eq("CA issuer", ca["issuer"], "CN=etcd-ca")
    F.expect_eq("CA key usage", ca["extensions"].get("Key Usage"),
                (True, "Digital Signature, Key Encipherment, Certificate Sign"))
    F.expect_eq("CA basic constraints", ca["extensions"].get("Basic Constraints"), (True, "CA:TRUE"))
    F.expect_eq("CA SAN", ca["extensions"].get("Subject Alternative Name"), (False, "DNS:etcd-ca"))
    F.expect_eq("CA SKI", ca["extensions"].get("Subject Key Identifier"), (False, "present"))
    F.expect("CA has no AKI", "Authority Key Identifier" not in ca["extensions"], ca["extensions"])
    F.expect("CA NotBefore backdated ~5 min", before - 330 <= ca["not_before"] <= before - 240, ca["not_before"] - before)
    F.expect("CA valid 10 years", abs(ca["not_after"] - before - 10 * YEAR) < 120, ca["not_after"] - before)
    F.expect_eq("CA key", (ca["key_alg"], ca["key_bits"]), ("rsaEncryption", 2048))
    F.expect_eq("CA signature", ca["sig"], "sha256WithRSAEncryption")

    for base, (subject, eku, sans) in LEAVES.items():
        path = os.path.join(pki, base + ".crt")
        ok, detail = cl.openssl_verify(ca_path, path)
        F.expect("openssl verify " + base, ok, detail)
        f = cl.x509_fields(path)
        ext = f["extensions"]
        F.expect_eq(base + " subject", f["subject"], subject)
        F.expect_eq(base + " issuer", f["issuer"], "CN=etcd-ca")
        F.expect_eq(base + " key usage", ext.get("Key Usage"), (True, "Digital Signature, Key Encipherment"))
        F.expect_eq(base + " EKU", ext.get("Extended Key Usage"), (False, eku))
        F.expect_eq(base + " basic constraints", ext.get("Basic Constraints"), (True, "CA:FALSE"))
        F.expect_eq(base + " AKI", ext.get("Authority Key Identifier"), (False, "present"))
        F.expect(base + " has no SKI (kubeadm's Go x509 adds none to leaves)", "Subject Key Identifier" not in ext, ext)
        F.expect_eq(base + " NotBefore = the CA's", f["not_before"], ca["not_before"])
        F.expect(base + " valid 1 year", abs(f["not_after"] - before - YEAR) < 120, f["not_after"] - before)
        F.expect_eq(base + " key", (f["key_alg"], f["key_bits"]), ("rsaEncryption", 2048))
        san = ext.get("Subject Alternative Name")
        if sans is None:
            F.expect_eq(base + " has no SAN", san, None)
        elif base == "etcd/server":
            F.expect_eq(base + " SAN", san, (False, "DNS:etcd.example.com, DNS:localhost, DNS:node1, IP Address:10.0.0.5, "
                                                   "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.7.7"))
        else:
            F.expect_eq(base + " SAN", san, (False, "DNS:localhost, DNS:node1, IP Address:10.0.0.5, IP Address:127.0.0.1, "
                                                   "IP Address:0:0:0:0:0:0:0:1, IP Address:10.0.0.6"))
        with open(os.path.join(pki, base + ".key")) as fh:
            F.expect(base + " key is PKCS#1", fh.readline().strip() == "-----BEGIN RSA PRIVATE KEY-----")
        rc, mod_cert, _ = cl.run([cl.OPENSSL, "x509", "-in", path, "-noout", "-modulus"])
        rc2, mod_key, _ = cl.run([cl.OPENSSL, "rsa", "-in", os.path.join(pki, base + ".key"), "-noout", "-modulus"])
        F.expect(base + " key matches certificate", rc == 0 and rc2 == 0 and mod_cert == mod_key)

    # Re-running is safe: every byte kept.
    snap = cl.snapshot(pki)
    rc, out, err = kubeadm(cairn, pki, "--node-name", "node1", "--advertise-address", "10.0.0.5",
                           "--server-cert-sans", "etcd.example.com,192.168.7.7", "--peer-cert-sans", "10.0.0.6")
    F.expect_eq("re-run exit", (rc, err), (0, b""))
    F.expect_eq("re-run keeps every file", cl.snapshot(pki) == snap, True)
    F.expect("re-run says it reuses", b"Using existing etcd/ca certificate authority" in out, out)

    # A leaf that no longer fits this node (new advertise address) is refused, naming the file.
    rc, out, err = kubeadm(cairn, pki, "--node-name", "node1", "--advertise-address", "10.0.0.9")
    F.expect("changed node refused", rc != 0 and b"etcd/server.crt lacks the SAN IP:10.0.0.9" in err and b"--renew" in err, err)
    F.expect_eq("refusal writes nothing", cl.snapshot(pki) == snap, True)

    # check-expiration: kubeadm's table shape.
    rc, out, err = cl.run([cairn, "certs", "check-expiration", "--pki-dir", pki])
    lines = out.decode().splitlines()
    F.expect_eq("check-expiration exit", rc, 0)
    F.expect("check-expiration header", lines and lines[0].split() == ["CERTIFICATE", "EXPIRES", "RESIDUAL", "TIME",
                                                                       "CERTIFICATE", "AUTHORITY", "EXTERNALLY", "MANAGED"], lines[:1])
    names = [l.split()[0] for l in lines[1:5]]
    F.expect_eq("check-expiration rows", names, ["apiserver-etcd-client", "etcd-healthcheck-client", "etcd-peer", "etcd-server"])
    F.expect("check-expiration residual and CA", all(" 364d " in l and " etcd-ca " in l and l.rstrip().endswith("no")
                                                    for l in lines[1:5]), lines)
    F.expect("check-expiration CA table", len(lines) >= 8 and lines[6].startswith("CERTIFICATE AUTHORITY")
             and lines[7].startswith("etcd-ca ") and " 9y " in lines[7], lines)

    # renew: same CA, same subject and SANs, new serial and key.
    old = cl.x509_fields(os.path.join(pki, "etcd/server.crt"))
    rc, out, err = cl.run([cairn, "certs", "renew", "all", "--pki-dir", pki])
    F.expect_eq("renew all exit", (rc, err), (0, b""))
    for base in LEAVES:
        ok, detail = cl.openssl_verify(ca_path, os.path.join(pki, base + ".crt"))
        F.expect("verify after renew " + base, ok, detail)
    new = cl.x509_fields(os.path.join(pki, "etcd/server.crt"))
    F.expect("renew changes the serial", new["serial"] != old["serial"])
    F.expect_eq("renew keeps subject and extensions", (new["subject"], new["extensions"]), (old["subject"], old["extensions"]))
    F.expect_eq("renew keeps the CA", cl.snapshot(pki)["etcd/ca.crt"], snap["etcd/ca.crt"])
    rc, _, err = cl.run([cairn, "certs", "renew", "bogus", "--pki-dir", pki])
    F.expect("renew of an unknown name fails", rc != 0 and b"bogus" in err, err)

    # A second control-plane node: the copied CA signs its own leaves.
    pki2 = os.path.join(work, "pki2")
    os.makedirs(os.path.join(pki2, "etcd"))
    for f in ("ca.crt", "ca.key"):
        shutil.copy2(os.path.join(pki, "etcd", f), os.path.join(pki2, "etcd", f))
    rc, out, err = kubeadm(cairn, pki2, "--node-name", "node2", "--advertise-address", "10.0.0.6")
    F.expect_eq("second node exit", (rc, err), (0, b""))
    F.expect_eq("second node keeps the CA", cl.snapshot(pki2)["etcd/ca.crt"], snap["etcd/ca.crt"])
    ok, detail = cl.openssl_verify(ca_path, os.path.join(pki2, "etcd/peer.crt"))
    F.expect("second node's peer cert verifies with the first node's CA", ok, detail)
    F.expect_eq("second node's CN", cl.x509_fields(os.path.join(pki2, "etcd/peer.crt"))["subject"], "CN=node2")

    # ECDSA: kubeadm's ECDSA-P256 keys, still digitalSignature+keyEncipherment (pkiutil.NewSignedCert).
    pki3 = os.path.join(work, "pki3")
    rc, out, err = kubeadm(cairn, pki3, "--node-name", "node3", "--advertise-address", "::1", "--key-algorithm", "ECDSA-P256")
    F.expect_eq("ECDSA run exit", (rc, err), (0, b""))
    f = cl.x509_fields(os.path.join(pki3, "etcd/server.crt"))
    F.expect_eq("ECDSA key", (f["key_alg"], f["key_bits"], f.get("curve")), ("id-ecPublicKey", 256, "P-256"))
    F.expect_eq("ECDSA signature", f["sig"], "ecdsa-with-SHA256")
    F.expect_eq("ECDSA key usage", f["extensions"].get("Key Usage"), (True, "Digital Signature, Key Encipherment"))
    ok, detail = cl.openssl_verify(os.path.join(pki3, "etcd/ca.crt"), os.path.join(pki3, "etcd/server.crt"))
    F.expect("ECDSA verify", ok, detail)
    with open(os.path.join(pki3, "etcd/server.key")) as fh:
        F.expect("ECDSA key is SEC 1", fh.readline().strip() == "-----BEGIN EC PRIVATE KEY-----")

    # Bad input: one line naming the flag or file, non-zero exit, nothing written.
    bad = os.path.join(work, "bad")
    for flags, needle in [
        (["--key-algorithm", "RSA-1024", "--advertise-address", "10.0.0.1"], b"--key-algorithm"),
        (["--advertise-address", "10.0.0.300"], b"--advertise-address"),
        (["--advertise-address", "10.0.0.1", "--server-cert-sans", "bad_name!"], b"--server-cert-sans"),
        (["--advertise-address", "10.0.0.1", "--cert-validity", "1y"], b"--cert-validity"),
        (["--advertise-address", "10.0.0.1", "--bogus"], b"-bogus"),
    ]:
        rc, out, err = kubeadm(cairn, bad, "--node-name", "n", *flags)
        F.expect("bad input %s refused with one line naming it" % flags,
                 rc != 0 and needle in err and err.count(b"\n") == 1, err)
        F.expect_eq("bad input %s writes nothing" % flags, os.path.exists(bad), False)
    # Unreadable CA and mismatched CA key.
    os.makedirs(os.path.join(bad, "etcd"))
    with open(os.path.join(bad, "etcd/ca.crt"), "w") as fh:
        fh.write("not a certificate\n")
    rc, _, err = kubeadm(cairn, bad, "--node-name", "n", "--advertise-address", "10.0.0.1")
    F.expect("unreadable CA refused naming the file", rc != 0 and b"etcd/ca.crt" in err, err)
    shutil.copy2(os.path.join(pki, "etcd/ca.crt"), os.path.join(bad, "etcd/ca.crt"))
    shutil.copy2(os.path.join(pki, "etcd/peer.key"), os.path.join(bad, "etcd/ca.key"))
    bad_snap = cl.snapshot(bad)
    rc, _, err = kubeadm(cairn, bad, "--node-name", "n", "--advertise-address", "10.0.0.1")
    F.expect("mismatched CA key refused", rc != 0 and b"etcd/ca.key does not match" in err, err)
    F.expect_eq("mismatched CA key writes nothing", cl.snapshot(bad) == bad_snap, True)


def gencert_pair(cfssl_bin, cfssljson_bin, d, ca_csr, config, leaves):
    """`cfssl gencert -initca` then one signed leaf per (csr, profile, hostname, base) in `d`."""
    cl.pipeline([cfssl_bin, "gencert", "-initca", ca_csr], cfssljson_bin, "ca", d)
    for csr, profile, hostname, base in leaves:
        args = [cfssl_bin, "gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", config]
        if profile:
            args += ["-profile", profile]
        if hostname:
            args += ["-hostname=" + hostname]
        cl.pipeline(args + [csr], cfssljson_bin, base, d)


def check_cfssl_set(faces, work, name, ca_csr, config, leaves):
    """Runs the same set through Cairn (its JSON into the REAL cfssljson) and real cfssl (its JSON
    into CAIRN's cfssljson) and compares every certificate."""
    src = os.path.join(TESTDATA, name)
    sides = {}
    for side, (gen, js) in {"cairn": (faces["cfssl"], cl.REAL_CFSSLJSON),
                            "cfssl": (cl.REAL_CFSSL, faces["cfssljson"])}.items():
        d = os.path.join(work, name + "-" + side)
        shutil.copytree(src, d)
        try:
            gencert_pair(gen, js, d, ca_csr, config, leaves)
        except AssertionError as e:
            F.items.append("%s on %s: %s" % (side, name, e))
            return
        sides[side] = d
    bases = ["ca"] + [l[3] for l in leaves]
    for base in bases:
        for side, d in sides.items():
            for suffix, want_mode in ((".pem", 0o644), ("-key.pem", 0o600), (".csr", 0o644)):
                p = os.path.join(d, base + suffix)
                F.expect("%s/%s: %s%s written" % (name, side, base, suffix), os.path.exists(p))
                if os.path.exists(p):
                    F.expect_eq("%s/%s: mode of %s%s" % (name, side, base, suffix), cl.mode(p), want_mode)
        a = cl.x509_fields(os.path.join(sides["cairn"], base + ".pem"))
        b = cl.x509_fields(os.path.join(sides["cfssl"], base + ".pem"))
        F.expect_eq("%s: %s.pem Cairn vs cfssl" % (name, base), cl.comparable(a), cl.comparable(b))
        F.expect("%s: %s.pem NotBefore within 2 minutes of cfssl's" % (name, base),
                 abs(a["not_before"] - b["not_before"]) <= 120, (a["not_before"], b["not_before"]))
        if base != "ca":
            for side, d in sides.items():
                ok, detail = cl.openssl_verify(os.path.join(d, "ca.pem"), os.path.join(d, base + ".pem"))
                F.expect("%s/%s: openssl verify %s.pem" % (name, side, base), ok, detail)
        # The CSRs agree too: subject, requested SANs, key, signature algorithm; both self-verify.
        texts = []
        for d in sides.values():
            rc, out, _ = cl.run([cl.OPENSSL, "req", "-in", os.path.join(d, base + ".csr"), "-noout", "-text",
                                 "-nameopt", "RFC2253", "-verify"])
            keep = ("Subject:", "Signature Algorithm:", "Public-Key:", "DNS:", "IP Address:", "NIST CURVE:")
            texts.append((rc, [l.strip() for l in out.decode().splitlines() if l.strip().startswith(keep)]))
        F.expect_eq("%s: %s.csr subject Cairn vs cfssl" % (name, base), texts[0], texts[1])
    # Each side signs with the other side's CA; openssl verifies the result.
    for signer, ca_side in (("cairn", "cfssl"), ("cfssl", "cairn")):
        d = sides[ca_side]
        gen = faces["cfssl"] if signer == "cairn" else cl.REAL_CFSSL
        csr, profile, hostname, _ = leaves[0]
        args = [gen, "gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-config", config]
        if profile:
            args += ["-profile", profile]
        try:
            cl.pipeline(args + [csr], cl.REAL_CFSSLJSON, "cross-" + signer, d)
        except AssertionError as e:
            F.items.append("%s signing with %s's CA: %s" % (signer, ca_side, e))
            continue
        ok, detail = cl.openssl_verify(os.path.join(d, "ca.pem"), os.path.join(d, "cross-%s.pem" % signer))
        F.expect("%s: %s signs with %s's CA, openssl verifies" % (name, signer, ca_side), ok, detail)
    return sides


def check_cfssl_errors(faces, work, hack_dir):
    cfssl, cfssljson = faces["cfssl"], faces["cfssljson"]
    d = os.path.join(work, "cfssl-errors")
    os.makedirs(d)
    inputs = {
        "badjson.json": '{"CN": "x",',
        "weak.json": '{"CN": "x", "key": {"algo": "rsa", "size": 1024}}',
        "ok.json": '{"CN": "x", "hosts": ["a.example"], "key": {"algo": "ecdsa", "size": 256}}',
        "bad-usage.json": '{"signing": {"default": {"usages": ["signing", "teleportation"], "expiry": "1h"}}}',
        "no-expiry.json": '{"signing": {"default": {"usages": ["signing"]}}}',
    }
    for n, text in inputs.items():
        with open(os.path.join(d, n), "w") as fh:
            fh.write(text)
    ca, cakey, other_key = (os.path.join(hack_dir, "ca.pem"), os.path.join(hack_dir, "ca-key.pem"),
                            os.path.join(hack_dir, "req-key.pem"))
    cases = [
        (["gencert", "-initca", "badjson.json"], b"badjson.json: unexpected end of JSON input"),
        (["gencert", "-initca", "weak.json"], b"RSA key is too weak"),
        (["gencert", "-initca", "missing.json"], b"missing.json"),
        (["gencert", "-ca", ca, "-ca-key", cakey, "-config", "bad-usage.json", "ok.json"], b"teleportation"),
        (["gencert", "-ca", ca, "-ca-key", cakey, "-config", "no-expiry.json", "ok.json"], b"empty expiry string"),
        (["gencert", "-ca", "nope.pem", "-ca-key", cakey, "ok.json"], b"-ca: "),
        (["gencert", "-ca", ca, "-ca-key", other_key, "ok.json"], b"does not match"),
        (["gencert", "-ca", ca, "-ca-key", cakey, "-config", os.path.join(hack_dir, "ca-config.json"),
          "-profile", "nope", "ok.json"], b"unknown profile"),
    ]
    for args, needle in cases:
        rc, out, err = cl.run([cfssl] + args, cwd=d)
        F.expect("cfssl %s fails with one line naming it" % args[-1], rc != 0 and needle in err and out == b"", (rc, err))
    before = cl.snapshot(d)
    rc, out, err = cl.run([cfssljson, "-bare", "x"], cwd=d, stdin=b"garbage")
    F.expect("cfssljson on garbage fails", rc != 0 and b"Failed to parse input" in err, err)
    rc, out, err = cl.run([cfssljson, "x"], cwd=d, stdin=b'{"cert": "a"}')
    F.expect("cfssljson without -bare wants the API envelope", rc != 0 and b"Request failed" in err, err)
    F.expect_eq("failed cfssljson writes nothing", cl.snapshot(d) == before, True)
    # stdin as the CSR ("-"), print-defaults and version.
    rc, out, err = cl.run([cfssl, "gencert", "-initca", "-"], cwd=d, stdin=inputs["ok.json"].encode())
    F.expect("gencert -initca - reads stdin", rc == 0 and set(json.loads(out)) == {"cert", "csr", "key"}, err)
    for what in ("csr", "config"):
        a = cl.run([cfssl, "print-defaults", what])
        b = cl.run([cl.REAL_CFSSL, "print-defaults", what])
        F.expect_eq("print-defaults %s matches cfssl" % what, a[:2], b[:2])
    rc, out, _ = cl.run([cfssl, "version"])
    F.expect("cfssl version", rc == 0 and out.startswith(b"Version: 1.2.0\n"), out)


def main():
    faces = cl.faces(sys.argv[1])
    work = tempfile.mkdtemp(prefix="certs_")
    check_kubeadm_layout(faces["cairn"], work)
    hack = check_cfssl_set(faces, work, "etcd-hack-tls-setup", "ca-csr.json", "ca-config.json",
                           [("req-csr.json", None, None, "req"),
                            ("req-csr.json", None, "etcd-2.example.com,10.1.2.3", "req-hostname")])
    check_cfssl_set(faces, work, "runbook", "ca-csr.json", "ca-config.json",
                    [("server-csr.json", "server", None, "server"),
                     ("client-csr.json", "client", None, "client"),
                     ("peer-csr.json", "peer", None, "peer")])
    check_cfssl_set(faces, work, "go-names", "ca-csr.json", "ca-config.json",
                    [("leaf-csr.json", None, None, "leaf"),
                     ("leaf-csr.json", "intermediate", None, "intermediate")])
    if hack:
        check_cfssl_errors(faces, work, hack["cfssl"])
    shutil.rmtree(work, ignore_errors=True)
    F.finish()


if __name__ == "__main__":
    main()
