#!/bin/sh
# Test PKI made with the real openssl CLI (EC P-256, fast). Usage: make_certs.sh OUTDIR
# Writes, in OUTDIR:
#   ca.pem ca-key.pem                      the trusted CA
#   server.pem server-key.pem              CN=server, SAN 127.0.0.1 + localhost, serverAuth+clientAuth
#   server2.pem server2-key.pem            another server certificate from the same CA (rotation)
#   client.pem client-key.pem              CN=root, clientAuth (+serverAuth for peers)
#   revoked.pem revoked-key.pem            CN=revoked, listed in crl.pem
#   expired.pem expired-key.pem            CN=expired, validity ended in 2020
#   other-ca.pem other.pem other-key.pem   a client certificate from another CA
#   crl.pem                                the CA's CRL revoking revoked.pem
set -eu
O=${OPENSSL:-/usr/bin/openssl}
D=$1
mkdir -p "$D"
cd "$D"
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
mkca() { # name cn
  $O req -x509 $EC -keyout "$1-key.pem" -out "$1.pem" -days 3650 -subj "/CN=$2" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
mkca ca cairn-test-ca
mkca other-ca cairn-other-ca
mkdir -p ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial
echo 1000 > ca-db/crlnumber
cat > ca.cnf <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = ca-db
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
crlnumber = ca-db/crlnumber
certificate = ca.pem
private_key = ca-key.pem
default_md = sha256
default_crl_days = 3650
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
[ leaf ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
CNF
issue() { # name cn [ca args...]
  n=$1; cn=$2; shift 2
  $O req $EC -keyout "$n-key.pem" -out "$n.csr" -subj "/CN=$cn" 2>/dev/null
  $O ca -batch -config ca.cnf -extensions leaf -in "$n.csr" -out "$n.pem" -notext "$@" 2>/dev/null
}
issue server server -days 3650
issue server2 server2 -days 3650
issue client root -days 3650
issue revoked revoked -days 3650
issue expired expired -startdate 20190101000000Z -enddate 20200101000000Z
$O ca -batch -config ca.cnf -revoke revoked.pem 2>/dev/null
$O ca -batch -config ca.cnf -gencrl -out crl.pem 2>/dev/null
$O req $EC -keyout other-key.pem -out other.csr -subj /CN=root 2>/dev/null
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' > other.ext
$O x509 -req -in other.csr -CA other-ca.pem -CAkey other-ca-key.pem -CAcreateserial -days 3650 \
  -extfile other.ext -out other.pem 2>/dev/null
rm -f ./*.csr
