/**
 * The files test/typegen.test.ts type-checks against generated types: a client of the
 * pocketbase SDK and a hook file. Lines marked `// ERROR` must be reported, no others.
 */

export const CLIENT_TS = `import PocketBase from 'pocketbase';
import { Collections, type TypedPocketBase, type PostsResponse, type UsersResponse, type CollectionResponses, type ResponseOf } from './galley-types.js';

export async function main(url: string, id: string): Promise<void> {
  const pb = new PocketBase(url) as TypedPocketBase;
  const post = await pb.collection('posts').getOne(id);
  post.title.toUpperCase();
  const views: number = post.views;
  const published: boolean = post.published;
  const status: 'draft' | 'published' = post.status;
  const mood: 'happy' | 'sad' | '' = post.mood;
  const labels: ('a' | 'b' | 'c')[] = post.labels;
  const cover: string = post.cover;
  const files: string[] = post.attachments;
  const author: string = post.author;
  const tags: string[] = post.tags;
  const where: { lon: number; lat: number } = post.location;
  const when: string = post.publishedAt + post.created;
  const name: 'posts' = post.collectionName;
  const secret: string | undefined = post.secret;
  console.log(views, published, status, mood, labels, cover, files, author, tags, where, when, name, secret);
  const page = await pb.collection(Collections.Posts).getList(1, 20, { filter: 'published = true' });
  page.items[0]?.title.toUpperCase();
  const all: CollectionResponses['posts'][] = await pb.collection('posts').getFullList();
  console.log(all.length);
  const expanded = await pb.collection('posts').getOne<PostsResponse<{ author: UsersResponse }, { tags: string[] }>>(id, { expand: 'author' });
  expanded.expand?.author.name.toUpperCase();
  console.log(expanded.meta.tags.length);
  const viaHelper: ResponseOf<'posts', { author: UsersResponse }> = expanded;
  console.log(viaHelper.expand?.author.verified);
  const member = await pb.collection('members').getOne(id);
  member.nickname.toUpperCase();
  console.log(member.email?.toLowerCase(), member.emailVisibility === true, member.verified === true);
  const stats = await pb.collection('2024_stats').getOne(id);
  console.log(stats['2fa'] === true, stats.class + 1);
  const view = await pb.collection('posts_view').getOne(id);
  console.log(view.title.length, view.views + 1);
  const paper = await pb.collection('papers').getOne(id);
  if (paper.docExtraction?.status === 'failed') console.log(paper.docExtraction.error?.length, paper.docExtraction.updated.length);
  const untyped = await pb.collection('not_generated').getOne(id);
  console.log(untyped.anything);

  post.views.toUpperCase(); // ERROR
  page.items[0]?.views.toUpperCase(); // ERROR
  stats.class.toUpperCase(); // ERROR
  view.views.toUpperCase(); // ERROR
  if (post.status === 'archived') return; // ERROR
  post.tags.toUpperCase(); // ERROR
  console.log(post.meta.foo); // ERROR
  const point: string = post.location; // ERROR
  console.log(post.notAField); // ERROR
  console.log(member.password); // ERROR
  console.log(member.tokenKey); // ERROR
  const email: string = member.email; // ERROR
  console.log(point, email, post.secret.length); // ERROR
  if (paper.docExtraction?.status === 'stuck') return; // ERROR
  console.log(paper.docExtraction.status); // ERROR
  const tag = await pb.collection('tags').getOne(id);
  const wrong: PostsResponse = tag; // ERROR
  console.log(wrong);
}
`;

/** A hook file; galleyIndex is the import path of Galley's src/index.js from the temp directory. */
export const hookTs = (galleyIndex: string) => `import type { GalleyApp } from '${galleyIndex}';
import type { RecordOf } from './galley-types.js';

export default (app: GalleyApp) => {
  app.onRecordCreate('posts', async (e) => {
    const post = e.record as RecordOf<'posts'>;
    e.record.slug = post.title.toLowerCase();
    console.log(post.views.toFixed(1), post.labels.includes('a'), post.location.lat);
    console.log(post.views.toUpperCase()); // ERROR
    console.log(post.collectionName); // ERROR
    const found = (await e.app.records.find('posts', 'x')) as RecordOf<'posts'> | null;
    console.log(found?.title.toUpperCase(), found?.views.toUpperCase()); // ERROR
    await e.next();
  });
};
`;
