/**
 * Error codes in words a reader understands; the code itself is shown after them in small
 * print, for a bug report or a search. Codes without words here show a general sentence.
 */
const WORDS: Record<string, string> = {
  blocked_address: 'the address is on a private network, which this Tidings does not fetch',
  invalid_url: 'that is not a web address',
  unsupported_scheme: 'only http and https addresses can be fetched',
  timeout: 'the site took too long to answer',
  too_large: 'the answer was too large',
  too_many_redirects: 'the site redirected too many times',
  http_error: 'the site answered with an error',
  rate_limited: 'the site asked us to slow down',
  network_error: 'the site could not be reached',
  dns_error: 'the site’s name could not be found (DNS error)',
  not_a_feed: 'the address is not a feed',
  no_feed_found: 'no feed was found at that address',
  multiple_feeds: 'the site offers several feeds',
  parse_error: 'the file could not be read',
  extract_failed: 'the article could not be read from the page',
  too_complex: 'the input is too complex',
  throttled: 'too many tries; wait a moment',
  not_found: 'it does not exist',
  conflict: 'it exists already',
  unauthorized: 'you need to sign in',
  forbidden: 'that is not allowed',
  invalid_input: 'the input is not valid',
};

export function errorWords(code: string): string {
  return WORDS[code] ?? 'something went wrong';
}
