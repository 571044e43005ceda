// The floor for the file benchmark: a bare node:http server streaming one file from
// disk with a Content-Type and Content-Length, nothing else.
//
//   node bench/files/floor-static-server.mjs --port=PORT --file=PATH --type=image/jpeg
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const port = Number(arg('port'));
const file = arg('file');
const type = arg('type') ?? 'application/octet-stream';
const size = statSync(file).size;

http.createServer((req, res) => {
  if (req.url === '/api/health') { res.writeHead(200).end('{}'); return; }
  res.writeHead(200, { 'content-type': type, 'content-length': size });
  createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1');
