/**
 * The filter language through HTTP list requests, on both engines (API spec 2.2, 3.1-3.6,
 * 3.9, 11.1): operators, precedence, literals, LIKE, NULL/empty semantics, loosely typed
 * literals, dates and macros, JSON paths, functions. Each case names the records it must
 * return, in insertion order (data: test/support/filter-fixture.ts).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ENGINES } from './support/galley.js';
import { startFilterFixture, type FilterFixture } from './support/filter-fixture.js';

describe.each(ENGINES)('filter language on %s', (engine) => {
  let f: FilterFixture;
  beforeAll(async () => { f = await startFilterFixture(engine); });
  afterAll(() => f.g.close());

  it('every comparison operator on a single value, and its ? variant', async () => {
    await f.check('posts', [
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
    await f.check('posts', [
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
    await f.check('posts', [
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
    await f.rejects('posts', [
      'views', '"x"', 'views =', '= 10', 'views = 10 &&', 'views = 10 || || views = 5', '(views = 10', 'views = 10)',
      'views == 10', 'views = 1e3', 'views = .5', 'views = 5.', 'views = 10 views = 5', 'title = "unterminated',
      "title = 'unterminated\\'", 'title. = "x"', 'title: = "x"', 'nope = 1', 'title:upper = "x"', '@nope = 1',
      'unknownFn(title) = 1', 'title = #x', 'views & 1', 'views | 1', '()', '// only a comment',
      'author.nope = 1', 'title.x = 1', 'views:length = 1', 'title:each = "x"', 'nope_via_post.text = 1',
      'comments_via_text.text = 1', 'geoDistance(1, 2, 3) = 1', 'strftime() = ""', 'strftime(title) = ""',
    ]);
  });

  it('~ is a case-insensitive contains on both engines, with LIKE wildcards when % is given', async () => {
    await f.check('posts', [
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
    await f.check('posts', [
      ['body ~ "100\\%"', ['p2']], // no unescaped %: a contains search for "100%"
      ['body ~ "m\\%"', ['p3']],
      ['body ~ "%m\\%"', ['p3']], // a pattern ending in a literal %
      ['body ~ "e\\_t"', ['p2']],
    ]);
  });

  it('treats "", null and a missing value alike for = and != (3.6)', async () => {
    await f.check('posts', [
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
    await f.check('posts', [
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
    await f.check('posts', [
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

  it('JSON paths, array indexes, and values compared without the ""/null equivalence (3.3)', async () => {
    await f.check('posts', [
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
      ['meta.list = \'["x","y"]\'', ['p1']],
      ['meta.a = \'{"b":2}\'', ['p2']],
      ['meta.list != "[]"', ['p1', 'p2', 'p3']],
      // a literal before a path that carries its own parameter, and a path used twice in the SQL
      ['1 = meta.a.b', ['p1']],
      ['"Str" = meta.s', ['p1']],
      ['meta.s:lower = ""', ['p2', 'p3', 'p4']],
      ['meta.s:lower != ""', ['p1']],
      ['"" = meta.list.1:lower', ['p2', 'p3', 'p4']],
    ]);
  });

  it('geoDistance() in km and strftime() (3.5)', async () => {
    await f.check('posts', [
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
      // every SQLite format code the PostgreSQL mapping knows, with SQLite's results
      ["strftime('%w', pubdate) = '5'", ['p1']],
      ["strftime('%w', pubdate) = '0'", ['p2']],
      ["strftime('%j', pubdate) = '061' || strftime('%j', pubdate) = '167'", ['p1', 'p4']],
      ["strftime('%j', pubdate) = '365'", ['p2']],
      ["strftime('%W', pubdate) = '09'", ['p1']],
      ["strftime('%W', pubdate) = '52'", ['p2']],
      ["strftime('%W', '2023-01-01 12:00:00.000Z') = '00' && strftime('%W', '2023-01-02 12:00:00.000Z') = '01'", ['p1', 'p2', 'p3', 'p4']],
      ["strftime('%s', pubdate) = '1709287200'", ['p1']],
      ["strftime('%S.%f', pubdate) = '59.59.000'", ['p2']],
      ["strftime('%d/%m/%Y %H:%M:%S %%', pubdate) = '15/06/2024 00:00:00 %'", ['p4']],
    ]);
  });

  it('lets superusers use @request.* and @collection.* in client filters', async () => {
    await f.check('posts', [
      ['@request.auth.collectionName = "_superusers" && views > 5', ['p1']],
      ['@request.auth.id != ""', ['p1', 'p2', 'p3', 'p4']],
      ['@request.method = "GET" && views = 5', ['p2']],
      ['@collection.comments.post ?= id && @collection.comments.text ?= "XYZ"', ['p2']],
      ['@collection.comments.post ?= id', ['p1', 'p2']],
      ['@collection.orgs.name ?= "Acme" && views = 0', ['p3']],
    ], f.admin());
  });

});
