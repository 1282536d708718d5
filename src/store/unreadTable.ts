import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * The sidebar's unread count per subscription (SQLite 0017, PostgreSQL 0012), created and
 * filled from the rows as they are; each dialect keeps it up to date with its own triggers.
 */
export async function createUnreadTable(db: Kysely<unknown>, id: 'integer' | 'bigint'): Promise<void> {
  const idType = sql.raw(id);
  await sql`create table subscription_unread (
    user_id ${idType} not null, feed_id ${idType} not null, unread integer not null,
    primary key (user_id, feed_id),
    foreign key (user_id, feed_id) references subscription (user_id, feed_id) on delete cascade)`.execute(db);
  await sql`create index subscription_unread_feed on subscription_unread (feed_id)`.execute(db);
  await sql`insert into subscription_unread (user_id, feed_id, unread)
    select s.user_id, s.feed_id, (${unreadOf('s.user_id', 's.feed_id')}) from subscription s`.execute(db);
}

/** The articles of a feed a reader has not read, counted (column names as SQL text). */
export function unreadOf(user: string, feed: string): RawBuilder<unknown> {
  return sql.raw(`select count(*) from article_feed f where f.feed_id = ${feed} and not exists
    (select 1 from article_state r where r.user_id = ${user} and r.article_id = f.article_id and r.read_at is not null)`);
}
