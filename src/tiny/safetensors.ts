// safetensors read/write: an 8-byte little-endian header length, a JSON header {name: {dtype, shape,
// data_offsets}, __metadata__?}, then the raw little-endian tensor bytes. Reading validates the header
// against the file (sizes, offsets, overlaps, dtypes) and says what is wrong and where.

export type DType = 'F64' | 'F32' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';
export type TensorData =
  Float64Array | Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface SafeTensor {
  dtype: DType;
  shape: number[];
  data: TensorData;
}

const BYTES: Record<DType, number> = { F64: 8, F32: 4, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const MAX_HEADER = 100 * 1024 * 1024;

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof BigInt64Array) return 'I64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Int16Array) return 'I16';
  if (data instanceof Int8Array) return 'I8';
  return 'U8';
}

function view(dtype: DType, buf: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'F64':
      return new Float64Array(buf);
    case 'F32':
      return new Float32Array(buf);
    case 'I64':
      return new BigInt64Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'I16':
      return new Int16Array(buf);
    case 'I8':
      return new Int8Array(buf);
    default:
      return new Uint8Array(buf);
  }
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Serialise tensors (name → {shape, data, dtype?}) and optional string metadata into one buffer.
 * The dtype follows the typed array (pass dtype 'BOOL' to mark a Uint8Array as booleans).
 */
export function encodeSafetensors(
  tensors: Record<string, { shape: readonly number[]; data: TensorData; dtype?: DType }>,
  metadata?: Record<string, string>,
): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const { shape, data } = tensors[name];
    const dtype = tensors[name].dtype ?? dtypeOf(data);
    if (name === '__metadata__') throw new Error('safetensors: "__metadata__" is reserved');
    if (numel(shape) !== data.length) {
      throw new Error(
        `safetensors: tensor "${name}" has ${data.length} values but shape [${shape.join(', ')}]`,
      );
    }
    header[name] = { dtype, shape: [...shape], data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned (readers may then map it directly).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let o = 8 + head.length;
  for (const name of names) {
    const d = tensors[name].data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(out, o);
    o += d.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** Parse a safetensors buffer; `source` (a file name) prefixes error messages. Data is copied out. */
export function decodeSafetensors(buf: Uint8Array, source = 'safetensors'): DecodedSafetensors {
  const bad = (msg: string): never => {
    throw new Error(`${source}: ${msg}`);
  };
  if (buf.length < 8) bad(`file is ${buf.length} bytes, too short for the 8-byte header length (truncated?)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, buf.length - 8))) {
    bad(`header length ${n} exceeds the ${buf.length - 8} bytes after it (truncated or not safetensors)`);
  }
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, headerEnd)));
  } catch (e) {
    bad(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    bad('header is not a JSON object');
  const dataLen = buf.length - headerEnd;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Object.values(raw).some((v) => typeof v !== 'string')) {
        bad('__metadata__ must map strings to strings');
      }
      metadata = raw as Record<string, string>;
      continue;
    }
    const t = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `tensor "${name}"`;
    if (typeof t !== 'object' || t === null) bad(`${where}: entry is not an object`);
    if (typeof t.dtype !== 'string' || !(t.dtype in BYTES))
      bad(`${where}: unsupported dtype ${JSON.stringify(t.dtype)}`);
    const dtype = t.dtype as DType;
    if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      bad(`${where}: shape must be a list of non-negative integers`);
    }
    const shape = t.shape as number[];
    const offs = t.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) {
      bad(`${where}: data_offsets must be [begin, end]`);
    }
    const [begin, end] = offs as [number, number];
    if (end < begin) bad(`${where}: data_offsets end ${end} < begin ${begin}`);
    if (end > dataLen)
      bad(`${where}: data ends at byte ${end} but the data section has ${dataLen} bytes (truncated?)`);
    const bytes = numel(shape) * BYTES[dtype];
    if (end - begin !== bytes) {
      bad(`${where}: ${end - begin} bytes of data for ${dtype} [${shape.join(', ')}], expected ${bytes}`);
    }
    spans.push([begin, end, name]);
    const copy = new ArrayBuffer(bytes);
    new Uint8Array(copy).set(buf.subarray(headerEnd + begin, headerEnd + end));
    tensors.set(name, { dtype, shape, data: view(dtype, copy) });
  }
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin < at) bad(`tensor "${name}" overlaps the previous tensor's data`);
    if (begin > at) bad(`gap of ${begin - at} bytes before tensor "${name}"`);
    at = end;
  }
  if (at !== dataLen) bad(`${dataLen - at} trailing bytes after the last tensor`);
  return { tensors, metadata };
}
