// Browser mode's WebSocket token: given once in the URL's #fragment (never sent to a server in
// a request line or log), then kept in sessionStorage so a reload of the tab still connects,
// and wiped from the address bar so it is not shoulder-surfed or copied with the URL.

const KEY = 'cashier.token';

/** The token in a location hash like "#token=abc" (other hash parameters are ignored). */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const t = params.get('token');
  return t && t.length > 0 ? t : null;
}

export interface TokenEnv {
  location: { hash: string; pathname: string; search: string };
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  replaceUrl?: (url: string) => void;
}

/** Read the token from the hash (preferred) or sessionStorage; store it and clear the hash. */
export function takeToken(env: TokenEnv): string | null {
  const fromHash = tokenFromHash(env.location.hash);
  if (fromHash) {
    env.storage.setItem(KEY, fromHash);
    env.replaceUrl?.(env.location.pathname + env.location.search);
    return fromHash;
  }
  return env.storage.getItem(KEY);
}

/** ws://host/api?token=… (wss when the page itself came over https). */
export function apiSocketUrl(protocol: string, host: string, token: string): string {
  const scheme = protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${host}/api?token=${encodeURIComponent(token)}`;
}
