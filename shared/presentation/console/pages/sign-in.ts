import type { ConsoleRole } from '../context.ts';
import { publicConsolePage } from '../layout.ts';
import { consoleWording as w } from '../wording.ts';
import { heading, labelFor, text } from './parts.ts';

export interface SignInView {
  /** Where the "Sign in" button leads: the identity provider's sign-in page. */
  readonly signInUrl: string;
  /** Local runtime only: one password-free sign-in per role. */
  readonly devSignIns?: readonly { readonly role: ConsoleRole; readonly href: string }[] | undefined;
}

/**
 * The page before sign-in. Sign-in itself is a link to the identity provider (a GET, so no form
 * and no CSRF token: there is no session yet). The local buttons are links too.
 */
export function renderSignIn(view: SignInView): string {
  const dev = view.devSignIns?.length
    ? `<section aria-labelledby="dev-heading">${heading(2, w.signIn.devHeading, 'dev-heading')}<p>${text(w.signIn.devIntro)}</p><ul class="dev">${view.devSignIns
        .map(
          (entry) => `<li><a class="button" href="${text(entry.href)}">${text(w.signIn.devButton(labelFor(w.roles, entry.role)))}</a></li>`,
        )
        .join('')}</ul></section>`
    : '';
  const body = `${heading(1, w.signIn.title)}<p>${text(w.signIn.intro)}</p><p><a class="button" href="${text(view.signInUrl)}">${text(w.signIn.button)}</a></p>${dev}`;
  return publicConsolePage(w.signIn.title, body);
}
