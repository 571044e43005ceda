/**
 * The filter language through HTTP list requests, on both engines (API spec 2.2, 3.1-3.9,
 * 11.1): operators, precedence, literals, LIKE, NULL/empty semantics, relation paths,
 * modifiers, JSON paths, functions, macros, client-filter restrictions, relation sorts.
 * Each case names the records it must return, in insertion order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, startGalley, type TestGalley } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { userToken } from './support/sdk.js';

type Case = [filter: string, expected: string[]];

describe.each(ENGINES)('filter language on %s', (engine) => {
  let g: TestGalley;
  let userTok: string;
  const admin = () => g.admin.authStore.token;
  /** key (p1, a1, ...) → record id, and back. */
  const id: Record<string, string> = {};
  const key: Record<string, string> = {};

  /** Replaces {p1}-style placeholders with record ids. */
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k: string) => id[k] ?? `?${k}`);

  async function matching(collection: string, filter: string, token?: string, sort = '@rowid'): Promise<string[]> {
    const q = `perPage=500&sort=${encodeURIComponent(sort)}&filter=${encodeURIComponent(fill(filter))}`;
    const res = await g.fetch(`/api/collections/${collection}/records?${q}`, { token });
    const text = await res.text();
    if (res.status !== 200) return [`HTTP ${res.status}: ${text}`];
    const body = JSON.parse(text);
    expect([filter, body.totalItems]).toEqual([filter, body.items.length]);
    return body.items.map((i: { id: string }) => key[i.id] ?? i.id);
  }

  /** Runs every case and compares all of them at once, so one run shows every mismatch. */
  async function check(collection: string, cases: Case[], token?: string) {
    const actual: Case[] = [];
    for (const [filter] of cases) actual.push([filter, await matching(collection, filter, token)]);
    expect(actual).toEqual(cases);
  }

  async function rejects(collection: string, filters: string[], status = 400, token?: string) {
    for (const filter of filters) {
      const res = await g.fetch(`/api/collections/${collection}/records?filter=${encodeURIComponent(fill(filter))}`, { token });
      const body = await expectErrorBody(res, status).catch((err) => { throw new Error(`${filter}: ${err.message}`); });
      expect([filter, body.data]).toEqual([filter, {}]);
    }
  }

  async function add(k: string, collection: string, data: Record<string, unknown>) {
    const rec = await g.admin.collection(collection).create(data);
    id[k] = rec.id;
    key[rec.id] = k;
  }

  beforeAll(async () => {
    g = await startGalley(engine);
    const c = g.admin.collections;
    const orgs = await c.create({ name: 'orgs', type: 'base', listRule: '', fields: [{ name: 'name', type: 'text' }] });
    const authors = await c.create({
      name: 'authors', type: 'base', listRule: '',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'org', type: 'relation', collectionId: orgs.id, maxSelect: 1 },
        { name: 'secret', type: 'text', hidden: true },
        { name: 'profile', type: 'json' },
      ],
    });
    const editors = await c.create({
      name: 'editors', type: 'base', listRule: 'visible = true || @request.auth.id != ""',
      fields: [{ name: 'name', type: 'text' }, { name: 'visible', type: 'bool' }],
    });
    const vault = await c.create({ name: 'vault', type: 'base', listRule: null, fields: [{ name: 'name', type: 'text' }] });
    const posts = await c.create({
      name: 'posts', type: 'base', listRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'published', type: 'bool' },
        { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        { name: 'coauthors', type: 'relation', collectionId: authors.id, maxSelect: 5 },
        { name: 'editor', type: 'relation', collectionId: editors.id, maxSelect: 1 },
        { name: 'safe', type: 'relation', collectionId: vault.id, maxSelect: 1 },
        { name: 'tags', type: 'select', maxSelect: 3, values: ['a', 'b', 'c'] },
        { name: 'kind', type: 'select', maxSelect: 1, values: ['news', 'blog'] },
        { name: 'meta', type: 'json' },
        { name: 'loc', type: 'geoPoint' },
        { name: 'pubdate', type: 'date' },
        { name: 'secret', type: 'text', hidden: true },
        { name: 'created', type: 'autodate', onCreate: true, onUpdate: false },
      ],
    });
    await c.create({
      name: 'comments', type: 'base', listRule: '',
      fields: [{ name: 'text', type: 'text' }, { name: 'post', type: 'relation', collectionId: posts.id, maxSelect: 1 }],
    });

    await add('o1', 'orgs', { name: 'Acme' });
    await add('o2', 'orgs', { name: 'Globex' });
    await add('a1', 'authors', { name: 'Alice', org: id.o1, secret: 'alice-secret', profile: { age: 40 } });
    await add('a2', 'authors', { name: 'Bob', org: id.o2, profile: { age: 20 } });
    await add('a3', 'authors', { name: 'Carol', profile: {} });
    await add('e1', 'editors', { name: 'Eve', visible: true });
    await add('e2', 'editors', { name: 'Eli', visible: false });
    await add('v1', 'vault', { name: 'gold' });
    await add('p1', 'posts', {
      title: 'Hello World', body: 'Lorem ipsum dolor', views: 10, published: true, author: id.a1, coauthors: [id.a1, id.a2],
      editor: id.e1, safe: id.v1, tags: ['a', 'b'], kind: 'news', meta: { a: { b: 1 }, list: ['x', 'y'], s: 'Str', code: 1 },
      loc: { lon: 13.4, lat: 52.52 }, pubdate: '2024-03-01 10:00:00.000Z', secret: 's1',
    });
    await add('p2', 'posts', {
      title: 'hello again', body: '100% sure_thing', views: 5, published: false, author: id.a2, coauthors: [id.a2],
      editor: id.e2, tags: ['a'], kind: 'blog', meta: { a: { b: 2 }, list: ['y'] },
      loc: { lon: 2.35, lat: 48.86 }, pubdate: '2023-12-31 23:59:59.000Z', secret: 's2',
    });
    await add('p3', 'posts', { title: 'Third', body: 'Lorem%' });
    await add('p4', 'posts', {
      title: 'Quote\'s "here"', body: 'back\\slash', views: -2.5, published: true, author: id.a3, coauthors: [id.a1],
      tags: ['b', 'c'], kind: 'news', meta: { a: { b: 3 }, list: [], code: '1' },
      loc: { lon: 13.5, lat: 52.5 }, pubdate: '2024-06-15 00:00:00.000Z',
    });
    await add('c1', 'comments', { text: 'Great post', post: id.p1 });
    await add('c2', 'comments', { text: 'meh', post: id.p1 });
    await add('c3', 'comments', { text: 'XYZ', post: id.p2 });
    userTok = await userToken(g);
  });
  afterAll(() => g.close());

  it('every comparison operator on a single value, and its ? variant', async () => {
    await check('posts', [
      ['views = 10', ['p1']],
      ['views != 10', ['p2', 'p3', 'p4']],
      ['views > 5', ['p1']],
      ['views >= 5', ['p1', 'p2']],
      ['views < 0', ['p4']],
      ['views <= 0', ['p3', 'p4']],
      ['title ~ "hello"', ['p1', 'p2']],
      ['title !~ "hello"', ['p3', 'p4']],
      ['views ?= 10', ['p1']],
      ['views ?!= 10', ['p2', 'p3', 'p4']],
      ['views ?> 5', ['p1']],
      ['views ?>= 5', ['p1', 'p2']],
      ['views ?< 0', ['p4']],
      ['views ?<= 0', ['p3', 'p4']],
      ['title ?~ "hello"', ['p1', 'p2']],
      ['title ?!~ "hello"', ['p3', 'p4']],
      // operands on either side, and field against field
      ['10 = views', ['p1']],
      ['5 < views', ['p1']],
      ['"Third" = title', ['p3']],
      ['title = body', []],
      ['title != body', ['p1', 'p2', 'p3', 'p4']],
      ['views >= views', ['p1', 'p2', 'p3', 'p4']],
    ]);
  });

  it('&& binds tighter than ||, parentheses regroup, empty groups are dropped', async () => {
    await check('posts', [
      ['views = 10 || views = 5 && published = true', ['p1']],
      ['views = 5 && published = true || views = 10', ['p1']],
      ['(views = 10 || views = 5) && published = false', ['p2']],
      ['views = 10 || (views = 5 && published = false)', ['p1', 'p2']],
      ['((views = 10)) || (((title = "Third")))', ['p1', 'p3']],
      ['published = true && (views > 0 || views < -1) && title ~ "o"', ['p1', 'p4']],
      ['() && views = 10', ['p1']],
      ['views = 10 || ()', ['p1']],
      ['views=10||views=5', ['p1', 'p2']],
    ]);
  });

  it('both quote styles, escaped quotes, kept backslashes, numbers, true/false/null, comments', async () => {
    await check('posts', [
      ["title = 'Third'", ['p3']],
      ['title = "Third"', ['p3']],
      ["title = 'Quote\\'s \"here\"'", ['p4']],
      ['title = "Quote\'s \\"here\\""', ['p4']],
      ['body = "back\\slash"', ['p4']],
      ["body = 'back\\slash'", ['p4']],
      ['title = "third"', []],
      ['views = -2.5', ['p4']],
      ['views = 10.0', ['p1']],
      ['views > -3 && views < -2', ['p4']],
      ['views = 0', ['p3']],
      ['published = true', ['p1', 'p4']],
      ['published = false', ['p2', 'p3']],
      ['published != false', ['p1', 'p4']],
      ['published = 1', ['p1', 'p4']],
      ['published = 0', ['p2', 'p3']],
      ['true = true', ['p1', 'p2', 'p3', 'p4']],
      ['true = false', []],
      ['null = ""', ['p1', 'p2', 'p3', 'p4']],
      ['null = null', ['p1', 'p2', 'p3', 'p4']],
      ['1 = 1', ['p1', 'p2', 'p3', 'p4']],
      ['1 = 2', []],
      ["'a' = \"a\"", ['p1', 'p2', 'p3', 'p4']],
      ['views = 10 // the rest of the line is a comment || views = 5', ['p1']],
      ['// leading comment\nviews = 10 // first\n|| views = 5 // second', ['p1', 'p2']],
      ['\tviews\n=\n10\r\n', ['p1']],
    ]);
  });

  it('refuses malformed expressions with a 400 and an empty data object', async () => {
    await rejects('posts', [
      'views', '"x"', 'views =', '= 10', 'views = 10 &&', 'views = 10 || || views = 5', '(views = 10', 'views = 10)',
      'views == 10', 'views = 1e3', 'views = .5', 'views = 5.', 'views = 10 views = 5', 'title = "unterminated',
      "title = 'unterminated\\'", 'title. = "x"', 'title: = "x"', 'nope = 1', 'title:upper = "x"', '@nope = 1',
      'unknownFn(title) = 1', 'title = #x', 'views & 1', 'views | 1', '   ', '()', '// only a comment',
      'author.nope = 1', 'title.x = 1', 'views:length = 1', 'title:each = "x"', 'nope_via_post.text = 1',
      'comments_via_text.text = 1', 'geoDistance(1, 2, 3) = 1', 'strftime() = ""', 'strftime(title) = ""',
    ]);
  });

  it('~ is a case-insensitive contains on both engines, with LIKE wildcards when % is given', async () => {
    await check('posts', [
      ['title ~ "HELLO"', ['p1', 'p2']],
      ['title ~ "wOrLd"', ['p1']],
      ['title !~ "WORLD"', ['p2', 'p3', 'p4']],
      ['title ~ "hello%"', ['p1', 'p2']], // starts with
      ['body ~ "Lorem%"', ['p1', 'p3']],
      ['body ~ "%DOLOR"', ['p1']], // ends with
      ['body ~ "100%"', ['p2']],
      ['title ~ "h_llo%"', ['p1', 'p2']], // with a %, _ is a single-character wildcard
      ['title ~ "o_W"', []], // without one, _ is literal
      ['body ~ "e_t"', ['p2']],
      ['body ~ "0%"', []], // verbatim pattern: "0%" = starts with 0
      ['body ~ "%"', ['p1', 'p2', 'p3', 'p4']],
      ['body ~ "m%"', []], // a pattern: starts with m
      ['body ~ "k\\s"', ['p4']], // a backslash is searched for literally
      ['body ~ ""', ['p1', 'p2', 'p3', 'p4']],
      ['title ~ \'"here"\'', ['p4']],
      ['title ~ "\'"', ['p4']],
      ['views ~ "2.5"', ['p4']],
      ['title ~ kind', ['p3']], // field on the right: contains its value (an empty kind is contained everywhere)
      ['"Lorem ipsum dolor sit" ~ body', ['p1', 'p3']],
      ['body ~ "ipsum" && body ~ "LOREM"', ['p1']],
    ]);
  });

  it('an escaped \\% or \\_ in a pattern matches that character literally', async () => {
    await check('posts', [
      ['body ~ "100\\%"', ['p2']], // no unescaped %: a contains search for "100%"
      ['body ~ "m\\%"', ['p3']],
      ['body ~ "%m\\%"', ['p3']], // a pattern ending in a literal %
      ['body ~ "e\\_t"', ['p2']],
    ]);
  });

  it('treats "", null and a missing value alike for = and != (3.6)', async () => {
    await check('posts', [
      ['author = ""', ['p3']],
      ['author = null', ['p3']],
      ['null = author', ['p3']],
      ['author != ""', ['p1', 'p2', 'p4']],
      ['author != null', ['p1', 'p2', 'p4']],
      ['kind = ""', ['p3']],
      ['kind = "news"', ['p1', 'p4']],
      ['pubdate = ""', ['p3']],
      ['pubdate != ""', ['p1', 'p2', 'p4']],
      ['body != ""', ['p1', 'p2', 'p3', 'p4']],
      ['views = null', []],
      ['meta = null', ['p3']],
      ['meta != null', ['p1', 'p2', 'p4']],
      ['author.name = ""', ['p3']],
      ['author.name != "Alice"', ['p2', 'p3', 'p4']],
      ['author.org = ""', ['p3', 'p4']],
      ['author.org.name = null', ['p3', 'p4']],
      ['author = editor', ['p3']], // two empty values are equal
    ]);
  });

  it('compares numbers and booleans with loosely typed literals (3.6, 11.1)', async () => {
    await check('posts', [
      ['views = "5"', ['p2']],
      ['views = "10"', ['p1']],
      ['views > "6"', ['p1']],
      ['views = "-2.5"', ['p4']],
      ['views = "five"', []],
      ['published = "1"', ['p1', 'p4']],
      ['published = "0"', ['p2', 'p3']],
      ['views > true', ['p1', 'p2']],
      ['published > 0', ['p1', 'p4']],
    ]);
  });

  it('compares dates as text in the stored UTC format, and macros as such texts (3.5, 3.6)', async () => {
    const now = new Date();
    const y = now.getUTCFullYear();
    const pad = (n: number) => String(n).padStart(2, '0');
    const ymd = `${y}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}`;
    await check('posts', [
      ['pubdate >= "2024-01-01 00:00:00"', ['p1', 'p4']],
      ['pubdate < "2024-01-01"', ['p2', 'p3']],
      ['pubdate > "2024-03-01 10:00:00.000Z"', ['p4']],
      ['pubdate = "2024-03-01 10:00:00.000Z"', ['p1']],
      ['pubdate >= "2024-01-01" && pubdate <= "2024-04-01"', ['p1']],
      ['created <= @now', ['p1', 'p2', 'p3', 'p4']],
      ['created > @now', []],
      ['created > @yesterday && created < @tomorrow', ['p1', 'p2', 'p3', 'p4']],
      ['created >= @todayStart && created <= @todayEnd', ['p1', 'p2', 'p3', 'p4']],
      ['created >= @monthStart && created <= @monthEnd', ['p1', 'p2', 'p3', 'p4']],
      ['created >= @yearStart && created <= @yearEnd', ['p1', 'p2', 'p3', 'p4']],
      ['created < @todayStart', []],
      ['pubdate < @yearStart && pubdate != ""', ['p1', 'p2', 'p4']],
      [`@todayStart = "${ymd} 00:00:00.000Z"`, ['p1', 'p2', 'p3', 'p4']],
      [`@todayEnd = "${ymd} 23:59:59.999Z"`, ['p1', 'p2', 'p3', 'p4']],
      [`@yearStart = "${y}-01-01 00:00:00.000Z"`, ['p1', 'p2', 'p3', 'p4']],
      [`@yearEnd = "${y}-12-31 23:59:59.999Z"`, ['p1', 'p2', 'p3', 'p4']],
      [`@monthStart = "${ymd.slice(0, 7)}-01 00:00:00.000Z"`, ['p1', 'p2', 'p3', 'p4']],
      [`@year = ${y}`, ['p1', 'p2', 'p3', 'p4']],
      [`@year = ${y - 1}`, []],
      [`@month = ${now.getUTCMonth() + 1} && @day = ${now.getUTCDate()}`, ['p1', 'p2', 'p3', 'p4']],
      [`@weekday = ${now.getUTCDay()}`, ['p1', 'p2', 'p3', 'p4']],
      ['@hour >= 0 && @hour < 24 && @minute < 60 && @second < 60', ['p1', 'p2', 'p3', 'p4']],
      ['@weekday > 6', []],
    ]);
  });

  it('follows single relations, nested up to several levels (3.3)', async () => {
    await check('posts', [
      ['author.name = "Alice"', ['p1']],
      ['author.name ~ "o"', ['p2', 'p4']],
      ['author.name ?= "Bob"', ['p2']],
      ['author.id = "{a2}"', ['p2']],
      ['author = "{a2}"', ['p2']],
      ['author.org.name = "Acme"', ['p1']],
      ['author.org.name ~ "e"', ['p1', 'p2']],
      ['author.org.id = "{o2}"', ['p2']],
      ['author.name = "Alice" || author.org.name = "Globex"', ['p1', 'p2']],
      ['author.profile.age > 30', ['p1']],
    ]);
    await check('comments', [
      ['post.title = "Hello World"', ['c1', 'c2']],
      ['post.author.name = "Bob"', ['c3']],
      ['post.author.org.name = "Globex"', ['c3']],
      ['post.author.org.name != "Globex"', ['c1', 'c2']],
      ['post.coauthors.name ?= "Bob"', ['c1', 'c2', 'c3']],
      ['post.coauthors.name = "Bob"', ['c3']],
    ]);
  });

  it('multiple relations: plain operators match all values, ? operators any (3.7)', async () => {
    await check('posts', [
      ['coauthors.name = "Bob"', ['p2']],
      ['coauthors.name ?= "Bob"', ['p1', 'p2']],
      ['coauthors.name != "Bob"', ['p3', 'p4']],
      ['coauthors.name ?!= "Bob"', ['p1', 'p3', 'p4']],
      ['coauthors.name > "Alice"', ['p2']],
      ['coauthors.name ?> "Alice"', ['p1', 'p2']],
      ['coauthors.name >= "Alice"', ['p1', 'p2', 'p4']],
      ['coauthors.name < "Bob"', ['p4']],
      ['coauthors.name ?< "Bob"', ['p1', 'p4']],
      ['coauthors.name <= "Bob"', ['p1', 'p2', 'p4']],
      ['coauthors.name ~ "o"', ['p2']],
      ['coauthors.name ?~ "LI"', ['p1', 'p4']],
      ['coauthors.name !~ "b" && coauthors:length > 0', ['p4']],
      ['coauthors.id ?= "{a2}"', ['p1', 'p2']],
      ['coauthors ~ "{a2}"', ['p1', 'p2']],
      ['coauthors.org.name ?= "Acme"', ['p1', 'p4']],
      ['coauthors.org.name = "Acme"', ['p4']],
      ['coauthors.name ?= author.name', ['p1', 'p2', 'p3']], // p3: both empty
      ['coauthors.name = author.name', ['p2', 'p3']],
      // one relation path is one joined row in the whole expression, as in PocketBase
      ['coauthors.name ?= "Bob" && coauthors.name ?= "Alice"', []],
      ['coauthors.name ?= "Bob" || coauthors.name ?= "Alice"', ['p1', 'p2', 'p4']],
      ['coauthors:length = 2', ['p1']],
      ['coauthors:length > 0', ['p1', 'p2', 'p4']],
      ['coauthors:length = 0', ['p3']],
      ['coauthors:each ?= "{a1}"', ['p1', 'p4']],
      ['coauthors:each = "{a1}"', ['p4']],
    ]);
  });

  it('unknown values in a match-all check do not count as failing (3.7)', async () => {
    // Carol has no age: only the rows for which the comparison is false rule a record out.
    await g.admin.collection('posts').update(id.p4!, { coauthors: [id.a1, id.a3] });
    try {
      await check('posts', [
        ['coauthors.profile.age > 30', ['p4']],
        ['coauthors.profile.age ?> 30', ['p1', 'p4']],
      ]);
    } finally {
      await g.admin.collection('posts').update(id.p4!, { coauthors: [id.a1] });
    }
  });

  it('multiple select fields: :each, :length and the stored list (3.4, 3.7)', async () => {
    await check('posts', [
      ['tags:each ?= "a"', ['p1', 'p2']],
      ['tags:each = "a"', ['p2']],
      ['tags:each != "a"', ['p3', 'p4']],
      ['tags:each ?!= "a"', ['p1', 'p3', 'p4']],
      ['tags:each ~ "c"', []],
      ['tags:each ?~ "C"', ['p4']],
      ['tags:each ?= "b" && tags:each ?= "c"', []], // the same joined row
      ['tags:each ?= "c" && tags:length = 2', ['p4']],
      ['tags:length = 2', ['p1', 'p4']],
      ['tags:length < 2', ['p2', 'p3']],
      ['tags:length >= 1 && tags:each ?= "b"', ['p1', 'p4']],
      ['tags ~ "b"', ['p1', 'p4']],
      ['tags !~ "a"', ['p3', 'p4']],
      ['kind:lower = "news"', ['p1', 'p4']],
    ]);
  });

  it('back-relations: <collection>_via_<field> (3.3)', async () => {
    await check('posts', [
      ['comments_via_post.text ?~ "great"', ['p1']],
      ['comments_via_post.text ?= "XYZ"', ['p2']],
      ['comments_via_post.text = "XYZ"', ['p2']],
      ['comments_via_post.text ~ "e"', ['p1']],
      ['comments_via_post.text ?= "meh" && comments_via_post.text ?= "Great post"', []], // the same joined row
      ['comments_via_post.text ?= "meh" || comments_via_post.text ?= "XYZ"', ['p1', 'p2']],
      ['comments_via_post.id != ""', ['p1', 'p2']],
      ['comments_via_post.id = ""', ['p3', 'p4']],
      ['comments_via_post.post.author.name ?= "Alice"', ['p1']],
    ]);
    await check('authors', [
      ['posts_via_author.title ?~ "hello"', ['a1', 'a2']],
      ['posts_via_coauthors.title ?= "Hello World"', ['a1', 'a2']],
      ['posts_via_coauthors.title ~ "hello"', ['a2']],
      ['posts_via_author.comments_via_post.text ?= "XYZ"', ['a2']],
    ]);
  });

  it(':lower on fields and relation paths', async () => {
    await check('posts', [
      ['title:lower = "hello world"', ['p1']],
      ['title:lower = "Hello World"', []],
      ['author.name:lower = "bob"', ['p2']],
      ['coauthors.name:lower ?= "alice"', ['p1', 'p4']],
      ['meta.s:lower = "str"', ['p1']],
      ['title:lower ~ "HELLO"', ['p1', 'p2']],
    ]);
  });

  it('JSON paths, array indexes, and values compared without the ""/null equivalence (3.3)', async () => {
    await check('posts', [
      ['meta.a.b = 1', ['p1']],
      ['meta.a.b = 2', ['p2']],
      ['meta.a.b > 1', ['p2', 'p4']],
      ['meta.a.b >= 1 && meta.a.b <= 2', ['p1', 'p2']],
      ['meta.a.b != 1', ['p2', 'p3', 'p4']],
      ['meta.code = 1', ['p1']],
      ['meta.code = "1"', ['p4']],
      ['meta.list.0 = "x"', ['p1']],
      ['meta.list.0 = "y"', ['p2']],
      ['meta.list.1 = "y"', ['p1']],
      ['meta.list.0 = null', ['p3', 'p4']],
      ['meta.s = "Str"', ['p1']],
      ['meta.s ~ "sTR"', ['p1']],
      ['meta.missing = null', ['p1', 'p2', 'p3', 'p4']],
      ['meta.missing != null', []],
      ['author.profile.age = 20', ['p2']],
      ['loc.lat > 50', ['p1', 'p4']],
      ['loc.lon = 2.35', ['p2']],
    ]);
  });

  it('geoDistance() in km and strftime() (3.5)', async () => {
    await check('posts', [
      ['geoDistance(loc.lon, loc.lat, 13.4, 52.52) < 25', ['p1', 'p4']],
      ['geoDistance(loc.lon, loc.lat, 13.4, 52.52) < 1', ['p1']],
      ['geoDistance(loc.lon, loc.lat, 2.35, 48.86) < 1', ['p2']],
      ['geoDistance(loc.lon, loc.lat, 2.35, 48.86) > 870 && geoDistance(loc.lon, loc.lat, 2.35, 48.86) < 890', ['p1', 'p4']],
      ['geoDistance(0, 0, 0, 1) > 111 && geoDistance(0, 0, 0, 1) < 111.4', ['p1', 'p2', 'p3', 'p4']],
      ["strftime('%Y', pubdate) = \"2024\"", ['p1', 'p4']],
      ["strftime('%Y-%m', pubdate) = '2023-12'", ['p2']],
      ["strftime('%d', pubdate) = '15'", ['p4']],
      ["strftime('%H:%M', pubdate) = '10:00'", ['p1']],
      ["strftime('%Y', pubdate) = ''", ['p3']],
      ["strftime('%Y', created) = '" + new Date().getUTCFullYear() + "'", ['p1', 'p2', 'p3', 'p4']],
      ["strftime('%Y', '2020-05-06 00:00:00.000Z') = '2020'", ['p1', 'p2', 'p3', 'p4']],
    ]);
  });

  it('lets superusers use @request.* and @collection.* in client filters', async () => {
    await check('posts', [
      ['@request.auth.collectionName = "_superusers" && views > 5', ['p1']],
      ['@request.auth.id != ""', ['p1', 'p2', 'p3', 'p4']],
      ['@request.method = "GET" && views = 5', ['p2']],
      ['@collection.comments.post ?= id && @collection.comments.text ?= "XYZ"', ['p2']],
      ['@collection.comments.post ?= id', ['p1', 'p2']],
      ['@collection.orgs.name ?= "Acme" && views = 0', ['p3']],
    ]);
  });

  describe('client filter restrictions for non-superusers (2.1, 3.8)', () => {
    it('403 for @request. / @collection. anywhere in filter or sort', async () => {
      for (const token of [undefined, userTok]) {
        for (const [param, value, marker] of [
          ['filter', '@request.auth.id != ""', '@request.'], ['filter', 'title = "@collection.x"', '@collection.'],
          ['sort', '@request.method', '@request.'], ['sort', '-@collection.posts.title', '@collection.'],
        ]) {
          const res = await g.fetch(`/api/collections/posts/records?${param}=${encodeURIComponent(value!)}`, { token });
          expect(await expectErrorBody(res, 403)).toEqual({ status: 403, message: `Only superusers can filter by ${marker}`, data: {} });
        }
      }
    });

    it('400 for hidden fields in filter and sort, directly or through a relation', async () => {
      for (const token of [undefined, userTok]) {
        await rejects('posts', ['secret = "s1"', 'secret != ""', 'author.secret = "alice-secret"', 'title = "x" || secret:lower = "s1"'], 400, token);
        for (const sort of ['secret', '-author.secret']) {
          await expectErrorBody(await g.fetch(`/api/collections/posts/records?sort=${sort}`, { token }), 400);
        }
      }
      await rejects('users', ['password = "x"', 'tokenKey != ""'], 400, userTok);
      // superusers may
      expect(await matching('posts', 'secret = "s1" || author.secret = "alice-secret"', admin())).toEqual(['p1']);
      expect(await matching('posts', 'views >= 0', admin(), '-secret')).toEqual(['p2', 'p1', 'p3']);
    });

    it('400 when a path enters a collection whose listRule is null; superusers pass', async () => {
      for (const token of [undefined, userTok]) {
        await rejects('posts', ['safe.name = "gold"', 'safe.id != ""', 'title = "x" || safe.name ~ "o"'], 400, token);
        await expectErrorBody(await g.fetch('/api/collections/posts/records?sort=safe.name', { token }), 400);
      }
      // a plain comparison of the relation value does not enter the collection
      expect(await matching('posts', 'safe != ""')).toEqual(['p1']);
      expect(await matching('posts', 'safe.name = "gold"', admin())).toEqual(['p1']);
      expect(await matching('posts', 'safe.name = "gold"', admin(), '-safe.name')).toEqual(['p1']);
    });

    it('a related non-empty listRule restricts the joined rows', async () => {
      // editors: listRule "visible = true || @request.auth.id != ''" — Eli (p2) is hidden from guests only
      const cases: Case[] = [['editor.name ~ "E"', ['p1', 'p2']], ['editor.name = "Eli"', ['p2']], ['editor.visible = false', ['p2']]];
      const guest: Case[] = [['editor.name ~ "E"', ['p1']], ['editor.name = "Eli"', []], ['editor.visible = false', []]];
      await check('posts', guest);
      await check('posts', cases, userTok);
      await check('posts', cases, admin());
      // sorting through the relation sees the same restriction
      expect(await matching('posts', 'editor != ""', undefined, '-editor.name')).toEqual(['p1', 'p2']);
      expect(await matching('posts', 'editor != ""', userTok, '-editor.name')).toEqual(['p1', 'p2']);
      expect(await matching('posts', 'editor != ""', userTok, 'editor.name')).toEqual(['p2', 'p1']);
    });
  });

  it('sorts by relation paths, empty values first ascending and last descending', async () => {
    expect(await matching('posts', 'id != ""', undefined, 'author.name')).toEqual(['p3', 'p1', 'p2', 'p4']);
    expect(await matching('posts', 'id != ""', undefined, '-author.name')).toEqual(['p4', 'p2', 'p1', 'p3']);
    expect(await matching('posts', 'id != ""', undefined, 'author.org.name,-views')).toEqual(['p3', 'p4', 'p1', 'p2']);
    expect(await matching('posts', 'id != ""', undefined, '-author.org.name,views')).toEqual(['p2', 'p1', 'p4', 'p3']);
    expect(await matching('comments', 'id != ""', undefined, '-post.author.name,text')).toEqual(['c3', 'c1', 'c2']);
    expect(await matching('posts', 'id != ""', undefined, '+author.name:lower')).toEqual(['p3', 'p1', 'p2', 'p4']);
    // without a filter too, and the totals match the items
    const res = await g.fetch('/api/collections/posts/records?sort=-author.name&perPage=2&page=2');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect([body.items.map((i: { id: string }) => key[i.id]), body.totalItems, body.totalPages]).toEqual([['p1', 'p3'], 4, 2]);
    for (const sort of ['author.nope', 'author.', 'title.x', 'author:length', 'nope_via_post.text']) {
      await expectErrorBody(await g.fetch(`/api/collections/posts/records?sort=${encodeURIComponent(sort)}`), 400);
    }
  });

  it('limits: 3500 characters and 200 comparisons per filter', async () => {
    const long = `title = "${'x'.repeat(3500 - 10)}"`;
    expect(long.length).toBe(3500);
    expect(await matching('posts', long)).toEqual([]);
    await rejects('posts', [long + ' ']);
    const cmp = (n: number) => Array.from({ length: n }, (_, i) => `views = ${i + 100}`).join(' || ');
    expect(await matching('posts', cmp(200))).toEqual([]);
    expect(await matching('posts', `${cmp(199)} || views = 10`)).toEqual(['p1']);
    await rejects('posts', [cmp(201), `(${cmp(150)}) && (${cmp(51)})`]);
  });
});
