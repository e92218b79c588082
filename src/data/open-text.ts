// Byte streams of dataset files, gunzipped on the fly when the name ends in `.gz`.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';

export const isGzip = (path: string): boolean => path.toLowerCase().endsWith('.gz');

export function openBytes(path: string): Readable {
  const raw = createReadStream(path);
  return isGzip(path) ? raw.pipe(createGunzip()) : raw;
}

export async function readBytes(path: string): Promise<Buffer> {
  const bytes = await readFile(path);
  return isGzip(path) ? gunzipSync(bytes) : bytes;
}

export async function readText(path: string): Promise<string> {
  return (await readBytes(path)).toString('utf8');
}
