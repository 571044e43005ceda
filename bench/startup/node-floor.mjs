// The start-up floor: a bare node:http server answering /api/health, started with the
// same arguments as `galley serve` (only --http is read). What Node itself costs on
// this machine to get to a healthy answer, to read Galley's figures against.
import http from 'node:http';

const at = process.argv.indexOf('--http');
const address = process.argv[at + 1];
const host = address.slice(0, address.lastIndexOf(':'));
const port = Number(address.slice(address.lastIndexOf(':') + 1));
http.createServer((req, res) => {
  res.writeHead(req.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"message":"API is healthy.","code":200,"data":{}}');
}).listen(port, host);
