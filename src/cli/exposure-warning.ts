// Servers bind 127.0.0.1 by default. When one is told to listen on another interface without a key,
// anyone who can reach the port can use it: say so on stderr.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Writes one warning line when `host` is not loopback and nothing guards the server. */
export function warnIfExposed(host: string, guarded: boolean, what: string): void {
  if (LOOPBACK.has(host) || guarded) return;
  process.stderr.write(`warning: listening on ${host} ${what}; anyone who can reach it can use it\n`);
}
