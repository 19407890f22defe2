import { inject } from 'vitest';
import type { MetaResponse, PullResponse } from '../../sdk/contract/index.js';

/** The Worker under test, seen from outside with the user's own token. */
export class ServerClient {
  readonly baseUrl = inject('baseUrl');
  private token: string | undefined;

  constructor(
    readonly user: string,
    readonly app = 'tenure',
  ) {}

  async authHeader(): Promise<Record<string, string>> {
    if (!this.token) {
      const res = await fetch(
        `${this.baseUrl}/__dev/token?sub=${encodeURIComponent(this.user)}&subscriptions=taco_club`,
      );
      this.token = ((await res.json()) as { token: string }).token;
    }
    return { authorization: `Bearer ${this.token}` };
  }

  async meta(): Promise<MetaResponse> {
    const res = await fetch(`${this.baseUrl}/api/sync/${this.app}/meta`, { headers: await this.authHeader() });
    return (await res.json()) as MetaResponse;
  }

  async pull(): Promise<PullResponse> {
    const res = await fetch(`${this.baseUrl}/api/sync/${this.app}/pull`, { headers: await this.authHeader() });
    if (res.status !== 200) throw new Error(`pull answered ${res.status}`);
    return (await res.json()) as PullResponse;
  }

  /** Makes the next `count` API requests answer `status` (a dev-only Worker route). */
  async failNext(status: number, count: number): Promise<void> {
    const res = await fetch(`${this.baseUrl}/__dev/fail-next?status=${status}&count=${count}`, { method: 'POST' });
    if (!res.ok) throw new Error(`fail-next answered ${res.status}`);
  }
}

let counter = 0;
/** A user id no other test uses, so tests never share server data. */
export function uniqueUser(label: string): string {
  return `e2e-${label}-${Date.now().toString(36)}-${counter++}`;
}
