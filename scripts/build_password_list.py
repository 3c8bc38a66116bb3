"""Build violeta/accounts/password_lists/common-passwords.txt.gz, shipped with Violeta (no network needed).

Sources, both offline: Django's own list of 20,000 common passwords (from leaked password sets) and
violeta/accounts/password_lists/weak-words-es-mx.txt (the institute, the place, the calendar, Spanish and
Mexican password words), each word expanded with the endings people add: digits, runs, years, "!".
Run it again after editing the word list: `.venv/bin/python scripts/build_password_list.py`.
"""

import gzip
from pathlib import Path

import django

HERE = Path(__file__).resolve().parent.parent / "violeta" / "accounts" / "password_lists"
DJANGO_LIST = Path(django.__file__).parent / "contrib" / "auth" / "common-passwords.txt.gz"
ENDINGS = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!", "01", "69", "007", "*"]
YEARS = [str(y) for y in range(1950, 2036)] + [f"{y % 100:02d}" for y in range(1950, 2036)]


def main() -> None:
    words = [
        line.strip()
        for line in (HERE / "weak-words-es-mx.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    entries = set(gzip.decompress(DJANGO_LIST.read_bytes()).decode().split())
    entries.update({"contraseña", "contraseña1", "contraseña123", "niño", "señor", "señora", "españa", "año"})
    for word in words:
        for ending in ENDINGS + YEARS + [y + "!" for y in YEARS]:
            entries.add(word + ending)
    entries = sorted(e for e in entries if e)
    with gzip.GzipFile(HERE / "common-passwords.txt.gz", "wb", mtime=0) as out:
        out.write(("\n".join(entries) + "\n").encode())
    print(f"{len(entries)} passwords")


if __name__ == "__main__":
    main()
