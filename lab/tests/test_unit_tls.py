"""The registry certificate's command line, as Molecule's prepare playbooks call it."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from cryptography import x509
from ecomops_lab import tls


def test_the_command_line_makes_a_ca_and_a_certificate_for_the_name(tmp_path: Path, capsys) -> None:
    out = tmp_path / "tls"
    assert tls.main(["--out", str(out), "--name", "molecule-registry"]) == 0

    ca_crt, crt, key = out / "ca.crt", out / "registry.crt", out / "registry.key"
    assert capsys.readouterr().out.split() == [str(ca_crt), str(crt), str(key)]
    assert out.stat().st_mode & 0o777 == 0o700
    assert key.stat().st_mode & 0o777 == 0o600
    ca = x509.load_pem_x509_certificate(ca_crt.read_bytes())
    cert = x509.load_pem_x509_certificate(crt.read_bytes())
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["molecule-registry"]
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]


def test_a_second_run_keeps_the_files_hosts_already_trust(tmp_path: Path) -> None:
    args = ["--out", str(tmp_path), "--name", "registry.molecule.test"]
    tls.main(args)
    first = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    tls.main(args)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first
