import type { IncomingMessage } from 'node:http';

const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];
const LOOPBACK_HOST = /^(?:localhost|127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}|\[::1\])$/;
const SAME_ORIGIN_FETCH = ['same-origin', 'none'];

/**
 * `localhost`, `127.x.y.z` (dotted decimal, as browsers write it) or `[::1]`, any port. Not
 * `*.localhost`: browsers keep those on loopback, but other resolvers may ask DNS for them.
 */
function isLoopbackHost(host: string): boolean {
  const name = /^(.*?)(?::\d{1,5})?$/.exec(host.toLowerCase())?.[1] ?? '';
  return LOOPBACK_HOST.test(name);
}

/**
 * Why a request may not drive the local controls (`/_local/*`, `/_sandbox/webhooks`), or
 * undefined when it may. They move the clock and hand out write tokens, so they answer only a
 * connection from this machine, addressed to a loopback host name (a DNS-rebinding name that
 * resolves to 127.0.0.1 is still refused), that no other web site started: a browser's
 * `Sec-Fetch-Site` must be `same-origin` or `none`, and an `Origin` must be a loopback origin.
 * curl and scripts send neither header.
 */
export function localControlRefusal(request: IncomingMessage): string | undefined {
  const remote = request.socket.remoteAddress ?? '';
  if (!LOOPBACK_ADDRESSES.includes(remote)) {
    return `Local controls answer only connections from this machine; this one came from ${remote || 'an unknown address'}`;
  }
  const host = request.headers.host;
  if (!host || !isLoopbackHost(host)) {
    return `Local controls answer only requests addressed to a loopback host name (localhost, 127.0.0.1, [::1]); got ${
      host ? `Host: ${host}` : 'no Host header'
    }`;
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && !SAME_ORIGIN_FETCH.includes(site)) {
    return `Local controls refuse requests another web page started; got Sec-Fetch-Site: ${site}`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) {
    return `Local controls refuse requests from pages that are not on a loopback host; got Origin: ${origin}`;
  }
  return undefined;
}

function isLoopbackOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false; // `null` too: sandboxed frames, file: and data: pages
  const { protocol, host } = new URL(origin);
  return (protocol === 'http:' || protocol === 'https:') && isLoopbackHost(host);
}
