import type { ShortLink } from '#domain/short-link.ts';

/** Where short pay links (SMS) are kept: code → invoice, expiry, key id and seal. */
export interface ShortLinkStore {
  /** Stores a new link; false when its code is already taken (a random collision: mint another). */
  create(link: ShortLink): Promise<boolean>;
  get(code: string): Promise<ShortLink | undefined>;
}
