import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';

function sample(): Buffer {
  return encodeSafetensors(
    {
      'w.weight': { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) },
      ids: { shape: [2], data: BigInt64Array.from([7n, -1n]) },
      mask: { shape: [3], data: Uint8Array.from([1, 0, 1]), dtype: 'BOOL' },
      empty: { shape: [0, 4], data: new Float32Array(0) },
    },
    { step: '12' },
  );
}

/** Rewrite the JSON header of a valid file (keeping the data section). */
function withHeader(buf: Buffer, edit: (h: Record<string, unknown>) => void): Buffer {
  const n = Number(buf.readBigUInt64LE(0));
  const h = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  edit(h);
  const head = Buffer.from(JSON.stringify(h));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(head.length));
  return Buffer.concat([len, head, buf.subarray(8 + n)]);
}

describe('safetensors', () => {
  it('round-trips tensors of several dtypes and metadata, with an 8-byte aligned data section', () => {
    const buf = sample();
    expect((8 + Number(buf.readBigUInt64LE(0))) % 8).toBe(0);
    const { tensors, metadata } = decodeSafetensors(buf);
    expect(metadata).toEqual({ step: '12' });
    expect(tensors.get('w.weight')).toEqual({
      dtype: 'F32',
      shape: [2, 3],
      data: Float32Array.from([1, 2, 3, 4, 5, -6.5]),
    });
    expect(tensors.get('ids')?.data).toEqual(BigInt64Array.from([7n, -1n]));
    expect(tensors.get('mask')?.dtype).toBe('BOOL');
    expect(tensors.get('empty')?.shape).toEqual([0, 4]);
  });

  it('refuses a shape that does not match the data when writing', () => {
    expect(() => encodeSafetensors({ a: { shape: [4], data: new Float32Array(3) } })).toThrow(
      /"a" has 3 values but shape \[4\]/,
    );
  });

  const good = sample();
  it.each<[string, Buffer, RegExp]>([
    ['empty file', Buffer.alloc(0), /too short/],
    ['truncated header', good.subarray(0, 20), /header length \d+ exceeds/],
    ['truncated data', good.subarray(0, good.length - 4), /truncated|gap|data ends/],
    ['garbage', Buffer.from('this is not a safetensors file at all'), /exceeds|JSON/],
    ['bad JSON', withHeader(good, () => {}).fill(0x7b, 8, 12), /not valid UTF-8 JSON/],
    [
      'unknown dtype',
      withHeader(good, (h) => ((h.ids as { dtype: string }).dtype = 'Q4')),
      /"ids": unsupported dtype "Q4"/,
    ],
    [
      'size mismatch',
      withHeader(good, (h) => ((h['w.weight'] as { shape: number[] }).shape = [3, 3])),
      /"w.weight": 24 bytes .* expected 36/,
    ],
    [
      'overlap',
      withHeader(good, (h) => ((h.mask as { data_offsets: number[] }).data_offsets = [0, 3])),
      /overlaps|gap/,
    ],
    ['trailing bytes', Buffer.concat([good, Buffer.alloc(4)]), /trailing bytes/],
  ])('gives a clear error for %s', (_name, buf, err) => {
    expect(() => decodeSafetensors(buf, 'ckpt/model.safetensors')).toThrow(err);
    expect(() => decodeSafetensors(buf, 'ckpt/model.safetensors')).toThrow(/^ckpt\/model.safetensors: /);
  });

  it('either decodes or throws a named error for randomly corrupted files', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 300; i++) {
      const buf = Buffer.from(good);
      for (let k = rng.int(1, 4); k > 0; k--) buf[rng.int(0, buf.length - 1)] = rng.int(0, 255);
      const cut = rng.next() < 0.3 ? buf.subarray(0, rng.int(0, buf.length)) : buf;
      try {
        decodeSafetensors(cut, 'f.safetensors');
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect((e as Error).message).toMatch(/^f\.safetensors: /);
      }
    }
  });
});
