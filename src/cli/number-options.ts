// Commander argument parsers for numeric flags, shared by the commands: each takes the flag name for
// its error message and returns a parser from the flag's text to a checked number (throws on bad input).
import { InputError } from '../core/errors.ts';

/** A non-negative integer (0, 1, 2 …). */
export const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};

/** A positive integer (1, 2 …). */
export const pos = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${v}"`);
  return n;
};

/** Any finite number. */
export const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got "${v}"`);
  return n;
};

/** A non-negative number (or integer), rejected with an InputError that names the flag. */
export const nonNegative =
  (name: string, integer = false) =>
  (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
      throw new InputError(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got "${v}"`);
    return n;
  };

/** A positive finite number (> 0), rejected with an InputError that names the flag. */
export const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${name} must be a positive number, got "${v}"`);
  return n;
};

/** An integer of at least `min`, rejected with an InputError that names the flag. */
export const intAtLeast = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
};
