import type { ErrorCode } from './errors.js';

/**
 * What each error code means to a reader, in a sentence; pages show it with the code in small
 * print (the code is what to quote when asking for help, the sentence what to do).
 */
const WORDS: Partial<Record<ErrorCode, string>> = {
  blocked_address: 'That address is on a private or local network, which this server is not allowed to reach.',
  invalid_url: 'That is not a web address. Check it and try again (it starts with https://).',
  unsupported_scheme: 'Only web addresses (http:// or https://) can be followed.',
  timeout: 'The site took too long to answer. Try again later.',
  too_large: 'The site sent more than this server accepts for one page or feed.',
  too_many_redirects: 'The site sent us from one address to another too many times.',
  http_error: 'The site answered with an error.',
  rate_limited: 'The site asked us to slow down. Try again later.',
  network_error: 'The site could not be reached.',
  dns_error: 'No site answers at that name. Check the spelling of the address.',
  not_a_feed: 'That address is not a feed.',
  no_feed_found: 'No feed was found on that page. Try the address of the feed itself.',
  multiple_feeds: 'The site offers several feeds: choose one.',
  parse_error: 'The feed could not be read: it is not well-formed.',
  extract_failed: 'The article text could not be read from the page.',
  too_complex: 'The page is too large or too complex to read.',
  throttled: 'Too many attempts. Wait a little and try again.',
  server_running: 'The server that owns fetching could not take this work.',
  invalid_date: 'That date is not a calendar day (use YYYY-MM-DD).',
  invalid_opml: 'That file is not a well-formed OPML subscription list.',
  not_found: 'It no longer exists, or it is not yours.',
  conflict: 'That already exists.',
  invalid_input: 'Something in the form is not right. Check it and try again.',
};

/** The reader's sentence for a code; the message itself when the code has none (it is already words). */
export function errorWords(code: string, message: string): string {
  return WORDS[code as ErrorCode] ?? message;
}
