import type { OutboxMessage } from '#local/outbox.ts';

/** The pay link in a message's text (the first URL to the hosted page). */
export function payLinkOf(message: OutboxMessage | undefined): string | undefined {
  return /(http:\/\/\S+\/pay\/\S+)/.exec(message?.text ?? '')?.[1];
}

/** The per-form token a hosted page embeds in its forms. */
export function formTokenOf(html: string): string {
  return /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/** Posts a web form the way a browser on the page would (same-origin), without following redirects. */
export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
