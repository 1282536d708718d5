import type { ErrorCode } from './errors.js';

/**
 * What an error code means to a reader, in two forms: a `sentence` that says what to do
 * (a flash message after a form), and a short `phrase` that fits after "failing since
 * Tuesday:" on the Feeds page. Pages show the code after them in small print (the code is
 * what to quote when asking for help). `detail`: the error's own message names the thing
 * to fix (which selector, which option), so it follows the sentence.
 */
export interface ErrorWords {
  sentence: string;
  phrase: string;
  detail?: true;
}

/** Every code has its words: a new ErrorCode without an entry here does not compile. */
const WORDS: Record<ErrorCode, ErrorWords> = {
  blocked_address: {
    sentence: 'That address is on a private or local network, which this server is not allowed to reach.',
    phrase: 'the address is on a private network, which this Tidings does not fetch',
  },
  invalid_url: { sentence: 'That is not a web address. Check it and try again (it starts with https://).', phrase: 'that is not a web address' },
  unsupported_scheme: { sentence: 'Only web addresses (http:// or https://) can be followed.', phrase: 'only http and https addresses can be fetched' },
  timeout: { sentence: 'The site took too long to answer. Try again later.', phrase: 'the site took too long to answer' },
  too_large: { sentence: 'The site sent more than this server accepts for one page or feed.', phrase: 'the answer was too large' },
  too_many_redirects: { sentence: 'The site sent us from one address to another too many times.', phrase: 'the site redirected too many times' },
  http_error: { sentence: 'The site answered with an error.', phrase: 'the site answered with an error' },
  rate_limited: { sentence: 'The site asked us to slow down. Try again later.', phrase: 'the site asked us to slow down' },
  network_error: { sentence: 'The site could not be reached.', phrase: 'the site could not be reached' },
  dns_error: { sentence: 'No site answers at that name. Check the spelling of the address.', phrase: 'the site’s name could not be found (DNS error)' },
  not_a_feed: { sentence: 'That address is not a feed.', phrase: 'the address is not a feed' },
  no_feed_found: { sentence: 'No feed was found on that page. Try the address of the feed itself.', phrase: 'no feed was found at that address' },
  multiple_feeds: { sentence: 'The site offers several feeds: choose one.', phrase: 'the site offers several feeds' },
  parse_error: { sentence: 'The feed could not be read: it is not well-formed.', phrase: 'the file could not be read' },
  extract_failed: { sentence: 'The article text could not be read from the page.', phrase: 'the article could not be read from the page' },
  too_complex: { sentence: 'The page is too large or too complex to read.', phrase: 'the input is too complex' },
  throttled: { sentence: 'Too many attempts. Wait a little and try again.', phrase: 'too many tries; wait a moment' },
  postgres_required: { sentence: 'This needs the PostgreSQL database.', phrase: 'this needs the PostgreSQL database', detail: true },
  story_failed: { sentence: 'Grouping articles into stories failed; they are tried again at the next refresh.', phrase: 'grouping into stories failed' },
  stop_incomplete: { sentence: 'Part of Tidings did not stop cleanly; it was stopped anyway.', phrase: 'a part did not stop cleanly' },
  facts_failed: { sentence: 'The people, places and figures of an article could not be found; it is grouped without them.', phrase: 'finding people, places and figures failed' },
  facts_deferred: { sentence: 'Finding the people, places and figures of articles is busy or failing; they are grouped now and looked at again later.', phrase: 'finding people, places and figures was put off' },
  features_thread_failed: { sentence: 'A helper thread of the stories rebuild failed; the rebuild goes on without it, more slowly.', phrase: 'a rebuild helper thread failed' },
  server_running: { sentence: 'The server that owns fetching could not take this work.', phrase: 'the running server could not take the work' },
  invalid_date: { sentence: 'That date is not a calendar day (use YYYY-MM-DD).', phrase: 'the date is not a calendar day' },
  invalid_opml: { sentence: 'That file is not a well-formed OPML subscription list.', phrase: 'the file is not a well-formed OPML list' },
  not_found: { sentence: 'It no longer exists, or it is not yours.', phrase: 'it does not exist' },
  conflict: { sentence: 'That already exists.', phrase: 'it exists already' },
  unauthorized: { sentence: 'You need to sign in first.', phrase: 'you need to sign in' },
  forbidden: { sentence: 'That is not allowed.', phrase: 'that is not allowed', detail: true },
  invalid_input: { sentence: 'Something in the form is not right. Check it and try again.', phrase: 'the input is not valid' },
  invalid_selector: { sentence: 'A selector cannot be used.', phrase: 'a selector cannot be used', detail: true },
  usage: { sentence: 'The command was not given what it needs.', phrase: 'the command was used wrongly', detail: true },
  // Our own failure: it is logged with its details; a reader learns nothing from them.
  internal: { sentence: 'Something went wrong on our side. It has been logged; try again later.', phrase: 'something went wrong on our side' },
};

/** The codes that have words: all of ErrorCode (the completeness test reads it). */
export const WORDED_CODES = Object.keys(WORDS) as ErrorCode[];

function wordsOf(code: string): ErrorWords | undefined {
  return Object.hasOwn(WORDS, code) ? WORDS[code as ErrorCode] : undefined;
}

/**
 * The reader's sentence for a code, with the error's own message where it names what to
 * fix; for a code that is not ours (a job's stored code from an older version), the message.
 */
export function errorSentence(code: string, message: string): string {
  const words = wordsOf(code);
  if (!words) return message;
  if (!words.detail || !message) return words.sentence;
  const lead = words.sentence.endsWith('.') ? words.sentence.slice(0, -1) : words.sentence;
  return `${lead}: ${message}`;
}

/** The short form, for a line that already says what failed ("failing since Tuesday: …"). */
export function errorPhrase(code: string): string {
  return wordsOf(code)?.phrase ?? 'something went wrong';
}
