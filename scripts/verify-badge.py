#!/usr/bin/env python3
"""Checks an Open Badges 3.0 VC-JWT from `workshop export --format badge` without workshop.

Usage: verify-badge.py BADGE.jwt

Takes the Ed25519 public key out of the did:key in the header's kid, has PyJWT check the EdDSA
signature and the nbf/exp claims, then checks the claims the VC-JWT format ties to the
credential. Prints one line and exits 0 when the badge holds; prints why and exits 1 otherwise.
Needs PyJWT and cryptography (`pip install "pyjwt[crypto]"`).
"""
import json
import sys

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(text):
    n = 0
    for c in text:
        n = n * 58 + ALPHABET.index(c)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def main():
    token = open(sys.argv[1], encoding="utf-8").read().strip()
    header = jwt.get_unverified_header(token)
    if header.get("alg") != "EdDSA":
        raise ValueError(f"alg {header.get('alg')!r} is not EdDSA")
    did, _, fragment = header["kid"].partition("#")
    if not did.startswith("did:key:z") or fragment not in ("", did[len("did:key:"):]):
        raise ValueError(f"kid {header['kid']!r} is not a did:key")
    key_bytes = base58btc(did[len("did:key:z"):])
    if key_bytes[:2] != b"\xed\x01" or len(key_bytes) != 34:
        raise ValueError("the did:key does not hold an Ed25519 public key")
    key = Ed25519PublicKey.from_public_bytes(key_bytes[2:])
    claims = jwt.decode(token, key, algorithms=["EdDSA"], options={"require": ["iss", "jti", "sub", "nbf"]})
    subject = claims["credentialSubject"]
    checks = {
        "iss equals issuer.id": claims["iss"] == claims["issuer"]["id"],
        "jti equals id": claims["jti"] == claims["id"],
        "sub equals credentialSubject.id": claims["sub"] == subject["id"],
        "contexts": claims["@context"][:2] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "types": {"VerifiableCredential", "OpenBadgeCredential"} <= set(claims["type"]),
        "issuer is a Profile": "Profile" in claims["issuer"]["type"],
        "achievement": "Achievement" in subject["achievement"]["type"],
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise ValueError("failed: " + ", ".join(failed))
    print(json.dumps({
        "valid": True,
        "achievement": subject["achievement"]["name"],
        "issuer": claims["issuer"]["name"],
        "key": did,
    }, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # every failure is a verdict, printed for the caller
        print(json.dumps({"valid": False, "reason": f"{type(error).__name__}: {error}"}))
        sys.exit(1)
