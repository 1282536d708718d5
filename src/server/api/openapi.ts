/** The OpenAPI 3.1 description of REST API v1, served at /api/v1/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
  const error = { description: 'error', ...json(ref('Error')) };
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
  const selectors = { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 20, description: 'CSS selectors' };
  const entityParameter = { name: 'entity', in: 'query', schema: { type: 'string', maxLength: 120, description: 'only articles naming this person, place or organisation, as a story page names it; case, accents, punctuation and spacing do not matter' } };
  const foldParameter = {
    name: 'fold', in: 'query',
    schema: { enum: ['stories', 'none'], default: 'none', description: '`stories`: each story once, as its newest article that passes the other filters, with a `story` field; the same story never comes again on a later page. `none`: every article' },
  };
  const riverStoryParameters = [foldParameter, entityParameter];
  return {
    openapi: '3.1.0',
    info: { title: 'Tidings API', version: '1', description: 'Everything the Tidings web app does, as JSON. Authenticate with `Authorization: Bearer <token>` (create one with `tidings tokens add USER NAME`). Another user\'s data answers 404.' },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string', examples: ['unauthorized', 'not_found', 'invalid_input', 'invalid_selector', 'multiple_feeds', 'blocked_address'] }, message: { type: 'string' } }, required: ['code', 'message'] } }, required: ['error'] },
        Feed: { type: 'object', properties: { id: { type: 'integer' }, url: { type: 'string' }, siteUrl: { type: ['string', 'null'] }, source: { type: 'string' }, section: { type: ['string', 'null'] }, folder: { type: ['string', 'null'] }, status: { type: 'string' }, health: { enum: ['new', 'ok', 'erroring', 'failing'] }, lastFetchedAt: { type: ['string', 'null'] }, errorCode: { type: ['string', 'null'] }, error: { type: ['string', 'null'] }, failingSince: { type: ['string', 'null'], format: 'date-time', description: 'when the current run of failed refreshes began; null while the feed works (and for a run that began before Tidings kept it)' }, nextCheckAt: { type: ['string', 'null'] }, itemsPerDay: { type: 'number', description: 'new articles a day over the last 7 days' }, activity: { type: 'array', items: { type: 'integer' }, description: 'new articles per UTC day over the last 30 days, oldest first' } } },
        FeedRules: { type: 'object', properties: { keep: selectors, remove: selectors, editable: { type: 'boolean', description: 'whether this reader may set them' } }, required: ['keep', 'remove', 'editable'] },
        ArticleItem: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' }, source: { type: 'string' }, section: { type: ['string', 'null'] }, published: { type: 'string', format: 'date-time' }, updated: { type: 'string', format: 'date-time' }, excerpt: { type: 'string' }, read: { type: 'boolean' }, starred: { type: 'boolean' }, story: ref('FoldedStory') } },
        FoldedStory: {
          type: 'object', description: 'With `fold=stories`: the story this entry stands for, counted over the articles the reader can see',
          properties: {
            id: { type: 'integer' }, articles: { type: 'integer' }, sources: { type: 'integer' }, copies: { type: 'integer', description: 'wire copies among the articles' },
            alsoIn: { type: 'array', description: 'the other outlets, by name, each with its newest article in the story', items: { type: 'object', properties: { source: { type: 'string' }, articleId: { type: 'integer' } } } },
          },
        },
        Story: { type: 'object', description: 'Counts and times over the articles the reader can see', properties: { id: { type: 'integer', description: 'the id of its first article' }, title: { type: 'string', description: 'the earliest headline' }, firstSeen: { type: 'string', format: 'date-time' }, lastSeen: { type: 'string', format: 'date-time' }, articles: { type: 'integer' }, sources: { type: 'integer' }, copies: { type: 'integer', description: 'articles that are wire copies of another' } } },
        StoryPage: {
          allOf: [ref('Story')],
          properties: {
            articles: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' }, source: { type: 'string' }, published: { type: 'string' }, copyOf: { type: ['integer', 'null'] } } } },
            bySource: { type: 'array', items: { type: 'object', properties: { source: { type: 'string' }, articles: { type: 'array', items: { type: 'object' } } } } },
            first: { type: ['object', 'null'], description: 'who reported first', properties: { source: { type: 'string' }, articleId: { type: 'integer' }, published: { type: 'string' } } },
            copyGroups: { type: 'array', items: { type: 'object', properties: { original: { type: 'integer' }, copies: { type: 'array', items: { type: 'integer' } }, sources: { type: 'array', items: { type: 'string' } } } } },
            entities: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, type: { enum: ['person', 'place', 'organization'] }, mentions: { type: 'integer' }, sources: { type: 'integer' } } } },
            figures: { type: 'array', items: ref('Measure') },
            disagreements: { type: 'array', items: ref('Measure'), description: 'measures for which two outlets give values with none in common' },
            timeline: { type: 'array', description: 'coverage over time: per source, its publication times', items: { type: 'object', properties: { source: { type: 'string' }, times: { type: 'array', items: { type: 'string' } } } } },
          },
        },
        Measure: { type: 'object', properties: { unit: { type: 'string' }, disagreement: { type: 'boolean' }, reports: { type: 'array', items: { type: 'object', properties: { articleId: { type: 'integer' }, source: { type: 'string' }, value: { oneOf: [{ type: 'number' }, { type: 'array', items: { type: 'number' } }] }, qualifier: { type: ['string', 'null'] }, text: { type: 'string' }, attribution: { type: ['string', 'null'] }, sentence: { type: 'string' } } } } } },
        Article: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' }, source: { type: 'string' }, section: { type: ['string', 'null'] }, byline: { type: ['string', 'null'] }, published: { type: 'string' }, updated: { type: 'string' }, text: { type: 'string' }, html: { type: 'string', description: 'sanitized' }, images: { type: 'array', items: { type: 'object' } }, revisions: { type: 'array', items: { type: 'object', properties: { number: { type: 'integer' }, seenAt: { type: 'string' }, reason: { type: 'string' } } } } } },
      },
    },
    paths: {
      '/me': { get: { summary: 'The token\'s user', responses: { 200: { description: 'user', ...json({ type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, isAdmin: { type: 'boolean' } } }) }, 401: error } } },
      '/feeds': {
        get: { summary: 'Subscriptions', responses: { 200: { description: 'feeds', ...json({ type: 'array', items: ref('Feed') }) }, 401: error } },
        post: { summary: 'Subscribe to a feed or a site (discovery)', requestBody: { required: true, ...json({ type: 'object', properties: { url: { type: 'string' }, folder: { type: 'string' }, pick: { type: 'integer', description: 'which feed when a site names several' } }, required: ['url'] }) }, responses: { 201: { description: 'subscribed' }, 200: { description: 'already known feed, now subscribed' }, 409: { description: 'multiple_feeds: error.choices lists them', ...json(ref('Error')) }, 422: error } },
      },
      '/feeds/{id}': {
        patch: { summary: 'Rename a subscription or file it in a folder (null clears)', parameters: [id], requestBody: { required: true, ...json({ type: 'object', properties: { title: { type: ['string', 'null'] }, folder: { type: ['string', 'null'] } }, minProperties: 1 }) }, responses: { 204: { description: 'done' }, 404: error, 400: error } },
        delete: { summary: 'Unsubscribe', parameters: [id], responses: { 204: { description: 'done' }, 404: error } },
      },
      '/feeds/{id}/rules': {
        get: { summary: "The feed's own extraction rules (CSS selectors), and whether this reader may set them", parameters: [id], responses: { 200: { description: 'rules', ...json(ref('FeedRules')) }, 404: error } },
        put: {
          summary: "Replace the feed's rules (empty lists clear them). The article a feed's pages give is shared by its readers: only an administrator or the feed's only subscriber may set them. `remove` drops page furniture; `keep` names the article itself; both win over the built-in site rules and apply from the next page read.",
          parameters: [id],
          requestBody: { required: true, ...json({ type: 'object', properties: { keep: selectors, remove: selectors }, additionalProperties: false }) },
          responses: { 200: { description: 'saved', ...json(ref('FeedRules')) }, 400: { description: 'invalid_selector: a selector the page DOM cannot parse, or over the caps (20 a list, 200 characters each)', ...json(ref('Error')) }, 403: { description: 'forbidden: other readers follow the feed', ...json(ref('Error')) }, 404: error },
        },
      },
      '/folders': { get: { summary: 'Folders and the feeds filed in them', responses: { 200: { description: 'folders', ...json({ type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, feeds: { type: 'array', items: { type: 'integer' } } } } }) } } } },
      '/articles': { get: { summary: 'River, newest first, keyset pages', parameters: [{ name: 'feed', in: 'query', schema: { type: 'integer' } }, { name: 'show', in: 'query', schema: { enum: ['all', 'unread', 'starred'] } }, { name: 'before', in: 'query', schema: { type: 'string', description: 'the `next` cursor of the previous page' } }, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 200 } }, ...riverStoryParameters], responses: { 200: { description: 'page', ...json({ type: 'object', properties: { articles: { type: 'array', items: ref('ArticleItem') }, next: { type: ['string', 'null'] } } }) }, 400: error } } },
      '/articles/{id}': { get: { summary: 'One article in the reading format', parameters: [id], responses: { 200: { description: 'article', ...json(ref('Article')) }, 404: error } } },
      '/articles/{id}/state': { put: { summary: 'Mark read / starred', parameters: [id], requestBody: { required: true, ...json({ type: 'object', properties: { read: { type: 'boolean' }, starred: { type: 'boolean' } }, minProperties: 1 }) }, responses: { 204: { description: 'done' }, 404: error, 400: error } } },
      '/articles/{id}/recheck': { post: { summary: 'Check for updates: read the article\'s page again now; an edit becomes a new revision', parameters: [id], responses: { 200: { description: 'what the page held', ...json({ type: 'object', properties: { updated: { type: 'boolean' }, revisions: { type: 'integer', description: 'versions stored (2 after the first edit)' }, message: { type: 'string', examples: ['Updated: revision 2', 'No change'] } } }) }, 404: error, 502: { description: 'the page could not be read (timeout, dns_error, http_error, …)', ...json(ref('Error')) } } } },
      '/articles/read': { post: { summary: 'Mark everything read up to a time (optionally one feed)', requestBody: { required: true, ...json({ type: 'object', properties: { upTo: { type: 'string', format: 'date-time' }, feed: { type: 'integer' } }, required: ['upTo'] }) }, responses: { 200: { description: 'count', ...json({ type: 'object', properties: { marked: { type: 'integer' } } }) } } } },
      '/stories': { get: { summary: 'Stories across outlets, most recently active first, keyset pages (only articles the reader can see)', parameters: [{ name: 'before', in: 'query', schema: { type: 'string', description: 'the `next` cursor of the previous page' } }, { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 200 } }], responses: { 200: { description: 'page', ...json({ type: 'object', properties: { stories: { type: 'array', items: ref('Story') }, next: { type: ['string', 'null'] } } }) }, 400: error, 401: error } } },
      '/stories/{id}': { get: { summary: 'One story: articles by source, copy groups, who first, entities, figures with attributions and disagreements, coverage timeline', parameters: [id], responses: { 200: { description: 'story', ...json(ref('StoryPage')) }, 404: error, 401: error } } },
      '/search': { get: { summary: 'Full-text search within the user\'s subscriptions', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }, { name: 'limit', in: 'query', schema: { type: 'integer' } }, { name: 'feed', in: 'query', schema: { type: 'integer' } }, { name: 'folder', in: 'query', schema: { type: 'string' } }, { name: 'source', in: 'query', schema: { type: 'integer' } }, { name: 'show', in: 'query', schema: { enum: ['all', 'unread', 'starred'] } }, { name: 'from', in: 'query', schema: { type: 'string', description: 'a day (YYYY-MM-DD) or an ISO 8601 time with its zone' } }, { name: 'to', in: 'query', schema: { type: 'string', description: 'a day (the whole day counts) or an ISO 8601 time' } }, entityParameter], responses: { 200: { description: 'hits', ...json({ type: 'array', items: ref('ArticleItem') }) }, 400: { description: 'invalid_date: from or to is not a day or a time', ...json(ref('Error')) } } } },
      '/opml': {
        get: { summary: 'Subscriptions as OPML', responses: { 200: { description: 'OPML 2.0', content: { 'text/x-opml': { schema: { type: 'string' } } } } } },
        post: { summary: 'Subscribe to the feeds of an OPML document (folders kept)', requestBody: { required: true, content: { 'text/x-opml': { schema: { type: 'string' } } } }, responses: { 200: { description: 'counts, and the outlines skipped (with their error code) or over the TIDINGS_OPML_MAX_OUTLINES limit', ...json({ type: 'object', properties: {
          subscribed: { type: 'integer' }, added: { type: 'integer' }, overLimit: { type: 'integer' }, limit: { type: 'integer' },
          skipped: { type: 'array', items: { type: 'object', properties: { url: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
        } }) }, 400: error } },
      },
    },
  };
}
