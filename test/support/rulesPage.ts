/**
 * A publisher page Readability alone reads wrong: the story is three short paragraphs, and
 * beside it sits a longer digest of other stories in neutral markup that outscores it. A
 * box inside the story (an archive note) is furniture nothing generic catches.
 */
export const STORY_MARK = 'harbour';
export const DIGEST_MARK = 'DIGEST-MARK';
export const BOX_MARK = 'BOX-MARK';

const story = (n: number) =>
  `<p>The ${STORY_MARK} board voted on Tuesday, paragraph ${n}, to deepen the north channel before spring, after pilots reported groundings at low tide and shipping lines warned they would divert to other ports.</p>`;
const digest = (n: number) =>
  `<p>${DIGEST_MARK} ${n}: in other news this week, the city council debated a new tram line, the museum opened a wing for maritime art, a bakery won a regional prize for rye bread, and the weather stayed mild and dry across the county, with forecasters expecting rain only late on Sunday evening.</p>`;

export function rulesPage(title = 'Harbour board votes to deepen channel'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>
<div class="wrap"><div class="col-a"><h1>${title}</h1><div class="story-text">${story(1)}
<div class="box-7"><p>${BOX_MARK} From the archive: the board last dredged the north channel in 1987, when the work took two summers and closed the inner basin to larger ships.</p></div>
${story(2)}${story(3)}</div></div>
<div class="col-b"><div class="digest">${[1, 2, 3, 4, 5, 6, 7, 8].map(digest).join('')}</div></div></div>
</body></html>`;
}
