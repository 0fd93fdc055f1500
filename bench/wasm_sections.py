#!/usr/bin/env python3
"""Raw and brotli (-q 11) bytes of each section of a .wasm file: where the
transfer size of the widget goes (code vs. data vs. imports).

usage: wasm_sections.py FILE.wasm"""
import subprocess
import sys

NAMES = {0: 'custom', 1: 'type', 2: 'import', 3: 'function', 4: 'table', 5: 'memory', 6: 'global',
         7: 'export', 8: 'start', 9: 'element', 10: 'code', 11: 'data', 12: 'datacount'}


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def brotli(b):
    return len(subprocess.run(['brotli', '-q', '11', '-c'], input=b, capture_output=True, check=True).stdout)


data = open(sys.argv[1], 'rb').read()
i = 8
print(f'{"section":28s} {"raw":>9s} {"brotli":>9s}')
while i < len(data):
    sid = data[i]
    n, i = leb(data, i + 1)
    body = data[i:i + n]
    i += n
    name = NAMES.get(sid, str(sid))
    if sid == 0:
        ln, j = leb(body, 0)
        name = 'custom:' + body[j:j + ln].decode(errors='replace')
    print(f'{name:28s} {n:9d} {brotli(body):9d}')
print(f'{"whole file":28s} {len(data):9d} {brotli(data):9d}')
