/**
 * New articles per day as a bar chart: a feed that went quiet, or one that floods, shows at a
 * glance where "0.4 a day" does not. Inline SVG in the text colour, so both themes draw it.
 */
export function ActivityChart({ days, now }: { days: number[]; now: Date }) {
  const total = days.reduce((a, b) => a + b, 0);
  const most = Math.max(...days, 0);
  const bar = 4;
  const height = 20;
  const busiest = days.lastIndexOf(most);
  const busiestDay = new Date(Date.parse(now.toISOString().slice(0, 10)) - (days.length - 1 - busiest) * 86400_000).toISOString().slice(0, 10);
  const label = total === 0 ? `No new articles in the last ${days.length} days` : `${total} new article${total === 1 ? '' : 's'} in the last ${days.length} days; most (${most}) on ${busiestDay}`;
  const width = days.length * bar;
  return (
    <svg class="activity" role="img" aria-label={label} width={width} height={height + 1} viewBox={`0 0 ${width} ${height + 1}`}>
      <title>{label}</title>
      <g fill="currentColor">
        {days.map((n, i) => {
          if (n === 0) return null;
          const h = Math.max(1, Math.round((n / most) * height));
          return <rect x={i * bar} y={height - h} width={bar - 1} height={h} />;
        })}
      </g>
      <rect x="0" y={height} width={width} height="1" fill="currentColor" opacity="0.4" />
    </svg>
  );
}
