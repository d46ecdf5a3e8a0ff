"""A private CA and registry certificate: hosts trust it as they would ECR's public chain.

The lab makes its own through ensure_registry_cert; Molecule's scenarios through
the command line, so that one implementation serves both:

    python -m ecomops_lab.tls --out DIR --name registry.example.test

writes DIR/ca.crt, DIR/registry.crt and DIR/registry.key (0600) for that name
(and 127.0.0.1), and leaves them alone when they are already there.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def ensure_registry_cert(folder: Path, dns_name: str) -> tuple[Path, Path, Path]:
    """(ca.crt, registry.crt, registry.key) under `folder`, made once."""
    ca_crt, crt, key_path = folder / "ca.crt", folder / "registry.crt", folder / "registry.key"
    if ca_crt.exists() and crt.exists() and key_path.exists():
        return ca_crt, crt, key_path
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"ecomops CA for {dns_name}"))
        .issuer_name(_name(f"ecomops CA for {dns_name}"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(dns_name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(dns_name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_crt.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(_key_pem(key))
    return ca_crt, crt, key_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecomops_lab.tls",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the three files")
    parser.add_argument("--name", required=True, help="the registry's DNS name")
    args = parser.parse_args(argv)
    args.out.mkdir(mode=0o700, parents=True, exist_ok=True)
    for path in ensure_registry_cert(args.out, args.name):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
