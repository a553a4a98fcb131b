export interface StoredResponse {
  readonly statusCode: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

export type IdempotencyClaim =
  | { readonly state: 'new' }
  | { readonly state: 'replay'; readonly response: StoredResponse }
  | { readonly state: 'mismatch' }
  | { readonly state: 'in_progress' };

/** Records of `Idempotency-Key` requests, scoped per client. */
export interface IdempotencyStore {
  claim(scope: string, key: string, fingerprint: string, now: Date): Promise<IdempotencyClaim>;
  complete(scope: string, key: string, fingerprint: string, response: StoredResponse, now: Date): Promise<void>;
  release(scope: string, key: string): Promise<void>;
}
