// Galley embedded with createApp(), with or without one empty before-create hook on
// `posts` (a handler that only calls e.next()): what the hook machinery itself costs.
//
//   node bench/hooks/hook-server.mjs --port=PORT --dir=DIR [--hook]
import { createApp } from '../../dist/index.js';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const app = createApp({ dir: arg('dir'), http: `127.0.0.1:${arg('port')}` });
if (process.argv.includes('--hook')) app.onRecordCreate('posts', (e) => e.next());
await app.start();
console.log(`ready ${app.url}`);
process.on('SIGTERM', () => { void app.stop().then(() => process.exit(0)); });
