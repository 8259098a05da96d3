#!/usr/bin/env python3
"""Re-signs every seal of a journal copy with a new Ed25519 key, as someone with the file but without the
station's key would: the seal message as docs/journal.md ("Seal") defines it, signed by openssl, the
seals' public_key and signature replaced past their trigger. Written from the docs; imports nothing of ours.
Usage: resign_seals.py JOURNAL.db KEY.pem   (KEY.pem is created)"""
import sqlite3
import struct
import subprocess
import sys
import tempfile


def main(db_path: str, pem: str) -> None:
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", pem], check=True)
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform", "DER"], check=True,
                         capture_output=True).stdout
    public_key = der[-32:]
    db = sqlite3.connect(db_path)
    db.execute("DROP TRIGGER seals_no_update")
    rows = db.execute("SELECT session_id, event_count, merkle_root, sealed_utc FROM seals").fetchall()
    for session, count, root, utc in rows:
        utc_bytes = utc.encode()
        message = b"MJS1" + struct.pack(">QQ", session, count) + root + struct.pack(">I", len(utc_bytes)) + utc_bytes
        with tempfile.NamedTemporaryFile() as f:
            f.write(message)
            f.flush()
            signature = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", pem, "-rawin", "-in", f.name],
                                       check=True, capture_output=True).stdout
        assert len(signature) == 64, len(signature)
        db.execute("UPDATE seals SET public_key = ?, signature = ? WHERE session_id = ?",
                   (public_key, signature, session))
    db.commit()
    print(f"re-signed {len(rows)} seal(s) with a new key")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
