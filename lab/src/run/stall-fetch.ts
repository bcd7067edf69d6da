import { schemaProblem } from '../schemas.js';
import type { RawStalls, StallsAnswer } from '../stall-model.js';

/** The app's stall list: GET /looplab/stalls?since=<cursor> (@looplab/instrument, looplab-instrument). */
export const STALLS_PATH = '/looplab/stalls';

/**
 * A cursor past any stall an app can have numbered yet (both packages answer `seq >= since` and
 * take up to 15 digits): the answer is only its `next` and `dropped`, so asking for a cursor
 * makes the app serialize no stall, however many it holds.
 */
const FAR_CURSOR = 999_999_999_999_999;

const TIMEOUT_MS = 15_000;

/** Where a phase's stalls begin, or why the app gives none. */
export type StallCursor = { next: number; dropped: number } | { unavailable: string };

/** The answer of the app's GET /looplab/stalls, checked, or why there is none. */
async function ask(appUrl: string, since: number): Promise<StallsAnswer | { unavailable: string }> {
  const url = `${appUrl}${STALLS_PATH}?since=${since}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return { unavailable: `GET ${STALLS_PATH} failed: ${(error as Error).message}` };
  }
  const text = await response.text().catch(() => '');
  if (!response.ok)
    return {
      unavailable: `GET ${STALLS_PATH} answered ${response.status}`,
    };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { unavailable: `GET ${STALLS_PATH} answered something that is not JSON` };
  }
  const problem = schemaProblem('stalls', data);
  if (problem)
    return {
      unavailable: `GET ${STALLS_PATH} answered no looplab stall list (${problem}; lab/schema/stalls.schema.json)`,
    };
  return data as StallsAnswer;
}

/** Asked as a phase begins: the cursor its stalls start from. */
export async function stallCursor(appUrl: string): Promise<StallCursor> {
  const answer = await ask(appUrl, FAR_CURSOR);
  return 'unavailable' in answer ? answer : { next: answer.next, dropped: answer.dropped };
}

/**
 * Asked as the phase ends: the stalls the app numbered since the cursor. Which of them fall in
 * the phase is the report's to say (report/figures/stalls.ts), with the counters' window.
 */
export async function stallsSince(appUrl: string, cursor: StallCursor): Promise<RawStalls> {
  if ('unavailable' in cursor) return { status: 'unavailable', reason: cursor.unavailable };
  const answer = await ask(appUrl, cursor.next);
  if ('unavailable' in answer) return { status: 'unavailable', reason: answer.unavailable };
  return { status: 'fetched', droppedBefore: cursor.dropped, answer };
}
