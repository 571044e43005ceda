/**
 * A pass that runs every `everyMs` and at once when kicked, never two at a time: a
 * kick during a pass runs one more pass right after it (kicks in between coalesce).
 * The outbox of webhook deliveries and the job queue both poll their table this way.
 */
export class Poller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly pass: () => Promise<void>) {}

  /** Between start() and stop(): a pass checks it to end early when stopped. */
  get started(): boolean {
    return this.timer !== undefined;
  }

  /** The pass in progress, if any. */
  get current(): Promise<void> | undefined {
    return this.running;
  }

  start(everyMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), everyMs);
    this.timer.unref(); // a pending poll alone must not keep the process alive
    this.kick();
  }

  /** A pass now, or right after the current one. */
  kick(): void {
    if (!this.timer) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** No more passes; resolves when the one in progress has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
