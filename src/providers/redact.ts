// Keeps API keys out of every string the project prints or stores: errors from the HTTP client pass
// through `redact` before they become data. Keys are registered when a provider reads them from env.
const secrets = new Set<string>();

/** Remembers a secret so later `redact` calls mask it. Short values are ignored (too many false hits). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** Masks registered secrets, bearer tokens, `sk-…` keys and passwords in URLs (`//user:pass@host`). */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out
    .replace(/(Bearer\s+)[^\s"']+/gi, '$1***')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***')
    .replace(/(\/\/[^\s/@:]+:)[^\s/@]+@/g, '$1***@');
}
