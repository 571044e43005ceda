// Sends a JSON body of SIZE bytes COUNT times to URL with fetch, from its own process (so
// the server's event loop and the client's are not one), and prints each outcome:
// "<status> <body>" or "failed: <error code>".
const [url, size, count] = process.argv.slice(2);
const body = JSON.stringify({ title: 'x'.repeat(Number(size)) });
const outcomes = [];
for (let i = 0; i < Number(count); i++) {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    outcomes.push(`${res.status} ${await res.text()}`);
  } catch (err) {
    outcomes.push(`failed: ${err.cause?.code ?? err.message}`);
  }
}
process.stdout.write(JSON.stringify(outcomes));
