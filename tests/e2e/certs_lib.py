"""Helpers for the certificate tests: Cairn's binary under the names `cairn`, `cfssl` and
`cfssljson`, Debian's real cfssl 1.2, and certificate fields read back by `openssl x509 -text`
(the oracle: Cairn's own parser is never asked what Cairn wrote)."""
import calendar
import os
import re
import subprocess
import tempfile
import time

REAL_CFSSL = "/usr/bin/cfssl"
REAL_CFSSLJSON = "/usr/bin/cfssljson"
OPENSSL = "/usr/bin/openssl"


def faces(binary):
    """{"cairn", "cfssl", "cfssljson"} -> paths of links to the //:cairn binary with those names."""
    src = os.path.abspath(binary)
    d = tempfile.mkdtemp(prefix="cairn_faces_")
    out = {}
    for name in ("cairn", "cfssl", "cfssljson"):
        os.symlink(src, os.path.join(d, name))
        out[name] = os.path.join(d, name)
    return out


def run(args, cwd=None, stdin=None, timeout_s=120):
    """(exit code, stdout, stderr) of a command; never raises on a non-zero exit."""
    p = subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, timeout=timeout_s)
    return p.returncode, p.stdout, p.stderr


def pipeline(gencert_args, cfssljson_bin, base, cwd):
    """`<gencert_args> | <cfssljson_bin> -bare <base>` in `cwd`; returns gencert's stdout (bytes).
    Raises with both stderrs when either side fails."""
    rc, out, err = run(gencert_args, cwd=cwd)
    if rc != 0:
        raise AssertionError("%s failed (%d): %s" % (" ".join(gencert_args), rc, err.decode()))
    rc2, _, err2 = run([cfssljson_bin, "-bare", base], cwd=cwd, stdin=out)
    if rc2 != 0:
        raise AssertionError("%s -bare %s failed (%d): %s" % (cfssljson_bin, base, rc2, err2.decode()))
    return out


def openssl_time(text):
    return calendar.timegm(time.strptime(text.replace("  ", " "), "%b %d %H:%M:%S %Y GMT"))


def x509_text(path):
    rc, out, err = run([OPENSSL, "x509", "-in", path, "-text", "-noout", "-nameopt", "RFC2253"])
    if rc != 0:
        raise AssertionError("openssl x509 %s: %s" % (path, err.decode()))
    return out.decode()


def x509_fields(path):
    """The fields the tests compare, from `openssl x509 -text -noout`:
    subject, issuer, not_before, not_after (epoch seconds), key ("RSA 2048" / "EC 256 P-256"),
    sig, and per extension name: (critical, value text) with SKI/AKI values replaced by "present"."""
    text = x509_text(path)
    f = {"extensions": {}}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("Subject:"):
            f["subject"] = s[len("Subject:"):].strip()
        elif s.startswith("Issuer:"):
            f["issuer"] = s[len("Issuer:"):].strip()
        elif s.startswith("Not Before:"):
            f["not_before"] = openssl_time(s.split(":", 1)[1].strip())
        elif s.startswith("Not After :"):
            f["not_after"] = openssl_time(s.split(":", 1)[1].strip())
        elif s.startswith("Signature Algorithm:") and "sig" not in f:
            f["sig"] = s.split(":", 1)[1].strip()
        elif s.startswith("Public Key Algorithm:"):
            f["key_alg"] = s.split(":", 1)[1].strip()
        elif re.match(r"Public-Key: \((\d+) bit\)", s):
            f["key_bits"] = int(re.match(r"Public-Key: \((\d+) bit\)", s).group(1))
        elif s.startswith("NIST CURVE:"):
            f["curve"] = s.split(":", 1)[1].strip()
        elif s.startswith("X509v3 ") and s != "X509v3 extensions:" and s.endswith(("critical", ":")) \
                and i + 1 < len(lines):
            name = s[len("X509v3 "):].split(":")[0]
            critical = s.endswith("critical")
            value = lines[i + 1].strip()
            if name in ("Subject Key Identifier", "Authority Key Identifier"):
                value = "present"
            f["extensions"][name] = (critical, value)
    rc, out, err = run([OPENSSL, "x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253,show_type"])
    f["subject_types"] = out.decode().strip()  # string types too: Go writes PrintableString or UTF8String
    m = re.search(r"Serial Number:\s*\n?\s*([0-9a-f:]+|\d+ \(0x[0-9a-f]+\))", text)
    f["serial"] = m.group(1) if m else None
    return f


def comparable(fields):
    """The fields two implementations must agree on for the same input (no serial, no key bits
    content, no absolute times: the validity length instead)."""
    return {
        "subject": fields.get("subject"),
        "subject_types": fields.get("subject_types"),
        "issuer": fields.get("issuer"),
        "validity_s": fields["not_after"] - fields["not_before"],
        "key_alg": fields.get("key_alg"),
        "key_bits": fields.get("key_bits"),
        "curve": fields.get("curve"),
        "sig": fields.get("sig"),
        "extensions": fields["extensions"],
    }


def openssl_verify(ca, leaf):
    rc, out, err = run([OPENSSL, "verify", "-CAfile", ca, leaf])
    return rc == 0 and out.decode().strip().endswith(": OK"), (out + err).decode()


def mode(path):
    return os.stat(path).st_mode & 0o777


def snapshot(d):
    """{relative path: bytes} of every file under d ({} when d does not exist)."""
    out = {}
    for root, _, files in os.walk(d):
        for name in files:
            p = os.path.join(root, name)
            with open(p, "rb") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out
