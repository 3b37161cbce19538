#!/usr/bin/env python3
"""Unpacks a .deb's files into a folder, as `dpkg -x DEB DIR` does, for a GPU machine without dpkg (the kit's
run.sh uses dpkg where it exists). A .deb is an ar archive whose data.tar.{xz,gz,bz2} member holds the files.

Usage: debExtract.py DEB DIR     (exit 1 with one line on stderr when DEB is not such a file)
"""
import io
import sys
import tarfile


def members(data):
    """(name, bytes) of each member of an ar archive."""
    if not data.startswith(b'!<arch>\n'):
        raise ValueError('not an ar archive')
    pos = 8
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name = header[:16].decode().strip().rstrip('/')
        size = int(header[48:58].decode().strip())
        yield name, data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size % 2)


def extract(deb, dest):
    with open(deb, 'rb') as f:
        data = f.read()
    for name, body in members(data):
        if name.startswith('data.tar'):
            if name.endswith('.zst'):
                raise ValueError(f'{name} is zstd, which Python\'s tarfile cannot read')
            with tarfile.open(fileobj=io.BytesIO(body), mode='r:*') as tar:
                # Only regular files, folders and links inside DEST (the loader's .so and its links).
                safe = [m for m in tar.getmembers() if not m.name.startswith('/') and '..' not in m.name.split('/')]
                tar.extractall(dest, members=safe, **({'filter': 'data'} if hasattr(tarfile, 'data_filter') else {}))
            return
    raise ValueError('no data.tar member')


def main():
    if len(sys.argv) != 3:
        raise SystemExit('usage: debExtract.py DEB DIR')
    try:
        extract(sys.argv[1], sys.argv[2])
    except (OSError, ValueError, tarfile.TarError) as e:
        print(f'debExtract: {sys.argv[1]}: {e}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
