import type { UnmatchedReplies, UnmatchedReplyPage } from '#ports/replies.ts';

/** The unmatched replies queue, newest first: replies that paused nothing, for a person to read and route. */
export async function listUnmatchedReplies(
  deps: { readonly unmatched: Pick<UnmatchedReplies, 'list'> },
  query: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<UnmatchedReplyPage> {
  return deps.unmatched.list({ limit: query.limit, after: query.cursor });
}
