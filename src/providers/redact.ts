// Keeps API keys out of every string the project prints or stores: errors from the HTTP client pass
// through `redact` before they become data, and base URLs pass through `redactUrl` before they are
// shown or recorded. Keys are registered when a provider reads them from env or from a base URL.
const secrets = new Set<string>();

/** Remembers a secret so later `redact` calls mask it. Short values are ignored (too many false hits). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

/** Query parameters whose values are credentials: api_key, key, access_token, auth, sig, password, … */
const SECRET_PARAM = /([?&][\w.-]*(?:key|token|auth|secret|passw|sig|credential)[\w.-]*=)[^&#\s"'<>]+/gi;

/**
 * Masks registered secrets, bearer tokens, `sk-…` keys, passwords in URLs (`//user:pass@host`) and
 * the values of credential-like query parameters (`?key=…`, `&access_token=…`).
 */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('***');
  return out
    .replace(/(Bearer\s+)[^\s"']+/gi, '$1***')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-***')
    .replace(/(\/\/[^\s/@:]+:)[^\s/@]+@/g, '$1***@')
    .replace(SECRET_PARAM, '$1***');
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Registers the credentials a URL carries (its password and every query value) for `redact`. */
export function registerUrlSecrets(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return;
  }
  // A user name with no password is often the key itself (https://KEY@host/v1).
  for (const v of url.password ? [url.password] : [url.username]) {
    registerSecret(v);
    registerSecret(decoded(v));
  }
  for (const pair of url.search.slice(1).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const v = pair.slice(eq + 1);
    registerSecret(v);
    registerSecret(decoded(v));
  }
}

/**
 * A URL as it may be printed or stored: no user name or password, every query value masked (names
 * kept, since they say how the endpoint is addressed), no fragment.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return redact(raw);
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  if (url.search) {
    url.search = url.search
      .slice(1)
      .split('&')
      .filter(Boolean)
      .map((pair) => `${pair.split('=')[0]}=***`)
      .join('&');
  }
  return redact(url.toString());
}
