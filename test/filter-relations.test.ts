/**
 * Relation paths in filters and sorts through HTTP, on both engines (API spec 2.1, 2.2,
 * 3.3, 3.4, 3.7-3.9): single and nested relations, multiple relations with match-all and
 * `?` operators, back-relations, `:each`/`:length`/`:lower`, client-filter restrictions
 * for non-superusers, relation sorts and limits (data: test/support/filter-fixture.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/galley.js';
import { expectErrorBody } from './support/errors.js';
import { startFilterFixture, type Case, type FilterFixture } from './support/filter-fixture.js';

describe.each(ENGINES)('relation paths in filters on %s', (engine) => {
  let f: FilterFixture;
  beforeAll(async () => { f = await startFilterFixture(engine); });
  afterAll(() => f.g.close());

  it('follows single relations, nested up to several levels (3.3)', async () => {
    await f.check('posts', [
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
    await f.check('comments', [
      ['post.title = "Hello World"', ['c1', 'c2']],
      ['post.author.name = "Bob"', ['c3']],
      ['post.author.org.name = "Globex"', ['c3']],
      ['post.author.org.name != "Globex"', ['c1', 'c2']],
      ['post.coauthors.name ?= "Bob"', ['c1', 'c2', 'c3']],
      ['post.coauthors.name = "Bob"', ['c3']],
    ]);
  });

  it('multiple relations: plain operators match all values, ? operators any (3.7)', async () => {
    await f.check('posts', [
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
    await f.g.admin.collection('posts').update(f.id.p4!, { coauthors: [f.id.a1, f.id.a3] });
    try {
      await f.check('posts', [
        ['coauthors.profile.age > 30', ['p4']],
        ['coauthors.profile.age ?> 30', ['p1', 'p4']],
      ]);
    } finally {
      await f.g.admin.collection('posts').update(f.id.p4!, { coauthors: [f.id.a1] });
    }
  });

  it('multiple select fields: :each, :length and the stored list (3.4, 3.7)', async () => {
    await f.check('posts', [
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
      // a multiple field compared whole is its stored JSON text, alike on both engines
      ['tags = \'["a","b"]\'', ['p1']],
      ['tags = "[]"', ['p3']],
      ['tags ~ \'"b","c"\'', ['p4']],
      ['tags:lower = \'["b","c"]\'', ['p4']],
      ['coauthors = \'["{a1}"]\'', ['p4']],
    ]);
  });

  it('back-relations: <collection>_via_<field> (3.3)', async () => {
    await f.check('posts', [
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
    await f.check('authors', [
      ['posts_via_author.title ?~ "hello"', ['a1', 'a2']],
      ['posts_via_coauthors.title ?= "Hello World"', ['a1', 'a2']],
      ['posts_via_coauthors.title ~ "hello"', ['a2']],
      ['posts_via_author.comments_via_post.text ?= "XYZ"', ['a2']],
    ]);
  });

  it(':lower on fields and relation paths', async () => {
    await f.check('posts', [
      ['title:lower = "hello world"', ['p1']],
      ['title:lower = "Hello World"', []],
      ['author.name:lower = "bob"', ['p2']],
      ['coauthors.name:lower ?= "alice"', ['p1', 'p4']],
      ['meta.s:lower = "str"', ['p1']],
      ['title:lower ~ "HELLO"', ['p1', 'p2']],
    ]);
  });

  describe('client filter restrictions for non-superusers (2.1, 3.8)', () => {
    it('403 for @request. / @collection. anywhere in filter or sort', async () => {
      for (const token of [undefined, f.userTok]) {
        for (const [param, value, marker] of [
          ['filter', '@request.auth.id != ""', '@request.'], ['filter', 'title = "@collection.x"', '@collection.'],
          ['sort', '@request.method', '@request.'], ['sort', '-@collection.posts.title', '@collection.'],
        ]) {
          const res = await f.g.fetch(`/api/collections/posts/records?${param}=${encodeURIComponent(value!)}`, { token });
          expect(await expectErrorBody(res, 403)).toEqual({ status: 403, message: `Only superusers can filter by ${marker}`, data: {} });
        }
      }
    });

    it('400 for hidden fields in filter and sort, directly or through a relation', async () => {
      for (const token of [undefined, f.userTok]) {
        await f.rejects('posts', ['secret = "s1"', 'secret != ""', 'author.secret = "alice-secret"', 'title = "x" || secret:lower = "s1"'], 400, token);
        for (const sort of ['secret', '-author.secret']) {
          await expectErrorBody(await f.g.fetch(`/api/collections/posts/records?sort=${sort}`, { token }), 400);
        }
      }
      await f.rejects('users', ['password = "x"', 'tokenKey != ""'], 400, f.userTok);
      // superusers may
      expect(await f.matching('posts', 'secret = "s1" || author.secret = "alice-secret"', f.admin())).toEqual(['p1']);
      expect(await f.matching('posts', 'views >= 0', f.admin(), '-secret')).toEqual(['p2', 'p1', 'p3']);
    });

    it('400 when a path enters a collection whose listRule is null; superusers pass', async () => {
      for (const token of [undefined, f.userTok]) {
        await f.rejects('posts', ['safe.name = "gold"', 'safe.id != ""', 'title = "x" || safe.name ~ "o"'], 400, token);
        await expectErrorBody(await f.g.fetch('/api/collections/posts/records?sort=safe.name', { token }), 400);
      }
      // a plain comparison of the relation value does not enter the collection
      expect(await f.matching('posts', 'safe != ""')).toEqual(['p1']);
      expect(await f.matching('posts', 'safe.name = "gold"', f.admin())).toEqual(['p1']);
      expect(await f.matching('posts', 'safe.name = "gold"', f.admin(), '-safe.name')).toEqual(['p1']);
    });

    it('a related non-empty listRule restricts the joined rows', async () => {
      // editors: listRule "visible = true || @request.auth.id != ''" — Eli (p2) is hidden from guests only
      const cases: Case[] = [['editor.name ~ "E"', ['p1', 'p2']], ['editor.name = "Eli"', ['p2']], ['editor.visible = false', ['p2']]];
      const guest: Case[] = [['editor.name ~ "E"', ['p1']], ['editor.name = "Eli"', []], ['editor.visible = false', []]];
      await f.check('posts', guest);
      // the restriction's parameters sit in the join, before those of the comparisons around it
      await f.check('posts', [['title ~ "o" && editor.name ~ "E" && views >= 0', ['p1']], ['views > 0 && editor.visible = true', ['p1']]]);
      await f.check('posts', cases, f.userTok);
      await f.check('posts', cases, f.admin());
      // sorting through the relation sees the same restriction
      expect(await f.matching('posts', 'editor != ""', undefined, '-editor.name')).toEqual(['p1', 'p2']);
      expect(await f.matching('posts', 'editor != ""', f.userTok, '-editor.name')).toEqual(['p1', 'p2']);
      expect(await f.matching('posts', 'editor != ""', f.userTok, 'editor.name')).toEqual(['p2', 'p1']);
    });
  });

  it('sorts by relation paths, empty values first ascending and last descending', async () => {
    expect(await f.matching('posts', 'id != ""', undefined, 'author.name')).toEqual(['p3', 'p1', 'p2', 'p4']);
    expect(await f.matching('posts', 'id != ""', undefined, '-author.name')).toEqual(['p4', 'p2', 'p1', 'p3']);
    expect(await f.matching('posts', 'id != ""', undefined, 'author.org.name,-views')).toEqual(['p3', 'p4', 'p1', 'p2']);
    expect(await f.matching('posts', 'id != ""', undefined, '-author.org.name,views')).toEqual(['p2', 'p1', 'p4', 'p3']);
    expect(await f.matching('comments', 'id != ""', undefined, '-post.author.name,text')).toEqual(['c3', 'c1', 'c2']);
    expect(await f.matching('posts', 'id != ""', undefined, '+author.name:lower')).toEqual(['p3', 'p1', 'p2', 'p4']);
    // without a filter too, and the totals match the items
    const res = await f.g.fetch('/api/collections/posts/records?sort=-author.name&perPage=2&page=2');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect([body.items.map((i: { id: string }) => f.key[i.id]), body.totalItems, body.totalPages]).toEqual([['p1', 'p3'], 4, 2]);
    for (const sort of ['author.nope', 'author.', 'title.x', 'author:length', 'nope_via_post.text']) {
      await expectErrorBody(await f.g.fetch(`/api/collections/posts/records?sort=${encodeURIComponent(sort)}`), 400);
    }
  });

  it('limits: 3500 characters and 200 comparisons per filter', async () => {
    const long = `title = "${'x'.repeat(3500 - 10)}"`;
    expect(long.length).toBe(3500);
    expect(await f.matching('posts', long)).toEqual([]);
    await f.rejects('posts', [long + ' ']);
    const cmp = (n: number) => Array.from({ length: n }, (_, i) => `views = ${i + 100}`).join(' || ');
    expect(await f.matching('posts', cmp(200))).toEqual([]);
    expect(await f.matching('posts', `${cmp(199)} || views = 10`)).toEqual(['p1']);
    await f.rejects('posts', [cmp(201), `(${cmp(150)}) && (${cmp(51)})`]);
  });
});
