import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ResponseHead, ResponseParser } from '../../src/transport/http1.ts';

interface Parsed {
  head?: ResponseHead;
  body: Buffer;
  ended: boolean;
  reusable?: boolean;
  rest: Buffer;
}

/** Feeds `chunks` to a parser and records what it decoded. */
function parse(chunks: Buffer[], bodyAllowed = true, close = false): Parsed {
  const out: Parsed = { body: Buffer.alloc(0), ended: false, rest: Buffer.alloc(0) };
  const pieces: Buffer[] = [];
  const parser = new ResponseParser(
    {
      head: (head) => {
        out.head = head;
      },
      data: (chunk) => pieces.push(Buffer.from(chunk)),
      end: (reusable) => {
        out.ended = true;
        out.reusable = reusable;
      },
    },
    bodyAllowed,
  );
  for (const chunk of chunks) {
    const rest = parser.feed(chunk);
    if (rest) out.rest = Buffer.concat([out.rest, rest]);
  }
  if (close) parser.close();
  out.body = Buffer.concat(pieces);
  return out;
}

/** Every way of cutting `bytes` in two. */
function splits(bytes: Buffer): Buffer[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [bytes.subarray(0, i), bytes.subarray(i)]);
}

const chunked = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5\r\nhello\r\n1;ext=1\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: t\r\n\r\n',
);

test('chunked bodies decode identically however the bytes are split', () => {
  for (const parts of splits(chunked)) {
    const parsed = parse(parts);
    assert.equal(parsed.head?.status, 200);
    assert.equal(parsed.head?.headers['content-type'], 'application/json');
    assert.equal(parsed.body.toString(), 'hello world!');
    assert.equal(parsed.ended, true);
    assert.equal(parsed.reusable, true);
  }
  const byteByByte = parse([...chunked].map((byte) => Buffer.from([byte])));
  assert.equal(byteByByte.body.toString(), 'hello world!');
});

test('Content-Length bodies end at the length and leave the rest', () => {
  const response = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nApi-Version: 1.41\r\n\r\nOKextra');
  for (const parts of splits(response)) {
    const parsed = parse(parts);
    assert.equal(parsed.body.toString(), 'OK');
    assert.equal(parsed.head?.headers['api-version'], '1.41');
    assert.equal(parsed.rest.toString(), 'extra');
  }
});

test('no body for HEAD, 204 and 304, whatever the headers say', () => {
  const head = parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n')], false);
  assert.equal(head.ended, true);
  assert.equal(head.body.length, 0);
  for (const status of [204, 304]) {
    const parsed = parse([Buffer.from(`HTTP/1.1 ${status} X\r\n\r\n`)]);
    assert.equal(parsed.ended, true);
    assert.equal(parsed.reusable, true);
  }
});

test('a body without length or chunking runs until the connection closes, which ends reuse', () => {
  const parsed = parse([Buffer.from('HTTP/1.1 200 OK\r\n\r\nraw '), Buffer.from('stream')], true, true);
  assert.equal(parsed.body.toString(), 'raw stream');
  assert.equal(parsed.reusable, false);
});

test('Connection: close and HTTP/1.0 are not reused', () => {
  assert.equal(
    parse([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')]).reusable,
    false,
  );
  assert.equal(parse([Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')]).reusable, false);
});

test('repeated headers become arrays', () => {
  const parsed = parse([
    Buffer.from('HTTP/1.1 200 OK\r\nWarning: a\r\nWarning: b\r\nContent-Length: 0\r\n\r\n'),
  ]);
  assert.deepEqual(parsed.head?.headers.warning, ['a', 'b']);
});

test('malformed responses are STREAM_PROTOCOL errors', () => {
  assert.throws(() => parse([Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')]), {
    code: 'STREAM_PROTOCOL',
    message: /status line/,
  });
  assert.throws(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')]), {
    code: 'STREAM_PROTOCOL',
    message: /chunk size/,
  });
  assert.throws(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')]), {
    code: 'STREAM_PROTOCOL',
  });
  assert.throws(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab')], true, true), {
    code: 'STREAM_PROTOCOL',
    message: /mid-response/,
  });
  assert.throws(() => parse([Buffer.alloc(70 * 1024, 'a')]), {
    code: 'STREAM_PROTOCOL',
    message: /too large/,
  });
});

test('body bytes are views of the input, not copies', () => {
  const input = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndata');
  let seen: Buffer | undefined;
  new ResponseParser({ head: () => {}, data: (chunk) => (seen = chunk), end: () => {} }, true).feed(input);
  assert.equal(seen?.buffer, input.buffer);
});
