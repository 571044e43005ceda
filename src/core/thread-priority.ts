/**
 * Background threads that should only use CPU nobody else wants: on Linux a thread has
 * its own id and nice value, so `nice 19` for the calling thread alone leaves the
 * thread that serves requests at full priority. Elsewhere (or when not allowed) the
 * thread keeps the process's priority.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function lowestPriorityForThisThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (tid > 0) setPriority(tid, 19);
  } catch {
    // not Linux, or not allowed
  }
}
