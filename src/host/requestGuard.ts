// Who may talk to the browser-mode server: the Host and Origin checks that come before anything else, and where a
// request's token is read (header or cookie). Pure functions over request headers; Node side (the serve command).
//
// [Note: browser-mode requests] A web page the user visits can make their browser send requests to 127.0.0.1, and
// a DNS-rebinding page can even read the answers, as its own origin, under a host name of its own. So every request
// is checked first for a Host that names this server as the user opened it (the loopback address or `localhost`,
// with the served port) and an Origin that is absent (a navigation, a same-origin GET) or this server's own; anything
// else is refused with 403 before the token is looked at. The token itself travels in the address only once: the
// first load of `/?token=...` sets it as an HttpOnly, SameSite=Strict cookie and redirects to `/`, so it leaves the
// address bar and history, page scripts cannot read it, and other sites' pages cannot send it. API calls carry it as
// that cookie, or as `Authorization: Bearer <token>` (scripts, tests); a token in the query of an API call is refused.
import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The hosts, with port, under which this server is reached: what Host may say and Origin may name. */
function servedHosts(port: number): string[] {
  return LOOPBACK_HOSTS.map((host) => `${host}:${port}`);
}

/** Why a request is refused before its token is looked at, or null when its Host and Origin are this server's. */
export function foreignRequestReason(headers: IncomingHttpHeaders, port: number): string | null {
  const hosts = servedHosts(port);
  const host = headers.host?.toLowerCase();
  if (host === undefined || !hosts.includes(host)) {
    return `CellDesk answers only at http://127.0.0.1:${port} (or localhost:${port}); this request was addressed to ${host === undefined ? 'no host' : JSON.stringify(host)}.`;
  }
  const origin = headers.origin;
  if (origin !== undefined && !hosts.some((served) => origin.toLowerCase() === `http://${served}`)) {
    return `CellDesk refuses requests sent by other web pages (this one came from ${JSON.stringify(origin)}).`;
  }
  return null;
}

/** The cookie that carries the token; named by port, because browsers share a host's cookies across its ports. */
function tokenCookieName(port: number): string {
  return `celldesk-token-${port}`;
}

/** The Set-Cookie value that hands the token to the page after its first load. */
export function tokenCookie(port: number, token: string): string {
  return `${tokenCookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/** Whether `given` is the token, compared in constant time. */
export function isToken(given: string | null, token: Buffer): boolean {
  if (given === null) return false;
  const candidate = Buffer.from(given);
  return candidate.length === token.length && timingSafeEqual(candidate, token);
}

/** Whether the request carries the token as a bearer credential or as its cookie. */
export function carriesToken(headers: IncomingHttpHeaders, port: number, token: Buffer): boolean {
  const authorization = headers.authorization;
  if (authorization?.startsWith('Bearer ') === true) return isToken(authorization.slice(7), token);
  return isToken(cookieValue(headers.cookie, tokenCookieName(port)), token);
}
