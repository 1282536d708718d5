/** A large, realistic RSS 2.0 document for throughput benchmarks (deterministic content). */
export function generateLargeFeed(targetBytes: number): string {
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>World News | Benchmark Gazette</title><link>https://gazette.example/world/</link><description>Generated</description>
`;
  const parts = [head];
  let size = head.length;
  for (let i = 0; size < targetBytes; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const item = `<item>
<title>Story number ${i}: talks resume &amp; markets react in region ${i % 97}</title>
<link>https://gazette.example/world/2025/03/${day}/story-${i}/</link>
<guid isPermaLink="false">gazette-${i}</guid>
<pubDate>Thu, ${day} Mar 2025 ${String(i % 24).padStart(2, '0')}:15:07 +0000</pubDate>
<dc:creator>Reporter ${i % 31}</dc:creator>
<category>World</category><category>Region ${i % 97}</category>
<description><![CDATA[<p>Officials met on day ${i} to discuss the agreement, which <b>both sides</b> described as a step forward.</p>]]></description>
<content:encoded><![CDATA[<p>Paragraph one of story ${i}, with a <a href="/world/related-${i}">link</a> and some more words to make it realistic in length.</p><figure><img src="https://img.gazette.example/${i}.jpg" alt=""><figcaption>A caption for story ${i}. Photo: Agency</figcaption></figure><p>Paragraph two continues the report with quotes, numbers such as ${i * 17} and context.</p>]]></content:encoded>
<media:content url="https://img.gazette.example/${i}.jpg" medium="image"><media:description>A caption for story ${i}.</media:description><media:credit>Agency</media:credit></media:content>
</item>
`;
    parts.push(item);
    size += item.length;
  }
  parts.push('</channel></rss>\n');
  return parts.join('');
}
