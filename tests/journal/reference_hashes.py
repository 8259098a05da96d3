#!/usr/bin/env python3
"""Independent reference for the journal's hashes, written from docs/journal.md alone (hashlib, no MesoStation
code). Prints the vectors pinned in merkle_test.cpp (MerkleTest, EventHashTest); rerun it after changing the
spec.

RFC 6962 section 2.1: MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0), and for n > 1, with k the largest
power of two smaller than n, MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
"""
import hashlib
import struct

def sha(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()

def leaf(d: bytes) -> bytes:
    return sha(b"\x00" + d)

def mth(leaves):
    n = len(leaves)
    if n == 0:
        return sha(b"")
    if n == 1:
        return leaf(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return sha(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))

# The leaf inputs of the certificate-transparency test suite.
CT_LEAVES = [bytes.fromhex(h) for h in
             ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]

def text(s: str) -> bytes:
    b = s.encode()
    return struct.pack(">I", len(b)) + b

def event_record(session, seq, utc, mono_ns, user, role, tag, kind, corrects, payload, prev):
    return (b"\x00" + b"MJE1" + struct.pack(">QQ", session, seq) + text(utc) + struct.pack(">q", mono_ns)
            + struct.pack(">Q", user) + text(role) + text(tag) + text(kind)
            + struct.pack(">Q", corrects or 0)  # a NULL corrects (None) is hashed as 0
            + text(payload) + prev)

def genesis(session):
    return sha(b"meso.journal.genesis.v1" + struct.pack(">Q", session))

if __name__ == "__main__":
    for n in range(0, 9):
        print(f"root of the first {n} CT leaves: {mth(CT_LEAVES[:n]).hex()}")
    print(f"genesis(7): {genesis(7).hex()}")
    e1 = sha(event_record(7, 1, "2025-11-26T10:14:38.123Z", 123456789, 2, "clinician", "real", "session.opened", None,
                          '{"patient":"P-0001"}', genesis(7)))
    print(f"event 7/1: {e1.hex()}")
    e2 = sha(event_record(7, 2, "2025-11-26T10:14:39.001Z", -5, 3, "qa", "real", "dose.corrected", 1,
                          '{"reason":"typo","dose_nl":20}', e1))
    print(f"event 7/2: {e2.hex()}")
    root = sha(b"\x01" + e1 + e2)
    print(f"root over events 7/1, 7/2: {root.hex()}")
    seal = b"MJS1" + struct.pack(">QQ", 7, 2) + root + text("2025-11-26T10:15:00.000Z")
    print(f"seal message (7, 2, root, 2025-11-26T10:15:00.000Z): {seal.hex()}")
