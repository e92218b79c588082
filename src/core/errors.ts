// InputError: bad input named by file, line and field. Thrown at the boundary where data is parsed;
// callers with `--skip-invalid` catch it, report it and go on.
export interface InputLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class InputError extends Error {
  readonly location: InputLocation;
  readonly reason: string;

  constructor(reason: string, location: InputLocation = {}) {
    super(`${formatLocation(location)}${reason}`);
    this.name = 'InputError';
    this.reason = reason;
    this.location = location;
  }
}

export function formatLocation({ file, line, field }: InputLocation): string {
  const where = [file, line !== undefined ? `line ${line}` : undefined].filter(Boolean).join(':');
  const parts = [where, field !== undefined ? `field "${field}"` : undefined].filter(Boolean);
  return parts.length ? `${parts.join(', ')}: ` : '';
}
