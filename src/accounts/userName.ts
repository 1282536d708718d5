/** Names people sign in with: short, and free of spaces and markup so they read the same in a URL, a log line and a page. */
const USER_NAME = /^[\p{L}\p{N}._@-]{1,64}$/u;

export const USER_NAME_RULE = 'a user name is 1–64 letters, digits, or . _ @ -';

export function isUserName(name: string): boolean {
  return USER_NAME.test(name);
}
