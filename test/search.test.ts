/** Full-text search (docs/search.md): search() in filters and rules, @rank, the index kept in step, rules and hidden fields. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PocketBase from 'pocketbase';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { failure } from './support/errors.js';

interface Doc { id: string; title: string }

describe.each(ENGINES)('full-text search on %s', (engine) => {
  let g: TestGalley;
  let guest: PocketBase;
  const docs: Record<string, Doc> = {};

  const search = async (pb: PocketBase, filter: string, sort = '', collection = 'docs') => {
    const page = await pb.collection(collection).getList<Doc>(1, 50, { filter, sort });
    return { titles: page.items.map((d) => d.title), total: page.totalItems, items: page.items };
  };
  const titlesOf = async (pb: PocketBase, filter: string) =>
    (await pb.collection('kept').getList<{ text: string }>(1, 10, { filter })).items.map((r) => r.text);
  const titles = async (pb: PocketBase, filter: string, sort = '', collection = 'docs') =>
    (await search(pb, filter, sort, collection)).titles.sort();

  beforeAll(async () => {
    g = await startGalley(engine);
    guest = g.client();
    await g.admin.collections.create({
      name: 'docs', type: 'base', listRule: 'published = true', viewRule: 'published = true',
      fields: [
        { name: 'title', type: 'text', searchable: true },
        { name: 'body', type: 'editor', searchable: true },
        { name: 'notes', type: 'text', searchable: true, hidden: true },
        { name: 'tag', type: 'text' },
        { name: 'published', type: 'bool' },
      ],
    });
    const rows = [
      { title: 'Café culture in Paris', body: '<p>The best coffee shops</p>', notes: 'secret alpha', tag: 'coffee' },
      { title: 'Coffee brewing guide', body: 'How to brew coffee at home: coffee, coffee and more coffee' },
      { title: 'Tea ceremonies', body: 'Green tea and black tea', notes: 'coffee' },
      { title: 'Hidden coffee draft', body: 'coffee', published: false },
      { title: 'Running shoes', body: 'The runner runs' },
      { title: 'New York travel', body: 'Visit New York city' },
      { title: 'York, then new places', body: 'Old roads' },
      { title: 'E-mail etiquette', body: 'Write short emails' },
      { title: 'Naïve ÉCOLE', body: 'Crème brûlée' },
      { title: 'Release notes', body: 'See docs.example.com or mail ops@example.org about v3.5/beta_2' },
    ];
    for (const r of rows) {
      const rec = await g.admin.collection('docs').create<Doc>({ published: true, ...r });
      docs[rec.title] = rec;
    }
  });
  afterAll(() => g.close());

  it('finds words (all of them), case-insensitively, through the SDK filter', async () => {
    expect(await titles(guest, 'search("coffee")')).toEqual(['Café culture in Paris', 'Coffee brewing guide']);
    expect(await titles(guest, 'search("COFFEE brewing")')).toEqual(['Coffee brewing guide']);
    expect(await titles(guest, 'search("coffee tea")')).toEqual([]);
    expect(await titles(guest, 'search("nothingmatches")')).toEqual([]);
  });

  it('combines with other conditions and with itself', async () => {
    expect(await titles(guest, 'search("coffee") && tag = "coffee"')).toEqual(['Café culture in Paris']);
    expect(await titles(guest, 'search("tea") || search("runs")')).toEqual(['Running shoes', 'Tea ceremonies']);
    expect(await titles(guest, 'search("coffee") = false && title ~ "e"')).not.toContain('Coffee brewing guide');
  });

  it('matches "phrases" only in sequence', async () => {
    expect(await titles(guest, 'search("new york")')).toEqual(['New York travel', 'York, then new places']);
    expect(await titles(guest, `search('"new york"')`)).toEqual(['New York travel']);
    expect(await titles(guest, `search('"york new"')`)).toEqual([]);
  });

  it('matches prefix* words', async () => {
    expect(await titles(guest, 'search("brew*")')).toEqual(['Coffee brewing guide']);
    expect(await titles(guest, 'search("ceremon*")')).toEqual(['Tea ceremonies']);
    expect(await titles(guest, 'search("brew")')).toEqual(['Coffee brewing guide']); // "brew" in the body
    expect(await titles(guest, 'search("brewin")')).toEqual([]);
  });

  it('excludes -words and -"phrases"', async () => {
    expect(await titles(guest, 'search("coffee -brewing")')).toEqual(['Café culture in Paris']);
    expect(await titles(guest, `search('new -"new york"')`)).toEqual(['York, then new places']);
  });

  it('ignores diacritics on both sides, and splits words at punctuation as the index does', async () => {
    expect(await titles(guest, 'search("cafe")')).toEqual(['Café culture in Paris']);
    expect(await titles(guest, 'search("CAFÉ paris")')).toEqual(['Café culture in Paris']);
    expect(await titles(guest, 'search("e-mail")')).toEqual(['E-mail etiquette']);
    expect(await titles(guest, 'search("naive ecole creme brulee")')).toEqual(['Naïve ÉCOLE']);
    // Hosts, addresses and version numbers are words split at their punctuation on both engines.
    expect(await titles(guest, 'search("example ops beta")')).toEqual(['Release notes']);
    expect(await titles(guest, 'search("docs.example.com v3.5")')).toEqual(['Release notes']);
    expect(await titles(guest, 'search("ops@example.org v3")')).toEqual(['Release notes']);
    expect(await titles(guest, `search('"crème brûlée" école')`)).toEqual(['Naïve ÉCOLE']);
  });

  it('searches one field with search(field, "query")', async () => {
    expect(await titles(guest, 'search(title, "coffee")')).toEqual(['Coffee brewing guide']);
    expect(await titles(guest, 'search(body, "coffee")')).toEqual(['Café culture in Paris', 'Coffee brewing guide']);
    expect(await titles(guest, 'search(title, "coffee -home")')).toEqual(['Coffee brewing guide']); // "home" is in the body only
  });

  it('orders by relevance with @rank (best first) and -@rank', async () => {
    const ranked = await search(guest, 'search("coffee")', '@rank');
    expect(ranked.titles).toEqual(['Coffee brewing guide', 'Café culture in Paris']);
    expect((await search(guest, 'search("coffee")', '-@rank')).titles).toEqual(['Café culture in Paris', 'Coffee brewing guide']);
    // A superuser's ranking takes every field and record in (the short draft comes first).
    const all = await search(g.admin, 'search("coffee")', '@rank,title');
    expect([...all.titles].sort()).toEqual(['Café culture in Paris', 'Coffee brewing guide', 'Hidden coffee draft', 'Tea ceremonies']);
    const err = await failure(guest.collection('docs').getList(1, 10, { sort: '@rank' }));
    expect(err.status).toBe(400);
    expect(err.response.message).toMatch(/@rank.*search\(\)/);
  });

  it('never reveals records the list rule hides, nor their count', async () => {
    const found = await search(guest, 'search("coffee")');
    expect(found.total).toBe(2);
    expect(found.titles).not.toContain('Hidden coffee draft');
    expect((await search(g.admin, 'search("draft")')).titles).toEqual(['Hidden coffee draft']);
    expect((await search(guest, 'search("draft")')).total).toBe(0);
  });

  it('never searches a hidden field for a client: left out of search("..."), refused by name', async () => {
    expect(await titles(guest, 'search("alpha")')).toEqual([]);
    // "Tea ceremonies" has coffee in its hidden notes only
    expect(await titles(guest, 'search("coffee")')).not.toContain('Tea ceremonies');
    expect(await titles(guest, 'search("tea -coffee")')).toEqual(['Tea ceremonies']);
    const ranked = await search(guest, 'search("coffee")', '@rank');
    expect(ranked.titles).toEqual(['Coffee brewing guide', 'Café culture in Paris']);
    const err = await failure(guest.collection('docs').getList(1, 10, { filter: 'search(notes, "alpha")' }));
    expect(err.status).toBe(400);
    expect(err.response.message).toMatch(/notes/);
    // A superuser searches every field.
    expect(await titles(g.admin, 'search("alpha")')).toEqual(['Café culture in Paris']);
    expect(await titles(g.admin, 'search(notes, "coffee")')).toEqual(['Tea ceremonies']);
    expect(await titles(g.admin, 'search("tea -coffee")')).toEqual([]);
  });

  it('works in API rules', async () => {
    await g.admin.collections.create({
      name: 'notices', type: 'base', listRule: 'search("public")', viewRule: 'search(text, "public")',
      fields: [{ name: 'text', type: 'text', searchable: true }],
    });
    const open = await g.admin.collection('notices').create<{ id: string }>({ text: 'A public notice' });
    const closed = await g.admin.collection('notices').create<{ id: string }>({ text: 'A private notice' });
    const page = await guest.collection('notices').getList(1, 10);
    expect(page.items.map((r) => r.id)).toEqual([open.id]);
    expect(page.totalItems).toBe(1);
    expect((await guest.collection('notices').getOne(open.id)).id).toBe(open.id);
    expect((await failure(guest.collection('notices').getOne(closed.id))).status).toBe(404);
  });

  it('keeps the index in step with creates, updates and deletes', async () => {
    const rec = await g.admin.collection('docs').create<Doc>({ title: 'Zeppelin history', body: 'airships', published: true });
    expect(await titles(guest, 'search("zeppelin")')).toEqual(['Zeppelin history']);
    await g.admin.collection('docs').update(rec.id, { title: 'Balloon history' });
    expect(await titles(guest, 'search("zeppelin")')).toEqual([]);
    expect(await titles(guest, 'search("balloon airships")')).toEqual(['Balloon history']);
    await g.admin.collection('docs').update(rec.id, { tag: 'untouched search text' }); // a column outside the index
    expect(await titles(guest, 'search("balloon")')).toEqual(['Balloon history']);
    await g.admin.collection('docs').delete(rec.id);
    expect(await titles(guest, 'search("balloon")')).toEqual([]);
  });

  it('follows field renames, field removal and the searchable option', async () => {
    await g.admin.collections.create({
      name: 'articles', type: 'base', listRule: '',
      fields: [{ name: 'headline', type: 'text', searchable: true }, { name: 'content', type: 'editor', searchable: true }],
    });
    await g.admin.collection('articles').create({ headline: 'Volcano eruption', content: 'lava flows to the sea' });
    let c = await g.admin.collections.getOne('articles');
    const fields = c.fields.map((f: Record<string, unknown>) => (f.name === 'headline' ? { ...f, name: 'title' } : f));
    c = await g.admin.collections.update('articles', { fields });
    expect(c.fields.find((f: Record<string, unknown>) => f.name === 'title')?.searchable).toBe(true);
    expect(await titles(guest, 'search(title, "volcano")', '', 'articles')).toEqual(['Volcano eruption']);
    expect(await titles(guest, 'search("lava volcano")', '', 'articles')).toEqual(['Volcano eruption']);
    await g.admin.collection('articles').create({ title: 'Lava lamps', content: 'decor' });
    expect(await titles(guest, 'search("lava")', '', 'articles')).toEqual(['Lava lamps', 'Volcano eruption']);
    // The content field goes: its words are no longer found, and a search naming it is refused.
    c = await g.admin.collections.update('articles', { fields: c.fields.filter((f: Record<string, unknown>) => f.name !== 'content') });
    expect(await titles(guest, 'search("lava")', '', 'articles')).toEqual(['Lava lamps']);
    expect(await titles(guest, 'search("sea")', '', 'articles')).toEqual([]);
    expect((await failure(guest.collection('articles').getList(1, 10, { filter: 'search(content, "sea")' }))).status).toBe(400);
    // The table renamed: the index follows it.
    await g.admin.collections.update('articles', { name: 'stories' });
    expect(await titles(guest, 'search("volcano")', '', 'stories')).toEqual(['Volcano eruption']);
    await g.admin.collection('stories').create({ title: 'Volcano tours' });
    expect(await titles(guest, 'search("volcano")', '', 'stories')).toEqual(['Volcano eruption', 'Volcano tours']);
    // No longer searchable: search() is refused; searchable again: rebuilt from the rows.
    c = await g.admin.collections.getOne('stories');
    const off = c.fields.map((f: Record<string, unknown>) => (f.name === 'title' ? { ...f, searchable: false } : f));
    await g.admin.collections.update('stories', { fields: off });
    const err = await failure(guest.collection('stories').getList(1, 10, { filter: 'search("volcano")' }));
    expect(err.status).toBe(400);
    expect(err.response.message).toMatch(/no searchable fields/);
    await g.admin.collections.update('stories', { fields: off.map((f: Record<string, unknown>) => (f.name === 'title' ? { ...f, searchable: true } : f)) });
    expect(await titles(guest, 'search("volcano")', '', 'stories')).toEqual(['Volcano eruption', 'Volcano tours']);
    // A rule-only change keeps the index as it is, and deleting the collection removes it.
    await g.admin.collections.update('stories', { listRule: 'title != ""' });
    expect(await titles(guest, 'search("tours")', '', 'stories')).toEqual(['Volcano tours']);
    await g.admin.collections.delete('stories');
    await g.admin.collections.create({ name: 'stories', type: 'base', listRule: '', fields: [{ name: 'title', type: 'text', searchable: true }] });
    expect(await titles(guest, 'search("volcano")', '', 'stories')).toEqual([]);
  });

  it('stems with the language and porter options', async () => {
    await g.admin.collections.create({
      name: 'stemmed', type: 'base', listRule: '', search: { language: 'english', porter: true },
      fields: [{ name: 'text', type: 'text', searchable: true }],
    });
    const c = await g.admin.collections.getOne('stemmed');
    expect(c.search).toEqual({ language: 'english', porter: true });
    await g.admin.collection('stemmed').create({ text: 'She runs every morning' });
    expect(await titles(guest, 'search(text, "running")', '', 'stemmed').then((t) => t.length)).toBe(1);
    // Without stemming (the docs collection) "running" does not find "runs".
    expect(await titles(guest, 'search(body, "running")')).toEqual([]);
  });

  it('marks the matched words in fields=<field>:snippet(max), from what the caller may see', async () => {
    const page = await guest.collection('docs').getList(1, 10, { filter: 'search("brew* coffee")', fields: 'title,body:snippet(40),notes:snippet(40)' });
    const item = page.items.find((i) => i.title === 'Coffee brewing guide')!;
    expect(item.body).toBe('How to <mark>brew</mark> <mark>coffee</mark> at home: <mark>coffee</mark>...');
    expect(Object.keys(item).sort()).toEqual(['body', 'title']); // the hidden field stays out
    const cafe = await guest.collection('docs').getList(1, 10, { filter: 'search("cafe shops")', fields: 'title:snippet(100),body:snippet(100)' });
    expect(cafe.items).toEqual([{ title: '<mark>Café</mark> culture in Paris', body: 'The best coffee <mark>shops</mark>' }]);
    // Without a search() in the filter: the start of the text, nothing marked, HTML escaped.
    const plain = await guest.collection('docs').getList(1, 1, { filter: 'title = "Coffee brewing guide"', fields: 'body:snippet(10)' });
    expect(plain.items).toEqual([{ body: 'How to...' }]);
    // Markup is read as HTML (as :excerpt does); what remains is escaped.
    const rec = await g.admin.collection('docs').create({ title: 'Markup <b>bold</b> & coffee', published: true });
    const escaped = await guest.collection('docs').getList(1, 10, { filter: `search("markup")`, fields: 'title:snippet(100)' });
    expect(escaped.items).toEqual([{ title: '<mark>Markup</mark> bold &#38; coffee' }]);
    await g.admin.collection('docs').delete(rec.id);
  });

  it('keeps the index through a backup and its restore', async () => {
    await g.admin.collections.create({ name: 'kept', type: 'base', listRule: '', fields: [{ name: 'text', type: 'text', searchable: true }] });
    const rec = await g.admin.collection('kept').create<{ id: string }>({ text: 'glacier walk' });
    await g.admin.backups.create('search.zip');
    await g.admin.collection('kept').update(rec.id, { text: 'desert trek' });
    expect(await g.admin.backups.restore('search.zip')).toBe(true);
    const after = g.client();
    await expect.poll(async () => titlesOf(after, 'search("glacier")'), { timeout: 15000 }).toEqual(['glacier walk']);
    expect(await titlesOf(after, 'search("desert")')).toEqual([]);
    // and it is maintained after the restore
    await g.admin.collection('kept').update(rec.id, { text: 'glacier lake' });
    expect(await titlesOf(after, 'search("lake")')).toEqual(['glacier lake']);
    expect(await titlesOf(after, 'search("walk")')).toEqual([]);
  });

  if (engine === 'postgres') {
    it('rebuilds an index left without its triggers (an earlier Galley\'s expression index) when it starts', async () => {
      const first = await startGalley('postgres');
      const dbUrl = first.dbUrl;
      let second: TestGalley | undefined;
      try {
        const c = await first.admin.collections.create({ name: 'old', type: 'base', listRule: '', createRule: '', fields: [{ name: 'text', type: 'text', searchable: true }] });
        await first.admin.collection('old').create({ text: 'harbour lights' });
        // What an earlier Galley left: no side table or triggers, a GIN expression index on the table.
        await first.core.store.exec(`DROP TABLE "_fts_${c.id}"`);
        await first.core.store.exec(`DROP FUNCTION "_fts_${c.id}_sync"() CASCADE`);
        await first.core.store.exec(`CREATE INDEX "_search_${c.id}" ON "old" USING GIN ((to_tsvector('simple'::regconfig, COALESCE("text", ''))))`);
        await first.close();
        second = await startGalley('postgres', { dbUrl, superuser: false });
        const pb = second.client();
        const found = async (q: string) => (await pb.collection('old').getList<{ text: string }>(1, 10, { filter: `search("${q}")` })).items.map((r) => r.text);
        expect(await found('harbour')).toEqual(['harbour lights']);
        await pb.collection('old').create({ text: 'river mouth' });
        expect(await found('river')).toEqual(['river mouth']);
        const legacy = await second.core.store.get(`SELECT to_regclass('"_search_${c.id}"')::text AS "name"`);
        expect(legacy?.name).toBeNull();
      } finally {
        await second?.close();
      }
    }, 30_000);
  }

  it('answers bad search syntax with a 400 that says what is wrong', async () => {
    const bad = async (filter: string, pattern: RegExp, collection = 'docs') => {
      const res = await g.fetch(`/api/collections/${collection}/records?filter=${encodeURIComponent(filter)}`);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(Object.keys(body).sort()).toEqual(['data', 'message', 'status']);
      expect(body.message).toMatch(pattern);
    };
    await bad(`search('"unterminated')`, /unterminated phrase/);
    await bad('search("-coffee")', /at least one word that is not excluded/);
    await bad('search("")', /no words/);
    await bad('search("co*ffee")', /"\*" may only end a word/);
    await bad('search(title)', /quoted text/);
    await bad('search(tag, "coffee")', /not a searchable field/);
    await bad('search(nosuch, "coffee")', /not a searchable field/);
    await bad('search("a", "b", "c")', /takes a query/);
    await bad('search(title, "x") = 1 && strftime("%Y")', /not a condition/);
    await bad(`search("${'word '.repeat(40)}")`, /more than 32 terms/);
    await bad('search("x")', /no searchable fields/, 'users');
  });

  it('validates the searchable option and the search options', async () => {
    // (field positions count the id field the server puts first)
    const refused = async (def: Record<string, unknown>) => {
      const err = await failure(g.admin.collections.create({ name: 'badsearch', type: 'base', ...def }));
      expect(err.status).toBe(400);
      return err.response.data;
    };
    expect((await refused({ fields: [{ name: 'n', type: 'number', searchable: true }] })).fields['1'].searchable.message)
      .toMatch(/Only text and editor fields/);
    expect((await refused({ fields: [{ name: 't', type: 'text', searchable: 'yes' }] })).fields['1'].searchable.code).toBe('validation_invalid_value');
    expect((await refused({ search: { language: 'klingon' } })).search.language.code).toBe('validation_in_invalid');
    expect((await refused({ search: { porter: 1 } })).search.porter.code).toBe('validation_invalid_value');
    expect((await refused({ search: 'english' })).search.code).toBe('validation_invalid_value');
  });
});
