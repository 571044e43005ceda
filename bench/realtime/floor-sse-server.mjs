// The floor for the realtime benchmark: a bare node:http server that holds SSE
// connections and writes one message to every one of them when asked. No rules, no
// database, no serialisation per client: what delivering to N sockets costs in Node.
//
//   node bench/realtime/floor-sse-server.mjs --port=PORT
import http from 'node:http';

const port = Number(process.argv.find((a) => a.startsWith('--port='))?.slice(7) ?? 8091);
const clients = new Map();
let next = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/realtime') {
    const id = String(next++).padStart(40, '0');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(`id:${id}\nevent:PB_CONNECT\ndata:{"clientId":"${id}"}\n\n`);
    clients.set(id, res);
    res.on('close', () => clients.delete(id));
    return;
  }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (req.url === '/api/realtime') { res.writeHead(204).end(); return; }
    if (req.url === '/api/health') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":200}'); return; }
    if (req.url === '/api/collections/notes/records') {
      const record = { ...JSON.parse(body || '{}'), id: String(Date.now()), collectionName: 'notes' };
      const data = JSON.stringify({ action: 'create', record });
      for (const [id, client] of clients) client.write(`id:${id}\nevent:notes/*\ndata:${data}\n\n`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
      return;
    }
    res.writeHead(404).end();
  });
});
server.listen(port, '127.0.0.1', () => console.log(`floor SSE server on ${port}`));
process.on('SIGTERM', () => { for (const c of clients.values()) c.end(); server.close(() => process.exit(0)); });
