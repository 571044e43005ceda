// CPU time of a benchmark's PostgreSQL server (bench/lib/postgres.mjs): the postmaster and
// its backends, read from /proc, in microseconds. What the rate-limit leases cost on the
// database side, which the Galley process's own CPU time does not show.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function pgCpuMicros(pg) {
  if (!pg) return 0;
  const postmaster = readFileSync(join(pg.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (pid === postmaster || fields[1] === postmaster) total += (Number(fields[11]) + Number(fields[12])) * (1e6 / 100);
    } catch { /* exited meanwhile */ }
  }
  return total;
}
