import type { ArticleWithSource } from '../model/article.js';
import { articleFilter } from './articleFilter.js';
import { firstSection } from './articleList.js';
import { reusableQuery } from './reusableQuery.js';
import { toArticle } from './rows.js';
import type { Db } from './schema.js';
import type { OpenedArticle } from './store.js';

/**
 * What the article page needs of the article in one lookup by primary key: the article
 * and its source, the reader's marks, its story and its newest revision (which the page's
 * cached body is checked against). With a reader, only an article they can see.
 */
export async function openedArticle(db: Db, userId: number | undefined, id: number): Promise<OpenedArticle | null> {
  const rows: Array<Awaited<ReturnType<typeof anyones>>[number] & Partial<Marks>> = userId === undefined ? await anyones(db, { id }) : await readers(db, { id, userId });
  const row = rows[0];
  if (!row) return null;
  const article: ArticleWithSource = { ...toArticle(row), sourceName: row.source_name, section: row.section ?? null };
  const state = userId === undefined ? null : { read: !!row.read_at, starred: !!row.starred_at };
  return { article, state, storyId: idOrNull(row.story_id), revisionId: idOrNull(row.revision_id), revisions: Number(row.revisions ?? 0) };
}

interface Marks {
  read_at: string | null;
  starred_at: string | null;
}

const idOrNull = (v: number | string | null) => (v === null ? null : Number(v));

function articleQuery(db: Db) {
  return db
    .selectFrom('article as a')
    .innerJoin('source', 'source.id', 'a.source_id')
    .selectAll('a')
    .select(['source.name as source_name', firstSection()])
    .select((eb) => eb.selectFrom('article_story').select('article_story.story_id').whereRef('article_story.article_id', '=', 'a.id').as('story_id'))
    .select((eb) => eb.selectFrom('revision').select((e) => e.fn.max('revision.id').as('m')).whereRef('revision.article_id', '=', 'a.id').as('revision_id'))
    .select((eb) => eb.selectFrom('revision').select((e) => e.fn.countAll().as('n')).whereRef('revision.article_id', '=', 'a.id').as('revisions'));
}

const anyones = reusableQuery((db, v: { id: number }) => articleQuery(db).where('a.id', '=', v.id));

const readers = reusableQuery((db, v: { id: number; userId: number }) =>
  articleQuery(db)
    .leftJoin('article_state', (join) => join.onRef('article_state.article_id', '=', 'a.id').on('article_state.user_id', '=', v.userId))
    .select(['article_state.read_at', 'article_state.starred_at'])
    .where(articleFilter({ userId: v.userId, articleId: v.id })),
);
