export interface SecretSource {
  /** The current value of a secret (cached by the adapter). */
  read(secretId: string): Promise<string>;
}
